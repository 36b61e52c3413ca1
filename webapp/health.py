"""``GET /healthz`` (liveness) and ``GET /readyz`` (readiness) for a load balancer.

Liveness says only that this process answers requests: it touches neither
the database nor Redis, so a database restart never gets app instances
killed. Readiness checks what a request needs: the database answers and its
schema is at the revision this code needs (else 503: take this instance out
of rotation), and Redis (when the rate limits use it) answers a PING. Redis
being gone is reported (``"status": "degraded"``) but keeps the answer 200:
every instance shares the one Redis, and each keeps serving without it with
its limits counted in memory, so taking instances out for it would only turn
a degraded service into none. Both answer JSON, never cached, with no
details of a failure beyond which check failed (the log has the rest).
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from webapp.limits import storage_options

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


#: Checks that may fail while the instance still serves (answer 200, "degraded").
OPTIONAL = frozenset({"redis"})


def _answer(checks: dict[str, str]) -> Any:
    ready = all(value == "ok" for name, value in checks.items() if name not in OPTIONAL)
    whole = all(value == "ok" for value in checks.values())
    status = "ok" if whole else "degraded" if ready else "unavailable"
    response = jsonify({"status": status, "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness: the process serves requests."""
    return _answer({"process": "ok"})


@bp.get("/readyz")
def readyz() -> Any:
    """Readiness: database reachable, schema at head, Redis reachable (if used)."""
    checks = {"database": "ok", "schema": "ok"}
    from alembic.runtime.migration import MigrationContext

    from surveys.db import autocommit_engine

    try:
        with autocommit_engine(current_app.extensions["store"].engine).connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = MigrationContext.configure(conn).get_current_revision()
    except Exception as error:
        log.warning("readiness: database unreachable: %s", str(error).splitlines()[0] if str(error) else error)
        checks["database"] = checks["schema"] = "unreachable"
    else:
        if revision != current_app.extensions["schema_head"]:
            checks["schema"] = "behind" if revision else "empty"
    client = current_app.extensions.get("health_redis")
    if client is not None:
        try:
            client.ping()
            checks["redis"] = "ok"
        except Exception as error:
            log.warning("readiness: Redis unreachable: %s", error)
            checks["redis"] = "unreachable"
    return _answer(checks)


def init_app(app: Flask) -> None:
    """Register the endpoints; note the schema head and the Redis to ping."""
    from surveys.db import head

    app.extensions["schema_head"] = head()
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    options = storage_options(uri)
    if options:  # the rate limits count in Redis
        import redis

        app.extensions["health_redis"] = redis.Redis.from_url(uri.replace("redis+unix://", "unix://"), **options)
    app.register_blueprint(bp)
