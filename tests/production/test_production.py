"""End to end through the reference deployment: HTTPS at nginx, two app
instances, own PostgreSQL and Redis. A respondent and an analyst use it with
a client that sends Origin and Referer as a browser does under the pages'
referrer policy; then Redis is stopped, PostgreSQL restarted, a worker and a
whole instance killed, and nothing acknowledged is lost or written twice."""
from __future__ import annotations

import threading
import time
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import text

from benchmarks.load.browser import BrowserSession, complete_survey
from benchmarks.load.forms import parse_forms
from tests.production.conftest import ANALYST

pytestmark = pytest.mark.slow


def _stored(site) -> dict[str, int]:
    """What the database holds for the wave, counted with plain SQL."""
    store = site.store()
    try:
        with store.engine.connect() as conn:
            rows = dict(conn.execute(text(
                "SELECT r.status, count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id "
                "WHERE s.slug = :slug GROUP BY r.status"), {"slug": site.slug}).all())
            spent = conn.execute(text(
                "SELECT count(*) FROM access_codes c JOIN surveys s ON s.id = c.survey_id "
                "WHERE s.slug = :slug AND c.status = 'spent'"), {"slug": site.slug}).scalar_one()
        return {"submitted": rows.get("submitted", 0), "in_progress": rows.get("in_progress", 0), "spent": spent}
    finally:
        store.engine.dispose()


def _respondent(site, **kwargs):
    return complete_survey(site.base, site.slug, site.code(), seed=len(site.codes), verify=site.cert, **kwargs)


# ------------------------------------------------------------------ HTTPS
def test_a_respondent_completes_the_survey_over_https(site):
    before = _stored(site)
    outcome = _respondent(site)
    assert outcome.failure is None, outcome.failure + site.deployment.logs()
    assert outcome.submitted and outcome.saves_acknowledged >= 3
    assert outcome.errors_5xx == 0
    after = _stored(site)
    assert after["submitted"] == before["submitted"] + 1 and after["spent"] == before["spent"] + 1


def test_https_answers_carry_hsts_secure_cookies_and_the_referrer_policy(site):
    r = requests.get(f"{site.base}/s/{site.slug}/?lang=en", verify=site.cert, timeout=10)
    assert r.status_code == 200
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert r.headers["Referrer-Policy"] == "same-origin"
    cookies = r.raw.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in c for c in cookies)


def test_plain_http_is_redirected_to_https(site):
    port = site.deployment.nginx.http_port
    r = requests.get(f"http://127.0.0.1:{port}/s/{site.slug}/", allow_redirects=False, timeout=10)
    assert r.status_code == 301
    assert r.headers["Location"] == f"{site.base}/s/{site.slug}/"


