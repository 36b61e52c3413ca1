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


def test_0007_gives_existing_waves_the_year_they_were_created(database_url: str) -> None:
    """A wave made before the survey year existed gets the year of its
    ``created_on``; the store then orders by it."""
    import datetime as dt

    from surveys.store import Store

    db.upgrade(database_url, "0006_wave_snapshot")
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO instrument_versions (sha256, instrument_id, version, source_yaml, "
                              "registered_on) VALUES ('ab', 'x', '1', '', :d)"), {"d": dt.date(2015, 1, 1)})
            for slug, day in (("w2016", dt.date(2016, 5, 2)), ("w2014", dt.date(2014, 12, 31))):
                conn.execute(text("INSERT INTO surveys (slug, instrument_sha256, label, mode, is_open, presets, "
                                  "created_on) VALUES (:s, 'ab', :s, 'codes', false, '{}', :d)"),
                             {"s": slug, "d": day})
    finally:
        engine.dispose()
    db.upgrade(database_url, "head")
    engine = db.make_engine(database_url)
    try:
        store = Store(engine, secret_key=b"test")
        assert store.survey("w2016").year == 2016 and store.survey("w2014").year == 2014
        with engine.connect() as conn:
            assert dict(conn.execute(text("SELECT slug, year FROM surveys")).all()) == {"w2016": 2016,
                                                                                     "w2014": 2014}
    finally:
        engine.dispose()
    db.downgrade(database_url, "0006_wave_snapshot")
    db.upgrade(database_url, "head")
