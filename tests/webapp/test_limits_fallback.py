"""Redis unreachable: code entry keeps working, the limits fall back to each
process's memory (still enforced) and the fallback is logged."""
from __future__ import annotations

import logging
import socket
import time

import pytest

from respondent_support import Browser, make_app

C = "/s/cannabis-2018"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_redis(surveys):
    app = make_app(surveys.url, TESTING=False, CODE_RATE_LIMIT="3 per minute",
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0")
    yield app
    app.extensions["store"].engine.dispose()


def test_code_entry_works_and_limits_hold_without_redis(no_redis, surveys, caplog):
    caplog.set_level(logging.WARNING, logger="flask-limiter")
    b = Browser(no_redis)
    b.get(C + "/")
    started = time.monotonic()
    r = b.post(C + "/", {"code": surveys.cannabis_codes[0]}, follow=False)
    assert r.status_code == 302  # a valid code gets in
    assert time.monotonic() - started < 2  # no retry loop against the dead Redis
    assert "falling back to in-memory storage" in caplog.text
    other = Browser(no_redis, remote_addr="10.0.0.9")
    other.get(C + "/")
    statuses = [other.post(C + "/", {"code": "WRONG-CODE"}).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429  # the limit still holds, in memory


def test_readiness_names_redis_when_it_is_gone_but_stays_ready(no_redis):
    # Every instance shares the one Redis and serves without it: a load
    # balancer must not take them all out for it.
    r = no_redis.test_client().get("/readyz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "degraded",
                            "checks": {"database": "ok", "schema": "ok", "redis": "unreachable"}}
    assert no_redis.test_client().get("/healthz").status_code == 200