def test_a_post_without_a_same_origin_referer_is_refused_clearly(site):
    session = BrowserSession(site.cert)
    r = session.open(f"{site.base}/s/{site.slug}/")
    token = parse_forms(r.text)[-1].hidden["csrf_token"]
    code = site.code()
    # A browser would send a Referer under our policy; a cross-site form would not.
    r = session.post(f"{site.base}/s/{site.slug}/", data={"csrf_token": token, "code": code},
                     headers={"Origin": "https://elsewhere.example"}, allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "Formuläret har gått ut" in r.text
    session.page_url = f"{site.base}/s/{site.slug}/"
    r = session.submit(f"{site.base}/s/{site.slug}/", {"csrf_token": token, "code": code}, follow=False)
    assert r.status_code == 302  # the same form with the browser's Referer goes through


def test_an_analyst_logs_in_reads_results_and_downloads_over_https(site):
    session = BrowserSession(site.cert)
    r = session.open(f"{site.base}/analyst/login")
    form = parse_forms(r.text)[-1]
    r = session.submit(r.url, {**form.hidden, "email": ANALYST[0], "password": ANALYST[1]})
    assert r.status_code == 200 and r.url == f"{site.base}/analyst/", r.text[:500]
    # External URLs behind the proxy: the respondent address printed on slips.
    r = session.open(f"{site.base}/analyst/{site.slug}/")
    assert r.status_code == 200
    assert f"{site.base}/s/{site.slug}/" in r.text
    r = session.open(f"{site.base}/analyst/{site.slug}/results")
    assert r.status_code == 200 and "<table" in r.text
    r = session.get(f"{site.base}/analyst/{site.slug}/downloads/raw-csv", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").splitlines()
    assert len(lines) >= 2  # a header and the submitted respondents
    assert "school" in lines[0]
    assert r.headers["Strict-Transport-Security"]


def test_health_endpoints_through_nginx(site):
    assert requests.get(f"{site.base}/healthz", verify=site.cert, timeout=10).status_code == 200
    r = requests.get(f"{site.base}/readyz", verify=site.cert, timeout=10)
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "schema": "ok", "redis": "ok"}


# ------------------------------------------------------------------ faults
def test_without_redis_respondents_go_on_and_readiness_says_so(site):
    deployment = site.deployment
    deployment.redis.stop()
    try:
        outcome = _respondent(site)
        assert outcome.failure is None, outcome.failure
        assert outcome.errors_5xx == 0
        for app in deployment.apps:
            assert app.get("/healthz") == 200
            assert app.get("/readyz") == 200  # degraded, still serving
        r = requests.get(f"{site.base}/readyz", verify=site.cert, timeout=10)
        assert r.json()["status"] == "degraded" and r.json()["checks"]["redis"] == "unreachable"
        logs = deployment.logs()
        assert "falling back to in-memory storage" in logs
    finally:
        deployment.redis.start()
    r = requests.get(f"{site.base}/readyz", verify=site.cert, timeout=10)
    assert r.json()["status"] == "ok"


def test_while_postgresql_is_down_respondents_get_the_busy_page_and_go_on_after(site):
    deployment = site.deployment
    session = BrowserSession(site.cert)
    r = session.open(f"{site.base}/s/{site.slug}/?lang=en")  # the wave offers sv and en
    form = parse_forms(r.text)[-1]
    r = session.submit(r.url, {**form.hidden, "code": site.code()})
    assert "/p/" in r.url, r.url
    page_url = r.url
    before = _stored(site)
    deployment.pg.stop()
    try:
        r = session.get(page_url, timeout=20)
        assert r.status_code == 503
        assert r.headers["Retry-After"] == "5"
        assert "The service is busy" in r.text and "Your earlier answers are kept" in r.text
        assert 'lang="en"' in r.text and "Traceback" not in r.text
        for app in deployment.apps:
            assert app.get("/healthz") == 200
            assert app.get("/readyz") == 503
    finally:
        deployment.pg.start()
    # Reloading the page goes on where the respondent was; the pooled
    # connections the restart killed are replaced unseen.
    r = session.open(page_url)
    assert r.status_code == 200 and "/p/" in r.url
    outcome_after = _finish(session, r)
    assert outcome_after == "thanks"
    after = _stored(site)
    assert after["submitted"] == before["submitted"] + 1
    assert after["spent"] == before["spent"] + 1


def _finish(session: BrowserSession, r) -> str:
    """Answer the remaining pages in ``session`` and submit."""
    from benchmarks.load.forms import fill, forward_button

    for _ in range(80):
        forms = [f for f in parse_forms(r.text) if f.method == "post" and forward_button(f)]
        if not forms:
            return "thanks" if r.url.endswith("/thanks") else r.url
        form = forms[-1]
        data = fill(form, 7)
        name, value = forward_button(form)
        if name:
            data.append((name, value))
        r = session.submit(urljoin(r.url, form.action) if form.action else r.url, data)
        assert r.status_code == 200, (r.status_code, r.text[:300])
    return r.url


def test_killed_worker_and_instance_lose_nothing_and_duplicate_nothing(site):
    """Eight respondents answer at once (a second per page) while a gunicorn
    worker is SIGKILLed and then a whole app instance; they reload as people
    do. Every thank-you page has exactly one submitted response behind it."""
    deployment = site.deployment
    before = _stored(site)
    outcomes = []
    lock = threading.Lock()
    codes = [site.code() for _ in range(8)]

    def respondent(i: int) -> None:
        outcome = complete_survey(site.base, site.slug, codes[i], seed=100 + i, verify=site.cert,
                                  think=0.5, patience=30, pause=0.5)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=respondent, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(2)
    first, second = deployment.apps
    first.kill_worker()
    time.sleep(2)
    second.kill()
    time.sleep(3)
    second.start()
    for t in threads:
        t.join(timeout=180)
    assert len(outcomes) == 8
    failures = [o.failure for o in outcomes if o.failure]
    assert not failures, failures
    after = _stored(site)
    assert after["submitted"] - before["submitted"] == sum(o.submitted for o in outcomes) == 8
    assert after["spent"] - before["spent"] == 8
    assert after["in_progress"] == before["in_progress"]
    # Every acknowledged save is there: each submitted response has answers
    # on every page the respondent saw acknowledged.
    store = site.store()
    try:
        with store.engine.connect() as conn:
            pages = conn.execute(text(
                "SELECT count(DISTINCT r.id) FROM responses r JOIN surveys s ON s.id = r.survey_id "
                "WHERE s.slug = :slug AND r.status = 'submitted' AND NOT EXISTS "
                "(SELECT 1 FROM answers a WHERE a.response_id = r.id)"), {"slug": site.slug}).scalar_one()
        assert pages == 0
    finally:
        store.engine.dispose()
