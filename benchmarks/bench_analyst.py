"""Benchmark of the analyst side at national scale (issue 13).

Builds waves of the cannabis instrument (synthetic pupils in 40 schools, every
item kind: single, multi with "other" text, number, free text, the school
from the wave's presets, a class tag on a share of them, 25 % of each field
unanswered) on SQLite and PostgreSQL, bulk-loaded (COPY on PostgreSQL,
executemany on SQLite; loading is timed apart), then times in the same
process, through the real Flask app and its test client (no network):

* the wave read (``Store.wave_dataset``) cold, without the cache;
* the results page (cold = the first request of a fresh app, then warm), with
  and without a breakdown by school, the API results, the progress page;
* every download format (warm), and ``survey-engine score --wave`` (a fresh
  process, so always cold, start-up included);
* the pure scoring time of the same matrix (``score_report``), the yardstick.

It prints each time, its ratio to the pure scoring time, the growth exponent
k between consecutive sizes (time ∝ n^k; goal k ≤ 1.1) and, for the largest
size, the peak Python-tracked memory (tracemalloc, numpy included) of the
read and of each raw download. The 1,000,000 wave is optional (``--million``,
a few minutes more per backend).

Run: .venv/bin/python benchmarks/bench_analyst.py [--sizes 10000,100000] [--million]
     [--backends sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import math
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.config import normalise_url  # noqa: E402

PG_BASE = normalise_url(os.environ.get("BENCH_PG_URL",
                                       "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
PG_DATABASE = f"bench_analyst_{os.getpid()}"
SCHOOLS = [f"Skola {k:02d}" for k in range(1, 41)]
TEXTS = ["Stora torget", "vid tunneln", "=HYPERLINK(\"x\")", "Årby centrum", "الحديقة"]
SLUG = "cannabis-bench"
PASSWORD = "benchmark password"


# ----------------------------------------------------------------- databases
def pg_admin(sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def make_database(backend: str, workdir: Path, n: int) -> str:
    from surveys import db

    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{n}.sqlite3'}"
    else:
        name = f"{PG_DATABASE}_{n}"
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {name}")
        url = PG_BASE.rsplit("/", 1)[0] + f"/{name}"
    db.upgrade(url)
    return url


def drop_database(backend: str, url: str) -> None:
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


# ------------------------------------------------------------------- loading
def generate_answers(instrument: Any, n: int, seed: int = 13) -> tuple[list[str], list[tuple]]:
    """Response ids and answer rows (rid, item, position, multi, code, text)
    for ``n`` pupils, column by column."""
    from surveys.store.validate import instrument_fields

    rng = np.random.default_rng(seed)
    rids = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]
    rows: list[tuple] = []
    for field, item in instrument_fields(instrument).items():
        answered = np.flatnonzero(rng.random(n) >= 0.25)
        if field != item.id or item.kind == "text":
            picks = rng.integers(len(TEXTS), size=len(answered))
            rows.extend((rids[r], field, 0, False, None, TEXTS[p]) for r, p in zip(answered.tolist(), picks.tolist()))
        elif item.kind == "number":
            values = rng.integers(item.min or 0, (item.max or 99) + 1, size=len(answered))
            rows.extend((rids[r], field, 0, False, int(v), None) for r, v in zip(answered.tolist(), values.tolist()))
        elif item.options_from == "preset":
            values = rng.integers(1, len(SCHOOLS) + 1, size=len(answered))
            rows.extend((rids[r], field, 0, False, int(v), None) for r, v in zip(answered.tolist(), values.tolist()))
        else:
            codes = np.array(instrument.response_scale(item).codes)
            if item.kind == "multi":
                chosen = rng.random((len(answered), len(codes))) < 0.3
                chosen[~chosen.any(axis=1), 0] = True
                for r, mask in zip(answered.tolist(), chosen):
                    rows.extend((rids[r], field, p, True, int(c), None) for p, c in enumerate(codes[mask]))
            else:
                values = codes[rng.integers(len(codes), size=len(answered))]
                rows.extend((rids[r], field, 0, False, int(v), None) for r, v in zip(answered.tolist(), values.tolist()))
    return rids, rows


def load_wave(url: str, n: int) -> tuple[float, int]:
    """Create the wave and bulk-load ``n`` submitted responses; (seconds, answer rows)."""
    import json

    from sqlalchemy import insert, text

    from surveys.db import make_engine
    from surveys.loader import instruments_dir, load_instrument_text
    from surveys.models import Answer, Response
    from surveys.store import Store

    engine = make_engine(url)
    store = Store(engine, b"bench-secret")
    path = instruments_dir() / "cannabis-attityd.yaml"
    source = path.read_text(encoding="utf-8")
    instrument = load_instrument_text(source, str(path))
    sha = store.register_instrument(instrument, source)
    survey = store.create_survey(slug=SLUG, instrument_sha256=sha, label="Bench",
                                 presets={"school": SCHOOLS}, is_open=True)
    start = time.perf_counter()
    rids, answers = generate_answers(instrument, n)
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=k % 60) for k in range(n)]
    tags = [json.dumps({"class": f"9{'ABCD'[k % 4]}"}) if k % 3 else "{}" for k in range(n)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            cursor = conn.connection.dbapi_connection.cursor()
            with cursor.copy("COPY responses (id, survey_id, status, group_values, started_on, "
                             "submitted_on) FROM STDIN") as copy:
                for rid, day, tag in zip(rids, days, tags):
                    copy.write_row((rid, survey.id, "submitted", tag, day, day))
            with cursor.copy("COPY answers (response_id, item_id, position, multi, code, text) "
                             "FROM STDIN") as copy:
                for row in answers:
                    copy.write_row(row)
            cursor.close()
        else:
            raw = conn.connection.dbapi_connection
            raw.executemany("INSERT INTO responses (id, survey_id, status, group_values, started_on, "
                            "submitted_on) VALUES (?, ?, 'submitted', ?, ?, ?)",
                            [(rid, survey.id, tag, day.isoformat(), day.isoformat())
                             for rid, day, tag in zip(rids, days, tags)])
            raw.executemany("INSERT INTO answers (response_id, item_id, position, multi, code, text) "
                            "VALUES (?, ?, ?, ?, ?, ?)", answers)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, len(answers)


# -------------------------------------------------------------- measurements
def timed(fn: Callable[[], Any], repeat: int = 1) -> float:
    """The best of ``repeat`` runs, in seconds."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def make_app(url: str) -> tuple[Any, Any, str]:
    """A fresh app (cold: nothing cached), a logged-in test client, an API token."""
    from surveys import accounts
    from webapp import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "TESTING": True,
                      "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
    store = app.extensions["store"]
    user = accounts.user_by_email(store, "bench@example.se") or \
        accounts.create_user(store, "bench@example.se", "admin", PASSWORD)
    token = accounts.create_api_token(store, user.id)
    client = app.test_client()
    r = client.post("/analyst/login", data={"email": "bench@example.se", "password": PASSWORD})
    assert r.status_code == 302, r.status_code
    return app, client, token


