"""Retrying a store call once the database connection dropped.

A PostgreSQL restart or fail-over kills every pooled connection; the pool
notices only when a request uses one, and a server that is starting up
refuses connections for a moment. The calls wrapped here are safe to run
again after such a failure: reads, and writes that are idempotent by
construction (a page save replaces that page's answers; a submit changes only
a response still in progress; claiming a code a second time finds it claimed
by this response and returns that). A write that is not idempotent (creating
an open-link response) is not wrapped. Errors that are not a lost or refused
connection (a constraint, a lock wait running out, a bug) are never retried.
"""
from __future__ import annotations

import functools
import logging
import time
from typing import Any, Callable, TypeVar

from sqlalchemy import exc

log = logging.getLogger(__name__)

#: Pauses before the second and third attempt: enough for a pool to reconnect
#: after a restart, short enough that a worker is not held for long while the
#: database stays down (the request then ends with the busy page, 503).
RETRY_PAUSES_SECONDS = (0.1, 0.4)

F = TypeVar("F", bound=Callable[..., Any])


def is_dropped_connection(error: BaseException) -> bool:
    """A connection that died in use, or one that could not be opened."""
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    # Raised while connecting: no statement was sent, nothing can have happened.
    return isinstance(error, exc.OperationalError) and error.statement is None


#: SQLite's messages for a database that is busy or cannot be opened right
#: now (its other OperationalErrors, e.g. "no such table", are faults).
_SQLITE_BUSY = ("locked", "busy", "unable to open", "disk i/o")


def is_unavailable(error: BaseException) -> bool:
    """True when the database cannot be reached or is too busy right now (a
    dropped or refused connection, a server shutting down or starting up, a
    full pool, SQLite's lock wait running out), as opposed to a fault in the
    code or the schema."""
    if isinstance(error, exc.TimeoutError):  # no pooled connection came free
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, (exc.OperationalError, exc.InterfaceError)):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(word in str(error.orig).lower() for word in _SQLITE_BUSY)
    return True


def retried(method: F) -> F:
    """Run ``method`` again (up to twice) when the connection dropped under it."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for pause in RETRY_PAUSES_SECONDS:
            try:
                return method(*args, **kwargs)
            except exc.DBAPIError as error:
                if not is_dropped_connection(error):
                    raise
                log.warning("%s: database connection lost, retrying: %s", method.__name__,
                            str(error.orig).strip().splitlines()[0] if error.orig else error)
                time.sleep(pause)
        return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
