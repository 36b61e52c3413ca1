"""Fault benchmark: the reference deployment under load while things break.

Starts the deployment of ``deploy/`` on loopback (benchmarks/load/deployment.py:
nginx with a self-signed certificate, two app instances of gunicorn with
``--workers`` sync workers each, their own PostgreSQL cluster and
redis-server), opens a cannabis wave with one code per simulated pupil, and
lets ``--pupils`` pupils (default 300) start over ``--ramp`` seconds and
answer page by page over HTTPS, reading each page for ``--think`` seconds.
Meanwhile, on a fixed schedule:

1. a gunicorn worker of instance 1 is killed with SIGKILL;
2. instance 2 is killed whole (master and workers, SIGKILL) and started again;
3. PostgreSQL is restarted (fast shutdown, start);
4. Redis is stopped for ``--redis-down`` seconds and started again.

Pupils meet failures the way a person does: wait a second, reload or send
again, for up to ``--patience`` seconds. Afterwards the database is counted
with plain SQL and the script prints acknowledged saves, stored, lost and
duplicated, pupils unable to finish, 5xx and refused connections seen, and
the longest a pupil could not go on.

* acknowledged = distinct pages each pupil saw saved (its POST answered with
  the redirect), summed over the pupils who saw the thank-you page;
  stored = distinct pages holding answers among the submitted responses;
* lost = acknowledged pages not stored + thank-you pages without a
  submitted response; duplicated = submitted responses beyond the thank-you
  pages + spent codes beyond them.

Target: lost 0, duplicated 0, unable to finish 0. Exit status 1 otherwise.

    .venv/bin/python benchmarks/bench_faults.py [--pupils 300] [--ramp 20] [--think 2 6]
        [--workers 2] [--patience 60] [--redis-down 5] [--max-seconds 240]

Loopback only; every process is started here and stopped by its pid.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load.browser import Outcome, complete_survey  # noqa: E402
from benchmarks.load.deployment import SECRET, Deployment, new_folder  # noqa: E402
from benchmarks.load.stats import latency_table  # noqa: E402
from benchmarks.load.wave import seed_wave, stored_counts  # noqa: E402

SLUG = "bench-faults"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which the pupils start")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
                        help="seconds spent on each page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--patience", type=float, default=60.0, help="seconds a pupil keeps reloading")
    parser.add_argument("--redis-down", type=float, default=5.0)
    parser.add_argument("--max-seconds", type=float, default=240.0, help="the whole load phase stops by then")
    args = parser.parse_args(argv)

    folder = new_folder("bench-faults-")
    deployment = Deployment(folder, workers=args.workers)
    try:
        started = time.monotonic()
        deployment.start()
        codes = seed_wave(deployment.database_url, SECRET, args.pupils, SLUG)
        print(f"deployment up in {time.monotonic() - started:.0f} s: nginx {deployment.nginx.url}, "
              f"2 instances x {args.workers} workers, PostgreSQL :{deployment.pg.port}, Redis :{deployment.redis.port}")
        outcomes, events = run(deployment, codes, args)
        return report(deployment, outcomes, events, args)
    finally:
        deployment.stop()
        shutil.rmtree(folder, ignore_errors=True)


def run(deployment: Deployment, codes: list[str], args: argparse.Namespace) -> tuple[list[Outcome], list[str]]:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    base, cert = deployment.nginx.url, str(deployment.nginx.cert)
    t0 = time.monotonic()
    deadline = t0 + args.max_seconds

    def pupil(i: int) -> None:
        time.sleep(args.ramp * i / max(len(codes), 1))
        outcome = complete_survey(base, SLUG, codes[i], seed=i, verify=cert, think_range=tuple(args.think),
                                  patience=min(args.patience, max(deadline - time.monotonic(), 1)), pause=1.0)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=pupil, args=(i,), daemon=True) for i in range(len(codes))]
    for t in threads:
        t.start()

    events: list[str] = []

    def at(seconds: float, what: str, action) -> None:
        delay = t0 + seconds - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        action()
        events.append(f"{time.monotonic() - t0:6.1f} s  {what}")
        print(events[-1], flush=True)

    first, second = deployment.apps
    ramp = args.ramp
    at(ramp * 0.4, "SIGKILL a gunicorn worker of instance 1", first.kill_worker)
    at(ramp * 0.8, "SIGKILL instance 2 (master and workers)", second.kill)
    at(ramp * 0.8 + 5, "instance 2 started again", lambda: second.start())
    at(ramp * 0.8 + 15, "PostgreSQL restarting (fast shutdown)", deployment.pg.stop)
    at(ramp * 0.8 + 17, "PostgreSQL started again", deployment.pg.start)
    at(ramp * 0.8 + 27, "Redis stopped", deployment.redis.stop)
    at(ramp * 0.8 + 27 + args.redis_down, "Redis started again", deployment.redis.start)
    for t in threads:
        t.join(timeout=max(deadline - time.monotonic(), 0) + args.patience + 30)
    events.append(f"{time.monotonic() - t0:6.1f} s  last pupil done ({sum(t.is_alive() for t in threads)} still running)")
    return outcomes, events


def report(deployment: Deployment, outcomes: list[Outcome], events: list[str], args: argparse.Namespace) -> int:
    stored = stored_counts(deployment.database_url, SLUG)
    finished = [o for o in outcomes if o.submitted]
    unable = args.pupils - len(finished)
    acknowledged = sum(len(o.pages_acknowledged) for o in finished)
    lost = max(acknowledged - stored["submitted_pages"], 0) + max(len(finished) - stored["submitted"], 0)
    duplicated = max(stored["submitted"] - len(finished), 0) + max(stored["spent_codes"] - len(finished), 0)
    latencies: dict[str, list[float]] = {}
    for o in outcomes:
        for kind, values in o.latencies.items():
            latencies.setdefault(kind, []).extend(values)
    failures: dict[str, int] = {}
    for o in outcomes:
        if o.failure:
            failures[o.failure] = failures.get(o.failure, 0) + 1
    print()
    print("events:")
    print("\n".join("  " + e for e in events))
    print()
    print(f"pupils                      {args.pupils} (thank-you page: {len(finished)})")
    print(f"acknowledged saves          {sum(o.saves_acknowledged for o in outcomes)} "
          f"({acknowledged} distinct pages of pupils who finished)")
    print(f"stored                      {stored['submitted_pages']} pages of {stored['submitted']} submitted "
          f"responses; {stored['spent_codes']} codes spent; {stored['in_progress']} in progress")
    print(f"lost                        {lost}")
    print(f"duplicated                  {duplicated}")
    print(f"unable to finish            {unable}" + (f"  {failures}" if failures else ""))
    print(f"5xx seen                    {sum(o.errors_5xx for o in outcomes)}")
    print(f"connections refused/failed  {sum(o.connection_errors for o in outcomes)}")
    print(f"longest stall               {max((o.longest_stall for o in outcomes), default=0):.1f} s "
          "(from a failure to the same step succeeding)")
    print(f"requests                    {sum(o.requests for o in outcomes)}")
    print()
    print(latency_table(latencies))
    ok = lost == 0 and duplicated == 0 and unable == 0
    print()
    print("target lost 0 / duplicated 0 / unable to finish 0:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
