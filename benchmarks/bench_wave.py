"""National-wave load profile through the reference deployment.

Starts the deployment of ``deploy/`` on loopback (nginx with TLS, two app
instances of gunicorn with ``--workers`` sync workers each, their own
PostgreSQL cluster and redis-server: benchmarks/load/deployment.py) and runs
two phases over HTTPS with browser-like clients (benchmarks/load/browser.py):

1. **The bell.** ``--pupils`` pupils (default 1,000) in whole classes of
   ``--class-size`` start within ``--start-window`` seconds (each class at
   one random moment, its pupils within 5 s of it), then answer a page every
   ``--page-every`` seconds (uniform, default 10-30). Prints p50/p99 per
   request type and the request rate at the peak.
2. **Capacity.** Pupils answering flat out (no reading time) at rising
   concurrency for ``--step-seconds`` each; prints requests/s and page-save
   p99 per step and the highest rate with p99 < 250 ms. Everything (nginx,
   both instances, PostgreSQL, Redis and the clients) shares this machine's
   cores, so this is what ONE host of this size sustains, conservatively.

From the sustained rate it works out the app hosts needed for a national
wave: ``--national-pupils`` (200,000) in ``--weeks`` (6), with peaks of
``--peak-answering`` (3,000) pupils answering at once, each sending a page
save and a page view every ``--page-every`` seconds on average.

Clients run in ``--client-processes`` forked processes (threads within each)
so that a client waiting for the GIL does not count against the server.

    .venv/bin/python benchmarks/bench_wave.py [--pupils 1000] [--start-window 60]
        [--page-every 10 30] [--steps 8 16 32] [--step-seconds 20] [--workers 2]

Loopback only; every process is started here and stopped by its pid.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load.browser import Outcome, complete_survey  # noqa: E402
from benchmarks.load.deployment import SECRET, Deployment, new_folder  # noqa: E402
from benchmarks.load.stats import latency_table, percentile  # noqa: E402
from benchmarks.load.wave import seed_wave, stored_counts  # noqa: E402

SLUG = "bench-wave"
P99_GOAL_MS = 250.0


def run_pupils(base: str, cert: str, codes: list[str], starts: list[float], think: tuple[float, float],
               processes: int, deadline: float, seed0: int = 0) -> tuple[list[Outcome], float]:
    """Pupil i starts ``starts[i]`` seconds from now; returns the outcomes and
    the seconds from the first start to the last pupil done."""
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    t0 = time.monotonic() + 1.0

    def child(k: int) -> None:
        mine = list(range(k, len(codes), processes))
        done: list[Outcome] = []
        lock = threading.Lock()

        def pupil(i: int) -> None:
            delay = t0 + starts[i] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if time.monotonic() > deadline:
                return
            outcome = complete_survey(base, SLUG, codes[i], seed=seed0 + i, verify=cert,
                                      think_range=think, patience=10, pause=1.0)
            with lock:
                done.append(outcome)

        threads = [threading.Thread(target=pupil, args=(i,), daemon=True) for i in mine]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(deadline - time.monotonic(), 0) + 60)
        results.put(done)

    workers = [fork.Process(target=child, args=(k,), daemon=True) for k in range(processes)]
    for w in workers:
        w.start()
    outcomes: list[Outcome] = []
    for _ in workers:
        outcomes += results.get(timeout=max(deadline - time.monotonic(), 0) + 120)
    elapsed = time.monotonic() - t0
    for w in workers:
        w.join(10)
    return outcomes, elapsed


def merged(outcomes: list[Outcome]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for o in outcomes:
        for kind, values in o.latencies.items():
            out.setdefault(kind, []).extend(values)
    return out


def bell(deployment: Deployment, codes: list[str], args: argparse.Namespace) -> float:
    """Run the bell phase; returns the requests one finished pupil sent."""
    rng = random.Random(1)
    starts: list[float] = []
    for first in range(0, len(codes), args.class_size):
        bell_at = rng.uniform(0, max(args.start_window - 5, 0))
        starts += [bell_at + rng.uniform(0, 5) for _ in range(min(args.class_size, len(codes) - first))]
    deadline = time.monotonic() + args.start_window + 8 * args.page_every[1] + 120
    outcomes, elapsed = run_pupils(deployment.nginx.url, str(deployment.nginx.cert), codes, starts,
                                   tuple(args.page_every), args.client_processes, deadline)
    lat = merged(outcomes)
    requests = sum(o.requests for o in outcomes)
    finished = sum(o.submitted for o in outcomes)
    stored = stored_counts(deployment.database_url, SLUG)
    print(f"\n== the bell: {len(codes)} pupils in classes of {args.class_size} starting within "
          f"{args.start_window:.0f} s, a page every {args.page_every[0]:.0f}-{args.page_every[1]:.0f} s")
    print(f"finished {finished} of {len(codes)} in {elapsed:.0f} s; {requests} requests "
          f"({requests / elapsed:.1f}/s on average); 5xx {sum(o.errors_5xx for o in outcomes)}; "
          f"stored {stored['submitted']} submitted, {stored['spent_codes']} codes spent")
    failures = [o.failure for o in outcomes if o.failure]
    if failures:
        print(f"failures: {failures[:5]}")
    print(latency_table(lat))
    return requests / max(finished, 1)


def capacity(deployment: Deployment, codes: list[str], args: argparse.Namespace) -> float:
    """Closed-loop steps; returns the highest requests/s with page-save p99 < goal."""
    print(f"\n== capacity: pupils answering flat out, {args.step_seconds:.0f} s per step")
    print(f"{'pupils at once':>14} {'req/s':>7} {'save p50':>9} {'save p99':>9} {'all p99':>8} {'5xx':>4}")
    best = 0.0
    used = 0
    for concurrency in args.steps:
        # Each "slot" runs pupils one after another for the step's length.
        per_slot = max(2, int(args.step_seconds / 1.5) + 2)
        batch = codes[used:used + concurrency * per_slot]
        used += len(batch)
        if len(batch) < concurrency:
            print("not enough codes left for this step")
            break
        started = time.monotonic()
        deadline = started + args.step_seconds
        outcomes = run_slots(deployment, batch, concurrency, deadline, args.client_processes)
        elapsed = time.monotonic() - started
        lat = merged(outcomes)
        requests = sum(o.requests for o in outcomes)
        rps = requests / elapsed
        saves = lat.get("page_save", [])
        every = [v for values in lat.values() for v in values]
        p99 = percentile(saves, 0.99)
        errors = sum(o.errors_5xx for o in outcomes)
        print(f"{concurrency:>14} {rps:>7.0f} {percentile(saves, .5):>7.0f} ms {p99:>7.0f} ms "
              f"{percentile(every, .99):>6.0f} ms {errors:>4}")
        if p99 < P99_GOAL_MS and errors == 0:
            best = max(best, rps)
    return best


def run_slots(deployment: Deployment, codes: list[str], slots: int, deadline: float,
              processes: int) -> list[Outcome]:
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    base, cert = deployment.nginx.url, str(deployment.nginx.cert)

    def child(k: int) -> None:
        my_slots = list(range(k, slots, processes))
        done: list[Outcome] = []
        lock = threading.Lock()

        def slot(s: int) -> None:
            for i in range(s, len(codes), slots):
                if time.monotonic() >= deadline:
                    return
                outcome = complete_survey(base, SLUG, codes[i], seed=10_000 + i, verify=cert)
                with lock:
                    done.append(outcome)

        threads = [threading.Thread(target=slot, args=(s,), daemon=True) for s in my_slots]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(deadline - time.monotonic(), 0) + 60)
        results.put(done)

    workers = [fork.Process(target=child, args=(k,), daemon=True) for k in range(processes)]
    for w in workers:
        w.start()
    outcomes: list[Outcome] = []
    for _ in workers:
        outcomes += results.get(timeout=max(deadline - time.monotonic(), 0) + 120)
    for w in workers:
        w.join(10)
    return outcomes


def hosts_needed(best_rps: float, requests_per_pupil: float, args: argparse.Namespace) -> None:
    per_pupil = 2 / (sum(args.page_every) / 2)  # a save and a view per page
    peak_rps = args.peak_answering * per_pupil
    hours = args.weeks * 5 * 6  # school days, six answering hours a day
    mean_rps = args.national_pupils * requests_per_pupil / (hours * 3600)
    print(f"\n== a national wave: {args.national_pupils:,} pupils in {args.weeks} weeks, "
          f"peaks of {args.peak_answering:,} answering at once")
    print(f"one 2-core host sustains {best_rps:.0f} requests/s with page-save p99 < {P99_GOAL_MS:.0f} ms")
    print(f"peak load: {args.peak_answering:,} x 2 requests per {sum(args.page_every) / 2:.1f} s = {peak_rps:.0f} requests/s; "
          f"mean over school hours ({requests_per_pupil:.1f} requests per pupil): {mean_rps:.1f} requests/s")
    if best_rps > 0:
        needed = math.ceil(peak_rps / best_rps)
        print(f"app hosts needed at the peak: {needed} (+1 to survive losing one: {needed + 1}); "
              f"PostgreSQL connections: {(needed + 1) * 5 * 2 + 5} at 5 workers per host")
    else:
        print("no step met the p99 goal: no host count can be derived")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--class-size", type=int, default=25)
    parser.add_argument("--start-window", type=float, default=60.0)
    parser.add_argument("--page-every", type=float, nargs=2, default=(10.0, 30.0), metavar=("MIN", "MAX"))
    parser.add_argument("--steps", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--step-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--national-pupils", type=int, default=200_000)
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--peak-answering", type=int, default=3000)
    parser.add_argument("--skip-bell", action="store_true")
    args = parser.parse_args(argv)

    folder = new_folder("bench-wave-")
    deployment = Deployment(folder, workers=args.workers)
    try:
        deployment.start()
        step_codes = sum(c * (max(2, int(args.step_seconds / 1.5) + 2)) for c in args.steps)
        codes = seed_wave(deployment.database_url, SECRET, args.pupils + step_codes, SLUG)
        print(f"deployment: nginx {deployment.nginx.url}, 2 instances x {args.workers} sync workers, "
              f"own PostgreSQL and Redis; clients in {args.client_processes} processes on the same cores")
        # Without the bell: 4 pages (save + view each), welcome, code, review, submit, thanks.
        per_pupil = 14.0 if args.skip_bell else bell(deployment, codes[:args.pupils], args)
        best = capacity(deployment, codes[args.pupils:], args)
        hosts_needed(best, per_pupil, args)
        return 0
    finally:
        deployment.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
