"""``survey-engine db backup FILE`` / ``db restore FILE [--force]``: a round
trip gives back every row of every table (SQLite and PostgreSQL), and every
bad argument is refused with one line and exit 1, changing nothing."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from surveys.cli import main


def _cli(*args: str):
    return CliRunner().invoke(main, ["db", *args])


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, read independently of the backup code."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            meta = MetaData()
            meta.reflect(conn)
            return {
                name: sorted((tuple(map(repr, row)) for row in conn.execute(table.select())))
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()


def _fill(url: str) -> None:
    """Real content: instrument, survey, codes, a response in progress and a
    submitted one, an analyst."""
    from surveys.accounts import create_user
    from surveys.db import make_engine
    from surveys.store import Store
    from tests.store.tiny_instrument import make_survey

    engine = make_engine(url)
    try:
        store = Store(engine, b"backup-test-key")
        survey = make_survey(store)
        codes = store.issue_codes(survey.slug, 4, tags={"school": "Skolan A"})
        first = store.begin(survey.slug, code=codes[0])
        store.save_page(first.id, "use", {"use": 2})
        second = store.begin(survey.slug, code=codes[1])
        store.save_page(second.id, "use", {"use": 1})
        store.submit(second.id)
        create_user(store, "analys@kommun.example", "admin", "ett långt lösenord 123")
    finally:
        engine.dispose()


@pytest.fixture
def restore_target(database_url: str, tmp_path) -> Iterator[str]:
    """An empty database of the same backend as ``database_url`` (PostgreSQL:
    a new database on the same server, same schema name in the URL)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    from tests.conftest import _pg_admin_engine

    name = "restore_" + uuid.uuid4().hex[:12]
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_round_trip_gives_back_every_table(migrated_url, restore_target, tmp_path):
    _fill(migrated_url)
    before = _snapshot(migrated_url)
    assert {"responses", "answers", "access_codes", "users", "alembic_version"} <= before.keys()
    assert all(before[t] for t in ("responses", "answers", "access_codes", "users"))
    archive = tmp_path / "backup.bin"
    out = _cli("backup", "--url", migrated_url, str(archive))
    assert out.exit_code == 0, out.output
    assert out.output.startswith(f"backup of {len(before)} tables")
    out = _cli("restore", "--url", restore_target, str(archive))
    assert out.exit_code == 0, out.output
    assert _snapshot(restore_target) == before
    # The restored database is a working one: the app's writes go on there.
    from surveys.db import make_engine
    from surveys.store import Store

    engine = make_engine(restore_target)
    try:
        store = Store(engine, b"backup-test-key")
        slug = store.surveys()[0].slug
        assert len(store.issue_codes(slug, 2)) == 2  # sequences restored too
        started = [r for r in before["responses"] if "in_progress" in "".join(r)]
        assert len(started) == 1
    finally:
        engine.dispose()


def test_restore_into_a_non_empty_database_needs_force(migrated_url, tmp_path):
    _fill(migrated_url)
    archive = tmp_path / "backup.bin"
    assert _cli("backup", "--url", migrated_url, str(archive)).exit_code == 0
    saved = _snapshot(migrated_url)
    # Changes after the backup: refused restore keeps them, forced restore undoes them.
    engine = create_engine(migrated_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM answers"))
    engine.dispose()
    changed = _snapshot(migrated_url)
    out = _cli("restore", "--url", migrated_url, str(archive))
    assert out.exit_code == 1
    assert out.output.startswith("Error: the database at ") and "is not empty; give --force" in out.output
    assert out.output.count("\n") == 1
    assert _snapshot(migrated_url) == changed
    out = _cli("restore", "--url", migrated_url, str(archive), "--force")
    assert out.exit_code == 0, out.output
    assert _snapshot(migrated_url) == saved


def test_bad_arguments_get_one_line_and_exit_1(migrated_url, tmp_path):
    _fill(migrated_url)
    existing = tmp_path / "exists.bin"
    existing.write_bytes(b"keep me")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    empty_sqlite = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    cases = [
        (("backup", "--url", migrated_url, str(existing)), "already exists; nothing was overwritten"),
        (("backup", "--url", migrated_url, str(tmp_path / "no" / "dir.bin")), "no such folder"),
        (("backup", "--url", f"sqlite:///{tmp_path / 'missing.sqlite3'}", str(tmp_path / "b1")), "no such database file"),
        (("restore", "--url", migrated_url, str(tmp_path / "missing.bin")), "no such file"),
        (("restore", "--url", empty_sqlite, str(not_a_backup)), "is not a survey-engine backup"),
        (("backup", "--url", "mysql://x@127.0.0.1/y", str(tmp_path / "b2")), "support SQLite and PostgreSQL"),
    ]
    for args, message in cases:
        out = _cli(*args)
        assert out.exit_code == 1, (args, out.output)
        assert out.output.startswith("Error: ") and message in out.output, out.output
        assert out.output.count("\n") == 1 and "Traceback" not in out.output
    assert existing.read_bytes() == b"keep me"
    # A backup of one backend is refused by the other.
    archive = tmp_path / "backup.bin"
    assert _cli("backup", "--url", migrated_url, str(archive)).exit_code == 0
    if migrated_url.startswith("postgresql"):
        out = _cli("restore", "--url", empty_sqlite, str(archive))
        assert out.exit_code == 1 and "is a backup of a PostgreSQL database" in out.output


def test_a_database_without_the_schema_is_not_backed_up(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        create_engine(database_url).connect().close()  # an empty file
    out = _cli("backup", "--url", database_url, str(tmp_path / "x.bin"))
    assert out.exit_code == 1
    assert "is not a survey-engine database" in out.output
    assert not (tmp_path / "x.bin").exists()
