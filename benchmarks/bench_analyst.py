"""Benchmark of the analyst side at national scale (issue 13).

Builds waves of the cannabis instrument (synthetic pupils in 40 schools, every
item kind: single, multi with "other" text, number, free text, the school
from the wave's presets, a class tag on a share of them, 25 % of each field
unanswered) on SQLite and PostgreSQL, generated inside the database by one
INSERT ... SELECT per field and stored response by response, as page saves
store them (loading is timed apart), then times in the same
process, through the real Flask app and its test client (no network):

* the wave read (``Store.wave_dataset``) without the process cache: from the
  answers table, the first read (answers table + the snapshot stored), from
  the stored snapshot, and after 1,000 more responses (merged in);
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
def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_statements(instrument: Any, dialect: str, survey_id: int, n: int) -> list[str]:
    """INSERT ... SELECT statements that make ``n`` submitted pupils inside
    the database (one per field, and per option of a multi item): no row
    crosses the client, so loading is bulk on both backends."""
    from surveys.store.validate import instrument_fields

    pg = dialect == "postgresql"
    rand = "random()" if pg else "((abs(random()) % 1000000) / 1000000.0)"

    def randint(k: int) -> str:  # 0..k-1
        return f"CAST(floor(random() * {k}) AS INTEGER)" if pg else f"(abs(random()) % {k})"

    def pick(values: list[str]) -> str:
        whens = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values))
        return f"CASE {randint(len(values))} {whens} END"

    series = (f"generate_series(1, {n}) AS g" if pg else
              f"(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) "
              "SELECT g FROM s) AS gs")
    rid = "gen_random_uuid()::text" if pg else "lower(hex(randomblob(16)))"
    tag = ("CASE WHEN g % 3 = 0 THEN '{}'::json ELSE json_build_object('class', "
           "'9' || substr('ABCD', g % 4 + 1, 1)) END" if pg else
           "CASE WHEN g % 3 = 0 THEN '{}' ELSE json_object('class', "
           "'9' || substr('ABCD', g % 4 + 1, 1)) END")
    day = "date '2026-09-01' + (g % 60)" if pg else "date('2026-09-01', '+' || (g % 60) || ' days')"
    out = [f"INSERT INTO responses (id, survey_id, status, group_values, started_on, submitted_on) "
           f"SELECT {rid}, {survey_id}, 'submitted', {tag}, {day}, {day} FROM {series}"]
    base = f"FROM responses WHERE survey_id = {survey_id} AND {rand} >= 0.25"
    # generated field by field into a staging table, then stored response by
    # response, as real answers are (saved page by page)
    out.append("CREATE TEMPORARY TABLE staged_answers (response_id VARCHAR(36), item_id "
               "VARCHAR(100), position INTEGER, multi BOOLEAN, code INTEGER, text TEXT)")
    insert = "INSERT INTO staged_answers (response_id, item_id, position, multi, code, text) SELECT id, "
    for field, item in instrument_fields(instrument).items():
        f = _sql_literal(field)
        if field != item.id or item.kind == "text":
            out.append(f"{insert}{f}, 0, FALSE, NULL, {pick([_sql_literal(t) for t in TEXTS])} {base}")
        elif item.kind == "number":
            lo, hi = item.min or 0, item.max or 99
            out.append(f"{insert}{f}, 0, FALSE, {lo} + {randint(hi - lo + 1)}, NULL {base}")
        elif item.options_from == "preset":
            out.append(f"{insert}{f}, 0, FALSE, 1 + {randint(len(SCHOOLS))}, NULL {base}")
        elif item.kind == "multi":
            for position, code in enumerate(instrument.response_scale(item).codes):
                out.append(f"{insert}{f}, {position}, TRUE, {code}, NULL FROM responses "
                           f"WHERE survey_id = {survey_id} AND {rand} < 0.25")
        else:
            codes = [str(c) for c in instrument.response_scale(item).codes]
            out.append(f"{insert}{f}, 0, FALSE, {pick(codes)}, NULL {base}")
    out.append("INSERT INTO answers (response_id, item_id, position, multi, code, text) "
               "SELECT response_id, item_id, position, multi, code, text FROM staged_answers "
               "ORDER BY response_id, item_id, position")
    out.append("DROP TABLE staged_answers")
    return out


def load_wave(url: str, n: int) -> tuple[float, int]:
    """Create the wave and bulk-load ``n`` submitted responses; (seconds, answer rows)."""
    from sqlalchemy import text

    from surveys.db import make_engine
    from surveys.loader import instruments_dir, load_instrument_text
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
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # no per-row foreign-key trigger while loading (the rows are made
            # from the responses table itself); needs a superuser, as here
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in load_statements(instrument, engine.dialect.name, survey.id, n):
            conn.execute(text(statement))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
        rows = conn.execute(text("SELECT count(*) FROM answers")).scalar_one()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, rows


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


def extra_records(instrument: Any, k: int, seed: int = 1) -> list[dict[str, Any]]:
    """``k`` pupils to import into a loaded wave (every single item answered)."""
    rng = np.random.default_rng(seed)
    records = []
    for _ in range(k):
        record: dict[str, Any] = {"submitted_on": "2026-11-30"}
        for item in instrument.items:
            if item.kind == "single" and item.options_from != "preset":
                codes = list(instrument.response_scale(item).codes)
                record[item.id] = codes[int(rng.integers(len(codes)))]
            elif item.options_from == "preset":
                record[item.id] = int(rng.integers(1, len(SCHOOLS) + 1))
        records.append(record)
    return records


def measure(url: str, n: int, heavy: bool) -> dict[str, float]:
    from sqlalchemy import text

    from scoring.report import score_report

    out: dict[str, float] = {}
    app, client, token = make_app(url)
    store = app.extensions["store"]
    out["wave read, answers table"] = timed(
        lambda: store.wave_dataset(SLUG, use_cache=False, use_snapshot=False))
    # the first read after loading: the answers table, then the snapshot stored
    out["first read + snapshot write"] = timed(lambda: store.wave_dataset(SLUG, use_cache=False))
    out["wave read, snapshot"] = timed(lambda: store.wave_dataset(SLUG, use_cache=False), 2)
    with store.engine.connect() as conn:
        sizes = conn.execute(text("SELECT length(payload), length(response_ids) FROM wave_snapshots")).one()
    print(f"  snapshot stored: arrays {sizes[0] / 2**20:.1f} MiB, ids {sizes[1] / 2**20:.1f} MiB")
    store.engine.dispose()
    app, client, token = make_app(url)  # a fresh process: nothing cached, the snapshot stored
    store = app.extensions["store"]
    auth = {"headers": {"Authorization": f"Bearer {token}"}}
    out["results page cold"] = timed(lambda: get(client, f"/analyst/{SLUG}/results"))
    out["results page"] = timed(lambda: get(client, f"/analyst/{SLUG}/results"), 2)
    out["results by school"] = timed(lambda: get(client, f"/analyst/{SLUG}/results?by=school"), 2)
    out["API results"] = timed(lambda: get(client, f"/api/v1/surveys/{SLUG}/results", **auth), 2)
    out["progress page"] = timed(lambda: get(client, f"/analyst/{SLUG}/progress"), 2)
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
    # 1,000 responses more (an import): the next read merges them into the snapshot
    fresh_app, fresh, _ = make_app(url)
    store.import_responses(SLUG, extra_records(instrument, 1000))
    out["results cold after +1,000"] = timed(lambda: get(fresh, f"/analyst/{SLUG}/results"))
    store.import_responses(SLUG, extra_records(instrument, 1000, seed=2))
    out["wave read after +1,000"] = timed(lambda: store.wave_dataset(SLUG, use_cache=False))
    fresh_app.extensions["store"].engine.dispose()
    store.engine.dispose()
    return out


def memory(url: str, heavy: bool) -> dict[str, float]:
    app, client, _ = make_app(url)
    store = app.extensions["store"]
    out = {"read, answers table": peak_mib(
        lambda: store.wave_dataset(SLUG, use_cache=False, use_snapshot=False)),
        "read, snapshot": peak_mib(lambda: store.wave_dataset(SLUG, use_cache=False))}
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
                        print(f"  {name:32s} {t:8.3f} s  {t / base:7.1f}x scoring")
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
