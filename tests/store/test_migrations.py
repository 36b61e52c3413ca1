"""The Alembic migrations are the only schema path: up, down, up again."""
from __future__ import annotations

from sqlalchemy import inspect, text

from surveys import db

TABLES = {
    "instrument_versions",
    "surveys",
    "access_codes",
    "responses",
    "answers",
    "users",
    "survey_grants",
    "audit_log",
    "wave_snapshots",
}


def _tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _functions(url: str) -> set[str]:
    """The functions in the schema the tables go to (PostgreSQL; SQLite has none)."""
    engine = db.make_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            return set()
        with engine.connect() as conn:
            return set(conn.execute(text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema()"
            )).scalars())
    finally:
        engine.dispose()


def test_empty_database_up_down_up(database_url: str) -> None:
    functions = {"save_page_answers", "audit_log_append_only"} if database_url.startswith("postgresql") else set()
    assert _tables(database_url) == set()
    assert db.current(database_url) is None

    db.upgrade(database_url, "head")
    assert _tables(database_url) == TABLES
    assert _functions(database_url) == functions
    assert db.current(database_url) == db.head()

    db.downgrade(database_url, "base")
    assert _tables(database_url) == set()
    assert _functions(database_url) == set()
    assert db.current(database_url) is None

    db.upgrade(database_url, "head")
    assert _tables(database_url) == TABLES
    assert _functions(database_url) == functions
    assert db.current(database_url) == db.head() != ""


def test_migrated_schema_matches_models(migrated_url: str) -> None:
    """No drift: autogenerate finds nothing to change between models and head."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from surveys.models import Base

    engine = db.make_engine(migrated_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
