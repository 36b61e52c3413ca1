"""Connections the server dropped while they sat in the pool (a PostgreSQL
restart or fail-over) cost the respondent path nothing: its reads and its
idempotent writes are run again on a fresh connection, and nothing is
written twice. The pool's idle check is switched off here (60 s window), so
only the retry can save these calls."""
from __future__ import annotations

import pytest

from tests.store.test_connection_liveness import _server_pids, _terminate, admin, pg_url  # noqa: F401

pytestmark = pytest.mark.postgres


def _drop_all(admin, url):  # noqa: F811
    pids = _server_pids(admin, url)
    assert pids
    for pid in pids:
        _terminate(admin, pid)


def test_reads_and_idempotent_writes_survive_dropped_connections(pg_url, admin, caplog):  # noqa: F811
    from sqlalchemy import text

    from surveys.db import make_engine
    from surveys.store import Store
    from tests.store.tiny_instrument import make_survey

    engine = make_engine(pg_url, idle_ping_seconds=60)
    try:
        store = Store(engine, b"test-secret-key")
        survey = make_survey(store)
        [code] = store.issue_codes(survey.slug, 1, tags={"school": "Skolan A"})
        _drop_all(admin, pg_url)
        handle = store.begin(survey.slug, code=code)  # survey read and code claim, retried
        _drop_all(admin, pg_url)
        state = store.response_state(handle.id)
        assert state.handle.status == "in_progress"
        _drop_all(admin, pg_url)
        store.save_page(handle.id, "use", {"use": 2}, state)
        _drop_all(admin, pg_url)
        assert store.begin(survey.slug, code=code).id == handle.id  # the same response, resumed
        _drop_all(admin, pg_url)
        assert store.submit(handle.id) is True
        assert store.answers(handle.id) == {"school": 1, "use": 2}
        counter = make_engine(pg_url)  # a fresh pool: the test's own count
        with counter.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM responses")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM answers")).scalar_one() == 2
        counter.dispose()
        assert "database connection lost, retrying" in caplog.text
    finally:
        engine.dispose()


def test_other_database_errors_are_not_retried(pg_url):  # noqa: F811
    from sqlalchemy import exc

    from surveys.store.retry import is_dropped_connection, retried

    calls = []

    @retried
    def broken():
        calls.append(1)
        raise exc.ProgrammingError("SELECT nothing", {}, Exception("no such column"))

    with pytest.raises(exc.ProgrammingError):
        broken()
    assert calls == [1]
    assert not is_dropped_connection(exc.OperationalError("SELECT 1", {}, Exception("lock timeout")))
    assert is_dropped_connection(exc.OperationalError(None, None, Exception("connection refused")))
