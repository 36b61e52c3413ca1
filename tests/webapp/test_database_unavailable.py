"""A database that cannot be reached gets the busy page (503, Retry-After)
in the respondent's language, never the generic 500; liveness stays up while
readiness fails. (A real PostgreSQL restart under the app: tests/production.)"""
from __future__ import annotations

import socket

import pytest

from respondent_support import make_app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


@pytest.fixture
def unreachable():
    app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/nowhere?connect_timeout=2",
                   TESTING=False)
    yield app
    app.extensions["store"].engine.dispose()


@pytest.mark.parametrize("lang, title, kept", [
    ("sv", "Tjänsten är upptagen", "Dina tidigare svar finns kvar"),
    ("en", "The service is busy", "Your earlier answers are kept"),
    ("ar", "الخدمة مشغولة", "إجاباتك السابقة محفوظة"),
])
def test_respondent_gets_the_busy_page_in_their_language(unreachable, lang, title, kept):
    r = unreachable.test_client().get(f"/s/cannabis-2018/?lang={lang}")
    html = r.get_data(as_text=True)
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    assert title in html and kept in html
    assert f'lang="{lang}"' in html
    assert "Traceback" not in html and "psycopg" not in html and "5432" not in html
    # Reading a page again is the way on: the page links to itself.
    assert f'href="/s/cannabis-2018/?lang={lang}"' in html


def test_a_form_sent_while_the_database_is_down_gets_the_busy_page(unreachable):
    app = unreachable
    app.config["WTF_CSRF_ENABLED"] = False
    r = app.test_client().post("/s/cannabis-2018/", data={"code": "ABCD-EFGH"})
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert "Tjänsten är upptagen" in r.get_data(as_text=True)


def test_api_gets_json_503(unreachable):
    r = unreachable.test_client().get("/api/v1/surveys", headers={"Authorization": "Bearer x"})
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert r.get_json() == {"error": "service unavailable, try again"}


def test_liveness_stays_up_while_readiness_fails(unreachable):
    client = unreachable.test_client()
    assert client.get("/healthz").status_code == 200
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["checks"]["database"] == "unreachable"


def test_a_missing_table_is_a_fault_not_a_busy_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", TESTING=False)
    try:
        r = app.test_client().get("/s/cannabis-2018/")
        assert r.status_code == 500 and "Retry-After" not in r.headers
        ready = app.test_client().get("/readyz").get_json()
        assert ready["checks"] == {"database": "ok", "schema": "empty"}
    finally:
        app.extensions["store"].engine.dispose()


def test_readiness_is_ok_on_a_migrated_database(app):
    r = app.test_client().get("/readyz")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"status": "ok", "checks": {"database": "ok", "schema": "ok"}}
    assert r.headers["Cache-Control"] == "no-store"


def test_readiness_fails_on_a_schema_behind_the_code(tmp_path):
    from surveys import db

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db.upgrade(url, "0001")
    app = make_app(url, TESTING=False)
    try:
        r = app.test_client().get("/readyz")
        assert r.status_code == 503
        assert r.get_json() == {"status": "unavailable", "checks": {"database": "ok", "schema": "behind"}}
    finally:
        app.extensions["store"].engine.dispose()
