"""Engine creation and schema migrations (Alembic is the only schema path).

SQLite is tuned for several gunicorn workers on one file: WAL journal (readers
never block the writer), a generous busy timeout, foreign keys on, and write
transactions that start with ``BEGIN IMMEDIATE`` so two writers queue on the
lock instead of failing half-way with "database is locked". PostgreSQL is
reached through psycopg 3; a pooled connection is checked for life before use
only when it has been idle for a while (see :func:`_ping_when_idle`).
"""
from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from surveys import config

#: Milliseconds a SQLite connection waits for the write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 15_000
#: Execution option that makes a SQLite transaction ``BEGIN IMMEDIATE``.
IMMEDIATE = "surveys_immediate"

#: Seconds a pooled server connection may sit idle and still be handed out
#: without a liveness check (HikariCP's "alive bypass window" idea).
IDLE_PING_SECONDS = 2.0

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default :func:`surveys.config.database_url`)."""
    url = config.normalise_url(url or config.database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    idle_ping_seconds = kwargs.pop("idle_ping_seconds", IDLE_PING_SECONDS)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine, idle_ping_seconds)
    if parsed.get_backend_name() == "postgresql":
        event.listen(engine, "handle_error", _server_went_away)
    _SETTINGS[engine] = (url, {**kwargs, "idle_ping_seconds": idle_ping_seconds})
    return engine


#: How each server engine was made, so that its autocommit twin can be made alike.
_SETTINGS: "weakref.WeakKeyDictionary[Engine, tuple[str, dict[str, Any]]]" = weakref.WeakKeyDictionary()
_TWINS: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()


def autocommit_engine(engine: Engine) -> Engine:
    """An engine for single statements that need no transaction around them.

    PostgreSQL: a second engine on the same database (made once per engine,
    disposed with it) whose pooled connections stay in autocommit, so such a
    statement goes without BEGIN and COMMIT round trips. Switching a pooled
    connection of ``engine`` to autocommit and back instead costs every
    checkout about 25 us of Python. Other databases: ``engine`` itself.
    """
    if engine.dialect.name != "postgresql":
        return engine
    twin = _TWINS.get(engine)
    if twin is None:
        url, kwargs = _SETTINGS.get(engine, (engine.url.render_as_string(hide_password=False), {}))
        twin = _TWINS[engine] = make_engine(url, **{**kwargs, "isolation_level": "AUTOCOMMIT"})
        event.listen(engine, "engine_disposed", lambda _engine: twin.dispose())
    return twin


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only if it sat idle longer than
    ``idle_seconds``; a dead one is replaced before the caller sees it
    (instead of ``pool_pre_ping`` on every checkout: docs/performance.md).
    """

    @event.listens_for(engine, "checkin")
    def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since <= idle_seconds:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:
            # The pool discards this connection and hands out a fresh one.
            raise exc.DisconnectionError(f"pooled connection was dead: {error}") from error


#: SQLSTATEs with which PostgreSQL ends a session: the connection is gone.
#: 57P01 admin_shutdown (a restart, pg_terminate_backend), 57P02
#: crash_shutdown, 57P03 cannot_connect_now; class 08 is "connection exception".
_SESSION_ENDED = frozenset({"57P01", "57P02", "57P03"})


def _server_went_away(context: Any) -> None:
    """Treat a session the server ended as a lost connection.

    SQLAlchemy's psycopg dialect calls an error a disconnect only when the
    connection already reports itself closed, which it does not yet for the
    FATAL message of a server shutting down; then the dead connection would go
    back to the pool and fail the next request too. Marked here, the pool
    discards it (and every connection older than it), and the store can run
    the call again (``surveys.store.retry``)."""
    sqlstate = getattr(context.original_exception, "sqlstate", None) or ""
    if sqlstate in _SESSION_ENDED or sqlstate.startswith("08"):
        context.is_disconnect = True


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that the
        # "begin" hook below decides how each transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if parsed.database and parsed.database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take the write lock up front
    (SQLite ``BEGIN IMMEDIATE``; no effect on PostgreSQL)."""
    return engine.execution_options(**{IMMEDIATE: True})


def _alembic_config(url: str):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The URL goes in attributes, not the ini options, so '%' in it is safe.
    cfg.attributes["url"] = config.normalise_url(url)
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision``."""
    from alembic import command

    command.upgrade(_alembic_config(url or config.database_url()), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Migrate the database at ``url`` down to ``revision``."""
    from alembic import command

    command.downgrade(_alembic_config(url or config.database_url()), revision)


def current(url: str | None = None) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head() -> str:
    """The newest revision shipped with the package."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    return script.get_current_head() or ""
