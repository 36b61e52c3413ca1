"""Where the rate limits are counted, and what happens when Redis is gone.

The limits themselves are declared on the views they guard (code entry,
open-link start, analyst login). Their counters live in Redis when
``REDIS_URL`` is set, so every worker of every app host counts together;
otherwise in each process's memory.

Redis is not allowed to take the app down with it. When it cannot be reached
(stopped for an upgrade, a network fault) each process falls back to counting
in its own memory: the same limits per process, the strictest safe choice
that keeps respondents answering, logged as a warning on the
``flask-limiter`` logger, and Flask-Limiter goes back to Redis when a ping
answers again. A dead Redis costs a request at most one short connect or
read timeout before the fallback, never a retry loop.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from flask import Flask

#: Seconds to wait for Redis to accept a connection or answer a command.
REDIS_TIMEOUT_SECONDS = 0.25

LOGGER_NAME = "flask-limiter"


def storage_options(uri: str) -> dict[str, Any]:
    """Options for the limits storage of ``uri``: short timeouts and no
    retries for Redis (redis-py otherwise retries a refused connection three
    times with back-off, holding the request for seconds); none otherwise."""
    if not uri.startswith(("redis://", "rediss://", "redis+unix://", "unix://")):
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
        "retry": Retry(NoBackoff(), 0),
    }


def configure(app: Flask, limiter: Any) -> None:
    """Set the limiter's storage options and its in-memory fallback on ``app``
    (before ``limiter.init_app``); make its fallback warnings visible."""
    # Flask-Limiter keeps "storage is dead" on the (module-wide) Limiter, not
    # per app: a new app (tests make many) starts with its storage presumed up.
    limiter._storage_dead = False
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", storage_options(uri))
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # A failure while counting a wrong attempt after the view ran (Redis went
    # away in between) is logged; the answer the respondent gets stands.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    _log_to_stderr()


def _log_to_stderr() -> None:
    # Flask-Limiter gives its logger only a NullHandler, which would hide the
    # "falling back to in-memory storage" warning from the operator.
    logger = logging.getLogger(LOGGER_NAME)
    if any(getattr(h, "_survey_engine", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._survey_engine = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
