"""PostgreSQL pool liveness: a connection that sat idle is checked before
use and replaced when the server dropped it; one used a moment ago is handed
out without the extra round trip (observed on the server, in pg_stat_activity)."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A migrated private PostgreSQL schema (SQLite has no server connection to lose)."""
    from surveys import db
    from tests.conftest import _postgres_schema_url

    for url in _postgres_schema_url():
        db.upgrade(url, "head")
        yield url


def _backend_pid(engine) -> int:
    """The server process behind the pooled connection. Autocommit, so that
    returning the connection to the pool sends nothing after the marker."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return conn.execute(text("SELECT pg_backend_pid() /* liveness-marker */")).scalar_one()


def _last_query(admin, pid: int) -> str:
    with admin.connect() as conn:
        return conn.execute(text("SELECT query FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).scalar_one()


def _server_pids(admin, url: str) -> set[int]:
    """The server processes of every connection made with ``url`` (the test
    schema's URL names the schema as its application_name)."""
    from sqlalchemy.engine import make_url

    name = make_url(url).query["application_name"]
    with admin.connect() as conn:
        return set(conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": name}
        ).scalars())


def _terminate(admin, pid: int) -> None:
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    # Wait until the server has really closed it.
    for _ in range(100):
        with admin.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).scalar_one() == 0:
                return
        time.sleep(0.02)
    raise AssertionError(f"backend {pid} still alive")


@pytest.fixture
def admin():
    from tests.conftest import _pg_admin_engine

    engine = _pg_admin_engine()
    yield engine
    engine.dispose()


def test_idle_connection_killed_by_the_server_is_replaced_unseen(pg_url: str, admin) -> None:
    from surveys.db import make_engine

    engine = make_engine(pg_url, idle_ping_seconds=0.1)
    try:
        pid = _backend_pid(engine)
        time.sleep(0.2)  # idle past the window
        _terminate(admin, pid)
        # The caller never sees the dead connection.
        new_pid = _backend_pid(engine)
        assert new_pid != pid
    finally:
        engine.dispose()


def test_store_keeps_working_after_the_server_dropped_its_connection(pg_url: str, admin) -> None:
    from surveys.db import make_engine
    from surveys.store import Store
    from tests.store.tiny_instrument import make_survey

    engine = make_engine(pg_url, idle_ping_seconds=0.1)
    try:
        store = Store(engine, b"test-secret-key")
        survey = make_survey(store)
        [code] = store.issue_codes(survey.slug, 1, tags={"school": "Skolan A"})
        handle = store.begin(survey.slug, code=code)
        store.save_page(handle.id, "use", {"use": 2})
        pids = _server_pids(admin, pg_url)
        assert len(pids) == 2  # the engine's connection and its autocommit twin's
        time.sleep(0.2)
        for pid in pids:
            _terminate(admin, pid)
        state = store.response_state(handle.id)  # the autocommit twin
        assert state.handle.status == "in_progress"
        store.save_page(handle.id, "use", {"use": 3}, state)
        assert store.submit(handle.id) is True
        store.set_open(survey.slug, False)  # the engine itself
        assert store.answers(handle.id) == {"school": 1, "use": 3}
    finally:
        engine.dispose()


def test_disposing_the_engine_closes_its_autocommit_twin(pg_url: str, admin) -> None:
    from surveys.db import autocommit_engine, make_engine
    from surveys.store import Store
    from tests.store.tiny_instrument import make_survey

    engine = make_engine(pg_url)
    twin = autocommit_engine(engine)
    assert twin is not engine and autocommit_engine(engine) is twin  # one twin per engine
    store = Store(engine, b"test-secret-key")
    survey = make_survey(store)
    [code] = store.issue_codes(survey.slug, 1)
    store.response_state(store.begin(survey.slug, code=code).id)
    assert len(_server_pids(admin, pg_url)) == 2
    engine.dispose()
    for _ in range(100):  # the server notices the closed sockets at once, or nearly
        if not _server_pids(admin, pg_url):
            break
        time.sleep(0.02)
    assert _server_pids(admin, pg_url) == set()


def test_connection_used_a_moment_ago_is_not_pinged(pg_url: str, admin) -> None:
    from surveys.db import make_engine

    engine = make_engine(pg_url, idle_ping_seconds=60)
    try:
        pid = _backend_pid(engine)
        with engine.connect():  # checkout only: nothing sent yet
            assert "liveness-marker" in _last_query(admin, pid)
    finally:
        engine.dispose()

    engine = make_engine(pg_url, idle_ping_seconds=0.05)
    try:
        pid = _backend_pid(engine)
        time.sleep(0.1)
        with engine.connect():  # idle past the window: checked on checkout
            assert "liveness-marker" not in _last_query(admin, pid)
    finally:
        engine.dispose()