def get(client: Any, path: str, **kw: Any) -> bytes:
    r = client.get(path, **kw)
    assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
    return r.get_data()


def measure(url: str, n: int, heavy: bool) -> dict[str, float]:
    from scoring.report import score_report

    out: dict[str, float] = {}
    app, client, token = make_app(url)
    store = app.extensions["store"]
    auth = {"headers": {"Authorization": f"Bearer {token}"}}
    out["results page cold"] = timed(lambda: get(client, f"/analyst/{SLUG}/results"))
    out["results page"] = timed(lambda: get(client, f"/analyst/{SLUG}/results"), 2)
    out["results by school"] = timed(lambda: get(client, f"/analyst/{SLUG}/results?by=school"), 2)
    out["API results"] = timed(lambda: get(client, f"/api/v1/surveys/{SLUG}/results", **auth), 2)
    out["progress page"] = timed(lambda: get(client, f"/analyst/{SLUG}/progress"), 2)
    out["wave read (no cache)"] = timed(lambda: store.wave_dataset(SLUG, use_cache=False))
    dataset = store.wave_dataset(SLUG)
    instrument = store.instrument(store.survey(SLUG).instrument_sha256)
    out["pure scoring"] = timed(lambda: score_report(instrument, dataset), 2)
    keys = ["scores-json", "scores-xlsx", "raw-csv", "raw-csv-sv"]
    if heavy:
        keys += ["raw-xlsx", "raw-sav"]
    for key in keys:
        out[f"download {key}"] = timed(lambda k=key: get(client, f"/analyst/{SLUG}/downloads/{k}"))
    env = {**os.environ, "DATABASE_URL": url}
    exe = str(Path(sys.executable).with_name("survey-engine"))
    out["score --wave (process)"] = timed(lambda: subprocess.run(
        [exe, "score", "--wave", SLUG], env=env, check=True, stdout=subprocess.DEVNULL))
    store.engine.dispose()
    return out


def memory(url: str, heavy: bool) -> dict[str, float]:
    app, client, _ = make_app(url)
    store = app.extensions["store"]
    out = {"wave read": peak_mib(lambda: store.wave_dataset(SLUG, use_cache=False))}
    store.wave_dataset(SLUG)
    for key in ["raw-csv", "raw-csv-sv"] + (["raw-xlsx", "raw-sav"] if heavy else []):
        out[f"download {key}"] = peak_mib(lambda k=key: get(client, f"/analyst/{SLUG}/downloads/{k}"))
    store.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,200000")
    parser.add_argument("--million", action="store_true", help="add a 1,000,000 wave")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--heavy-from", type=int, default=0,
                        help="time XLSX and .sav only from this size on (0: always)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million:
        sizes.append(1_000_000)
    print(f"bench_analyst: cannabis instrument, sizes {sizes}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            results: dict[int, dict[str, float]] = {}
            for n in sizes:
                url = make_database(backend, Path(tmp), n)
                try:
                    seconds, rows = load_wave(url, n)
                    print(f"\n[{backend} n={n:,}] loaded {rows:,} answer rows in {seconds:.1f} s")
                    heavy = n >= args.heavy_from
                    results[n] = measure(url, n, heavy)
                    base = results[n]["pure scoring"]
                    for name, t in results[n].items():
                        print(f"  {name:28s} {t:8.3f} s  {t / base:7.1f}x scoring")
                    if n == max(sizes):
                        for name, mib in memory(url, heavy).items():
                            print(f"  peak memory {name:16s} {mib:8.1f} MiB")
                finally:
                    drop_database(backend, url)
            print(f"\n[{backend}] growth exponent k (time ∝ n^k) between sizes")
            for a, b in zip(sizes, sizes[1:]):
                parts = []
                for name in results[b]:
                    ta, tb = results[a].get(name), results[b][name]
                    if ta and tb and ta > 0:
                        parts.append(f"{name}: {math.log(tb / ta) / math.log(b / a):.2f}")
                print(f"  {a:,} -> {b:,}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
