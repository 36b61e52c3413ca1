"""Shared fixtures: an empty private database on SQLite and on PostgreSQL.

``database_url`` is parametrized over both backends. SQLite is a file in the
test's ``tmp_path``; PostgreSQL gets a fresh schema (``search_path`` set in
the URL) on the server named by ``TEST_DATABASE_URL`` that is dropped after the
test. When the server is unreachable the PostgreSQL variants are skipped,
unless ``CI=true``, where they fail.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_base_url() -> str:
    from surveys.config import normalise_url

    return normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _pg_admin_engine():
    from sqlalchemy import create_engine

    return create_engine(_pg_base_url(), isolation_level="AUTOCOMMIT", poolclass=_null_pool())


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _postgres_schema_url() -> Iterator[str]:
    """Create a private schema, yield a URL whose search_path is that schema,
    then drop the schema."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    admin = _pg_admin_engine()
    schema = "t_" + uuid.uuid4().hex[:16]
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL unreachable at {_pg_base_url()}: {str(exc).splitlines()[0]}"
        if _in_ci():
            pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    base = _pg_base_url()
    sep = "&" if "?" in base else "?"
    try:
        # application_name lets the clean-up find this test's sessions only.
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}&application_name={schema}"
    finally:
        with admin.connect() as conn:
            # Sessions a failed test left open would block the DROP.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": schema},
            )
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """URL of an empty database private to this test (SQLite or PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """``database_url`` migrated to the newest schema."""
    from surveys import db

    db.upgrade(database_url, "head")
    return database_url


@pytest.fixture
def store(migrated_url: str) -> Iterator["object"]:
    """A ``surveys.store.Store`` on ``migrated_url`` with a fixed test key."""
    from surveys.db import make_engine
    from surveys.store import Store

    engine = make_engine(migrated_url)
    try:
        yield Store(engine, secret_key=b"test-secret-key")
    finally:
        engine.dispose()
