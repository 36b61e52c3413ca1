"""Load benchmark: concurrent respondents completing the cannabis survey.

For each backend (SQLite file, PostgreSQL database ``bench_submit_<pid>`` created and
dropped here) the script

1. migrates a fresh database, registers the cannabis instrument, creates a
   wave in code mode and issues one code per simulated respondent and round;
2. serves the real app and a bare Flask app (one INSERT per request, nothing
   else) with gunicorn (2 workers each, loopback, free ports) on the same
   database;
3. sends ``--warmup`` respondents (default 20) through both servers first,
   not measured, so that caches and prepared statements are in place; then
   runs ``--rounds`` rounds (default 3). In each, ``--concurrency`` threads,
   each with its own ``requests.Session``, complete the survey for a fresh
   batch of ``--respondents`` codes page by page exactly like a browser
   without JavaScript (GET the page, read the form: CSRF token, fields,
   buttons; POST the answers, follow the redirect, ..., submit), and the same
   clients send the bare handler as many requests per respondent. The order
   of the two phases alternates between rounds, so that drift in the
   machine's speed falls on both;
4. prints per round and overall: completed surveys per second, page-save
   latency p50/p99 (the POST of a question page, redirect not followed),
   requests per second of both apps and their ratio (the median of the
   rounds' ratios is the figure compared with the goal), CPU per request of
   the servers, of PostgreSQL and of the clients; then counts the stored
   responses: every thank-you page must have exactly one submitted response
   and one spent code behind it, nothing left over.

Goal (issue 5): ratio >= 0.5 and page-save p99 < 250 ms at 50 concurrent
respondents, zero lost and zero duplicated responses. The exit status is 1
when a response is lost or duplicated or a respondent failed (the speed goal
is printed, not enforced: speed is measured, never asserted).

    .venv/bin/python benchmarks/bench_submit.py [--respondents 200] [--rounds 3] [--warmup 20]
        [--concurrency 50] [--backend sqlite|postgresql|both] [--max-seconds 120]
        [--think SECONDS] [--worker-class sync|gthread --threads N --keep-alive S]
    .venv/bin/python benchmarks/bench_submit.py --profile [--backend sqlite]

``--think`` makes respondents pause on each page (default 0: flat out, the
worst case); ``--profile`` runs respondents in-process under cProfile and
prints where a request's time goes. Everything runs on 127.0.0.1; each phase
stops after ``--max-seconds``.

The parts shared with ``bench_faults.py`` and ``bench_wave.py`` live in
``benchmarks/load/``: ``forms`` (reading and filling our forms), ``clients``
(simulated respondents on threads or processes), ``servers`` (gunicorn and
its CPU time), ``databases`` (benchmark databases, PostgreSQL's CPU time),
``stats``; this script keeps the bare handler, the seeding, the rounds and
the report.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load.clients import Failure, Tally, complete_survey, run_client_processes  # noqa: E402
from benchmarks.load.databases import database_cpu_seconds, drop_database, make_database  # noqa: E402
from benchmarks.load.servers import Gunicorn  # noqa: E402
from benchmarks.load.stats import median, percentile  # noqa: E402
from benchmarks.load.wave import seed_wave  # noqa: E402

SECRET = "bench-submit-secret-key-0123456789abcdef"


# ============================================================ the bare handler


def bare_app():  # -> flask.Flask
    """A Flask app whose one view does one INSERT per request (the floor a
    page save is measured against). Served by gunicorn as
    ``bench_submit:bare_app()`` with ``DATABASE_URL`` in the environment."""
    from flask import Flask, request
    from sqlalchemy import text

    from surveys.db import make_engine

    app = Flask("bare")
    engine = make_engine(os.environ["DATABASE_URL"])
    insert = text("INSERT INTO bench_bare (respondent, page, payload) VALUES (:r, :p, :d)")

    @app.post("/save")
    def save():
        form = request.form
        with engine.begin() as conn:
            conn.execute(insert, {"r": form.get("respondent", ""), "p": form.get("page", ""),
                                  "d": json.dumps(form.to_dict(flat=False))})
        return "saved\n"

    return app


BARE_TABLE = {
    "sqlite": "CREATE TABLE bench_bare (id INTEGER PRIMARY KEY AUTOINCREMENT, respondent TEXT, page TEXT, payload TEXT)",
    "postgresql": "CREATE TABLE bench_bare (id SERIAL PRIMARY KEY, respondent TEXT, page TEXT, payload TEXT)",
}


# ============================================================ simulated respondents


def bare_respondent(base: str, respondent: int, pages: int, requests_per_survey: int,
                    think: float = 0.0) -> tuple[list[float], int]:
    """The same number of requests as a real respondent, each one INSERT,
    with the same pauses (one per page)."""
    import requests

    pace = random.Random(respondent)
    every = max(1, round(requests_per_survey / max(pages, 1)))

    session = requests.Session()
    latencies = []
    for i in range(requests_per_survey):
        data = {"respondent": str(respondent), "page": f"p{i % max(pages, 1)}",
                "att01": "3", "att02": "4", "att03": "2", "csrf_token": "x" * 90}
        if think and i % every == 0:
            time.sleep(think * pace.uniform(0.5, 1.5))
        t0 = time.perf_counter()
        r = session.post(f"{base}/save", data=data, timeout=30)
        latencies.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            raise Failure(f"bare POST -> {r.status_code}")
    return latencies, requests_per_survey


# ============================================================ profile


class TestClientSession:
    """The app's test client behind the few ``requests.Session`` calls used
    above, so one respondent can run in-process under cProfile."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    @staticmethod
    def _path(url: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @staticmethod
    def _wrap(resp: Any) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(status_code=resp.status_code, text=resp.get_data(as_text=True),
                               headers=resp.headers, is_redirect=resp.status_code in (301, 302, 303, 307, 308))

    def get(self, url: str, **_: Any) -> Any:
        return self._wrap(self.client.get(self._path(url)))

    def post(self, url: str, data: Any = None, **_: Any) -> Any:
        from werkzeug.datastructures import MultiDict

        return self._wrap(self.client.post(self._path(url), data=MultiDict(data or [])))


def profile(respondents: int, backend: str, top: int = 35) -> None:
    """Run respondents one after the other through the app in this process
    under cProfile and print where the time goes."""
    import cProfile
    import pstats

    from webapp import create_app

    workdir = Path(tempfile.mkdtemp(prefix="bench-submit-profile-"))
    database_url = make_database(backend, workdir)
    try:
        slug, codes = seed(database_url, respondents)
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                          "RATELIMIT_STORAGE_URI": "memory://", "CODE_RATE_LIMIT": "1000000 per minute"})
        complete_survey("http://localhost", slug, codes[0], 0, TestClientSession(app))  # warm up
        profiler = cProfile.Profile()
        sent = 0
        t0 = time.perf_counter()
        profiler.enable()
        for i, code in enumerate(codes[1:], start=1):
            sent += complete_survey("http://localhost", slug, code, i, TestClientSession(app))[1]
        profiler.disable()
        elapsed = time.perf_counter() - t0
        print(f"== profile ({backend}): {len(codes) - 1} respondents, {sent} requests, "
              f"{1000 * elapsed / max(sent, 1):.1f} ms per request in one process (profiler on)")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
    finally:
        drop_database(backend)
        shutil.rmtree(workdir, ignore_errors=True)


