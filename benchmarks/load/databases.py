"""Benchmark databases on the machine's PostgreSQL (or an SQLite file), and
the CPU time PostgreSQL's processes used."""
from __future__ import annotations

import os
from pathlib import Path

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
#: Named per process, so two runs at once never drop each other's database.
PG_DATABASE = f"bench_submit_{os.getpid()}"


def database_cpu_seconds() -> float:
    """CPU seconds (user + system) of every PostgreSQL server process on this
    machine (0 for SQLite, which runs inside the workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1] in ("postgres", "postmaster"):
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pg_admin(sql: str, admin_url: str = PG_ADMIN_URL) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def make_database(backend: str, workdir: Path, name: str = PG_DATABASE) -> str:
    """A fresh database: an SQLite file in ``workdir`` or PostgreSQL database ``name``."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {name}")
    host = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{host.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


def drop_database(backend: str, name: str = PG_DATABASE) -> None:
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