# ============================================================ servers and databases


def seed(database_url: str, respondents: int) -> tuple[str, list[str]]:
    """Migrate, open the benchmark wave with its codes, add the bare table."""
    from sqlalchemy import text

    from surveys import db

    db.upgrade(database_url, "head")
    slug = "bench-cannabis"
    codes = seed_wave(database_url, SECRET, respondents, slug)
    engine = db.make_engine(database_url)
    backend = engine.dialect.name
    with engine.begin() as conn:
        conn.execute(text(BARE_TABLE["postgresql" if backend == "postgresql" else "sqlite"]))
    engine.dispose()
    return slug, codes


def count_stored(database_url: str, slug: str) -> dict[str, int]:
    from sqlalchemy import text

    from surveys.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.status, count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id "
            "WHERE s.slug = :slug GROUP BY r.status"), {"slug": slug}).all()
        spent = conn.execute(text(
            "SELECT count(*) FROM access_codes c JOIN surveys s ON s.id = c.survey_id "
            "WHERE s.slug = :slug AND c.status = 'spent'"), {"slug": slug}).scalar_one()
        bare = conn.execute(text("SELECT count(*) FROM bench_bare")).scalar_one()
    engine.dispose()
    counts = {status: n for status, n in rows}
    return {"submitted": counts.get("submitted", 0), "in_progress": counts.get("in_progress", 0),
            "spent_codes": spent, "bare_rows": bare}


# ============================================================ one backend


@dataclass
class Phase:
    """One timed phase: a server, a batch of simulated respondents."""

    tally: Tally
    elapsed: float
    server_cpu: float
    client_cpu: float
    database_cpu: float

    @property
    def rps(self) -> float:
        return self.tally.requests / self.elapsed if self.elapsed else float("nan")

    def cpu_ms(self, which: str) -> float:
        seconds = {"server": self.server_cpu, "client": self.client_cpu, "database": self.database_cpu}[which]
        return 1000 * seconds / max(self.tally.requests, 1)


def run_phase(server: Gunicorn, jobs: list[Callable[[], tuple[list[float], int, bool]]],
              args: argparse.Namespace) -> Phase:
    cpu0 = server.cpu_seconds(), database_cpu_seconds()
    tally, elapsed, client_cpu = run_client_processes(jobs, args.concurrency, time.monotonic() + args.max_seconds,
                                                      args.client_processes)
    return Phase(tally, elapsed, server.cpu_seconds() - cpu0[0], client_cpu, database_cpu_seconds() - cpu0[1])


def bench_backend(backend: str, args: argparse.Namespace) -> bool:
    """``--rounds`` rounds on one database; each round lets a fresh batch of
    respondents complete the survey on the app, then sends the same number
    of requests to the bare handler (the order alternates between rounds so
    that drift in the machine's speed falls on both). Both servers stay up
    between rounds; the figure compared with the goal is the median of the
    rounds' ratios."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-submit-{backend}-"))
    database_url = make_database(backend, workdir)
    ok = True
    servers: list[Gunicorn] = []
    try:
        slug, codes = seed(database_url, args.warmup + args.respondents * args.rounds)
        env = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
               "SURVEY_ENGINE_INSTANCE": str(workdir), "REDIS_URL": ""}
        # The benchmark's clients all come from 127.0.0.1: lift the per-address
        # code-entry limit that protects real classrooms.
        app_spec = 'webapp:create_app({"CODE_RATE_LIMIT": "1000000 per minute"})'
        app = Gunicorn(app_spec, env, args.workers, args.worker_class, args.threads,
                       workdir / "gunicorn-app.log", args.keep_alive)
        servers.append(app)
        bare = Gunicorn("bench_submit:bare_app()", env, args.workers, args.worker_class,
                        args.threads, workdir / "gunicorn-bare.log", args.keep_alive)
        servers.append(bare)
        app.wait_ready(f"/s/{slug}/")
        bare.wait_ready("/save")
        app.settle(args.workers)
        bare.settle(args.workers)

        def app_jobs(batch: list[str], first: int) -> list[Callable[[], tuple[list[float], int, bool]]]:
            jobs = []
            for i, code in enumerate(batch, start=first):
                def job(code: str = code, i: int = i) -> tuple[list[float], int, bool]:
                    lat, sent, _pages = complete_survey(app.url, slug, code, seed=i, think=args.think)
                    return lat, sent, True
                jobs.append(job)
            return jobs

        def bare_jobs(first: int, count: int, pages: int,
                      per_survey: int) -> list[Callable[[], tuple[list[float], int, bool]]]:
            jobs = []
            for i in range(first, first + count):
                def job(i: int = i) -> tuple[list[float], int, bool]:
                    lat, sent = bare_respondent(bare.url, i, pages, per_survey, args.think)
                    return lat, sent, True
                jobs.append(job)
            return jobs

        # The bare clients send as many requests per respondent as the app's
        # did (before the first app phase: the survey's known shape).
        pages_per_survey, requests_per_survey = 5, 16
        # Warm-up, not measured: both servers' workers fill their caches
        # (compiled SQL, prepared statements, question blocks) first.
        warm: list[Phase] = []
        if args.warmup:
            warm.append(run_phase(app, app_jobs(codes[:args.warmup], 0), args))
            pages_per_survey = round(len(warm[0].tally.save_ms) / max(warm[0].tally.completed, 1))
            requests_per_survey = round(warm[0].tally.requests / max(warm[0].tally.completed, 1))
            warm.append(run_phase(bare, bare_jobs(0, args.warmup, pages_per_survey, requests_per_survey), args))
        rounds: list[tuple[Phase, Phase]] = []
        for r in range(args.rounds):
            first = args.warmup + r * args.respondents
            batch = codes[first:first + args.respondents]
            if r % 2 == 0:
                real = run_phase(app, app_jobs(batch, first), args)
                pages_per_survey = round(len(real.tally.save_ms) / max(real.tally.completed, 1))
                requests_per_survey = round(real.tally.requests / max(real.tally.completed, 1))
                floor = run_phase(bare, bare_jobs(first, args.respondents, pages_per_survey,
                                                  requests_per_survey), args)
            else:
                floor = run_phase(bare, bare_jobs(first, args.respondents, pages_per_survey,
                                                  requests_per_survey), args)
                real = run_phase(app, app_jobs(batch, first), args)
            rounds.append((real, floor))
    finally:
        for server in servers:
            server.stop()
    try:
        ok = report(backend, args, database_url, slug, len(codes), rounds, warm)
    finally:
        drop_database(backend)
        if args.keep_logs:
            print(f"logs and database kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return ok


def report(backend: str, args: argparse.Namespace, database_url: str, slug: str, n_codes: int,
           rounds: list[tuple[Phase, Phase]], warm: list[Phase]) -> bool:
    """Print the figures of one backend and check what was stored."""
    stored = count_stored(database_url, slug)
    saves = [ms for real, _ in rounds for ms in real.tally.save_ms]
    bare_lat = [ms for _, floor in rounds for ms in floor.tally.save_ms]
    completed = sum(real.tally.completed for real, _ in rounds)
    requests = sum(real.tally.requests for real, _ in rounds)
    elapsed = sum(real.elapsed for real, _ in rounds)
    ratios = [real.rps / floor.rps if floor.rps else float("nan") for real, floor in rounds]
    ratio = median(ratios)
    p50, p99 = percentile(saves, 0.50), percentile(saves, 0.99)
    failures = [f for real, floor in rounds for f in real.tally.failures + floor.tally.failures]
    failures += [f for phase in warm for f in phase.tally.failures]
    # The warm-up's respondents are stored too: every one of them counts.
    warmed = warm[0].tally.completed if warm else 0
    lost = max(0, completed + warmed - stored["submitted"])
    duplicated = (max(0, stored["submitted"] - completed - warmed)
                  + max(0, stored["submitted"] + stored["in_progress"] - n_codes))

    print(f"\n== {backend}: {args.rounds} rounds of {args.respondents} respondents after a warm-up of "
          f"{args.warmup}, {args.concurrency} concurrent, "
          f"think {args.think:g} s, gunicorn {args.workers} workers ({args.worker_class}, {args.threads} threads)")
    for r, ((real, floor), q) in enumerate(zip(rounds, ratios), start=1):
        print(f"round {r}{' (bare first)' if r % 2 == 0 else '             '}  app {real.rps:4.0f} req/s   "
              f"bare {floor.rps:4.0f} req/s   ratio {q:.2f}   page-save p99 {percentile(real.tally.save_ms, .99):4.0f} ms   "
              f"server CPU/request app {real.cpu_ms('server'):.1f} ms, bare {floor.cpu_ms('server'):.1f} ms")
    print(f"completed surveys        {completed} in {elapsed:.1f} s = {completed / elapsed:.1f} surveys/s "
          f"({round(len(saves) / max(completed, 1))} page saves, {round(requests / max(completed, 1))} requests per survey)")
    print(f"page save latency        p50 {p50:.0f} ms   p99 {p99:.0f} ms   (n = {len(saves)}, all rounds)")
    print(f"bare INSERT latency      p50 {percentile(bare_lat, .5):.0f} ms   p99 {percentile(bare_lat, .99):.0f} ms")
    print(f"ratio to bare handler    {ratio:.2f} median of {len(ratios)} rounds "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}; requests/s, app / bare)")
    app_ms = median([real.cpu_ms("server") for real, _ in rounds])
    bare_ms = median([floor.cpu_ms("server") for _, floor in rounds])
    print(f"server CPU per request   app {app_ms:.1f} ms   bare {bare_ms:.1f} ms   "
          f"(medians; gunicorn master + workers, user + system; the database server not counted)")
    if backend == "postgresql":
        print(f"database CPU per request app {median([real.cpu_ms('database') for real, _ in rounds]):.1f} ms   "
              f"bare {median([floor.cpu_ms('database') for _, floor in rounds]):.1f} ms   (PostgreSQL server processes)")
    print(f"client CPU per request   app {median([real.cpu_ms('client') for real, _ in rounds]):.1f} ms   "
          f"bare {median([floor.cpu_ms('client') for _, floor in rounds]):.1f} ms   "
          "(the simulated respondents, on the same 2 cores)")
    print(f"stored                   {stored['submitted']} submitted, {stored['in_progress']} in progress, "
          f"{stored['spent_codes']} codes spent; lost {lost}, duplicated {duplicated}")
    if failures:
        print(f"FAILURES                 {len(failures)}; first: {failures[0]}")
    if args.think:
        print(f"goal: p99 < 250 ms {'met' if p99 < 250 else 'MISSED'}; the ratio is paced by the "
              "think time here: measure it with --think 0")
    else:
        goal = ratio >= 0.5 and p99 < 250
        print(f"goal (ratio >= 0.5, p99 < 250 ms): {'met' if goal else 'MISSED'}")
    ok = (lost == 0 and duplicated == 0 and not failures and completed == args.respondents * args.rounds
          and warmed == args.warmup and stored["spent_codes"] == completed + warmed)
    if not ok:
        print("INTEGRITY CHECK FAILED")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--client-processes", type=int, default=1,
                        help="spread the simulated respondents over this many client processes")
    parser.add_argument("--warmup", type=int, default=20,
                        help="respondents (and as many bare requests) sent before measuring, not counted in the "
                        "figures (default 20)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved app/bare rounds, each with fresh respondents (default 3)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--max-seconds", type=float, default=120,
                        help="stop each phase after this many seconds")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a respondent spends on a page (default 0: flat out)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--keep-alive", type=int, default=2,
                        help="gunicorn --keep-alive seconds (gthread; 0 closes after each request)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the gunicorn logs and SQLite file")
    parser.add_argument("--profile", action="store_true",
                        help="instead: run --respondents in-process under cProfile (first backend)")
    args = parser.parse_args(argv)
    if not 1 <= args.respondents <= 5000:
        parser.error("--respondents must be between 1 and 5000")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")
    if not 0 <= args.warmup <= 1000:
        parser.error("--warmup must be between 0 and 1000")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if args.profile:
        profile(min(args.respondents, 50), backends[0])
        return 0
    results = [bench_backend(b, args) for b in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
