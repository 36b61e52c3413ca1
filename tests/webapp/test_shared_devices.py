"""Shared classroom and library devices, on SQLite and PostgreSQL: "Leave and
forget this device" on every respondent page, a browser forgetting an idle
response, open-link resume cookies that last the browser session, nothing of
a submitted response left in the browser, and wrong-code limits that stop one
browser before they stop a whole school behind one address."""
from __future__ import annotations

import time

import pytest

from itsdangerous import SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from respondent_support import Browser, first_answers, instrument_of, make_app

from webapp.respondent.context import SUBMITTED_MEMORY_SECONDS

C = "/s/cannabis-2018"
T = "/s/trygghet-2018"
FORGET_LINK = "Lämna och glöm den här enheten"


def _session(b: Browser) -> dict:
    with b.client.session_transaction() as sess:
        return dict(sess)


def _resume_cookie(b: Browser):
    return b.client.get_cookie("se_resume_trygghet-2018", path="/s/trygghet-2018/")


def _enter(b: Browser, code: str) -> None:
    b.get(C + "/")
    b.post(C + "/", {"code": code})
    assert b.location == C + "/p/about_you", b.html


def test_every_respondent_page_offers_to_leave_and_forget(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    browser.get(C + "/")
    assert FORGET_LINK in browser.html
    _enter(browser, surveys.cannabis_codes[0])
    assert FORGET_LINK in browser.html
    for page in ("about_you", "use", "attitudes", "knowledge"):
        browser.post(f"{C}/p/{page}", first_answers(inst, page))
        assert FORGET_LINK in browser.html, page
    assert browser.location == C + "/review"
    browser.get(C + "/?lang=en")
    assert "Leave and forget this device" in browser.html
    other = Browser(browser.client.application)
    other.get(T + "/?lang=ar")
    assert "اترك هذا الجهاز وانسه" in other.html
    # the analyst side has no such link
    other.get("/analyst/login")
    assert "Leave and forget" not in other.html and FORGET_LINK not in other.html


def test_leaving_with_a_code_forgets_the_browser_but_the_code_resumes(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    code = surveys.cannabis_codes[1]
    _enter(browser, code)
    browser.post(C + "/p/about_you", first_answers(inst, "about_you", school=2))
    browser.post(C + "/p/use", first_answers(inst, "use", use=1))
    assert browser.location == C + "/p/attitudes"
    rid = _session(browser)["responses"]["cannabis-2018"]
    saved = surveys.store.answers(rid)

    browser.get(C + "/forget")
    assert browser.status == 200 and "anger din kod" in browser.html
    browser.post(C + "/forget", {})
    assert browser.location == C + "/left"
    assert "Du har lämnat enkäten" in browser.html
    sess = _session(browser)
    assert "cannabis-2018" not in (sess.get("responses") or {})
    assert not set(sess) - {"lang", "limit_key", "csrf_token"}, sess
    # the next person on this device sees no way into the answers
    browser.get(C + "/")
    assert "Fortsätt där du slutade" not in browser.html
    for path in ("/resume", "/p/about_you", "/review"):
        browser.get(C + path)
        assert browser.location == C + "/", path
        assert "Rinmanskolan" not in browser.html and "Skiftingeskolan" not in browser.html
    r = browser.post(C + "/submit", {})
    assert r.status_code == 400
    assert surveys.store.response(rid).status == "in_progress"
    # nothing saved was lost, and the code still resumes where the pupil was
    assert surveys.store.answers(rid) == saved
    elsewhere = Browser(make_app(surveys.url))
    elsewhere.get(C + "/")
    elsewhere.post(C + "/", {"code": code})
    assert elsewhere.location == C + "/p/attitudes"


def test_leave_needs_the_confirming_post_and_a_token(browser, surveys):
    _enter(browser, surveys.cannabis_codes[2])
    browser.get(C + "/forget")  # the explanation alone forgets nothing
    assert "cannabis-2018" in _session(browser)["responses"]
    r = browser.post(C + "/forget", {}, token=False)
    assert r.status_code == 400
    assert "cannabis-2018" in _session(browser)["responses"]
    r = browser.post(C + "/forget", {"extra": "x"})
    assert r.status_code == 400
    assert "cannabis-2018" in _session(browser)["responses"]


def test_leaving_an_open_link_drops_the_resume_cookie(browser, surveys):
    inst = instrument_of(surveys, "trygghet-2018")
    browser.get(T + "/")
    browser.post(T + "/start", {})
    browser.post(T + "/p/about_you", first_answers(inst, "about_you", area=2))
    assert browser.location == T + "/p/victimisation"
    assert _resume_cookie(browser) is not None
    started = surveys.store.progress("trygghet-2018")["total"]["started"]
    browser.get(T + "/forget")
    assert "startar en ny enkät" in browser.html
    browser.post(T + "/forget", {})
    assert _resume_cookie(browser) is None
    browser.get(T + "/")
    assert "Fortsätt där du slutade" not in browser.html and "Börja enkäten" in browser.html
    browser.post(T + "/start", {})
    assert browser.location == T + "/p/about_you" and "checked" not in browser.html
    # the earlier pages are still stored, as a response of their own
    assert surveys.store.progress("trygghet-2018")["total"]["started"] == started + 1


def test_open_link_resume_cookie_lasts_the_browser_session(surveys):
    app = make_app(surveys.url)
    b = Browser(app)
    b.get(T + "/")
    r = b.post(T + "/start", {}, follow=False)
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("se_resume_"))
    assert "Max-Age" not in cookie and "Expires" not in cookie, cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # a deployment for residents on their own phones may ask for a lasting one
    lasting = Browser(make_app(surveys.url, RESUME_COOKIE_DAYS=7))
    lasting.get(T + "/")
    r = lasting.post(T + "/start", {}, follow=False)
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("se_resume_"))
    assert "Max-Age=604800" in cookie


def _backdated_resume(app, token: str, seconds_ago: int) -> str:
    """The resume cookie as the app signs it, signed ``seconds_ago``."""

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return URLSafeTimedSerializer(app.secret_key, salt="survey-engine/resume", signer=Then).dumps(token)


def test_an_idle_browser_forgets_its_response(surveys):
    app = make_app(surveys.url, RESPONDENT_IDLE_MINUTES=30)
    b = Browser(app)
    inst = instrument_of(surveys, "cannabis-2018")
    code = surveys.cannabis_codes[3]
    _enter(b, code)
    b.post(C + "/p/about_you", first_answers(inst, "about_you"))
    assert b.location == C + "/p/use"
    # 29 minutes without a request: still answering
    with b.client.session_transaction() as sess:
        sess["seen"] = {"cannabis-2018": int(time.time()) - 29 * 60}
    b.get(C + "/p/use")
    assert b.location == C + "/p/use" and 'name="use"' in b.html
    assert _session(b)["seen"]["cannabis-2018"] >= int(time.time()) - 5  # renewed
    # 31 minutes: the browser no longer knows the response
    with b.client.session_transaction() as sess:
        sess["seen"] = {"cannabis-2018": int(time.time()) - 31 * 60}
    b.get(C + "/p/use")
    assert b.location == C + "/"
    assert "Fortsätt där du slutade" not in b.html
    assert "cannabis-2018" not in _session(b)["responses"]
    # the pupil with the code goes on where they were
    b.post(C + "/", {"code": code})
    assert b.location == C + "/p/use"


def test_an_idle_open_link_cookie_no_longer_resumes(surveys):
    app = make_app(surveys.url, RESPONDENT_IDLE_MINUTES=30)
    inst = instrument_of(surveys, "trygghet-2018")
    b = Browser(app)
    b.get(T + "/")
    b.post(T + "/start", {})
    b.post(T + "/p/about_you", first_answers(inst, "about_you", area=3))
    signed = URLSafeTimedSerializer(app.secret_key, salt="survey-engine/resume")
    token = signed.loads(_resume_cookie(b).value)
    # a page saved renews the cookie (its signature carries the time)
    b.client.set_cookie("se_resume_trygghet-2018", _backdated_resume(app, token, 20 * 60), path="/s/trygghet-2018/")
    with pytest.raises(SignatureExpired):
        signed.loads(_resume_cookie(b).value, max_age=60)
    b.post(T + "/p/victimisation", first_answers(inst, "victimisation"))
    assert signed.loads(_resume_cookie(b).value, max_age=60) == token
    # found again by the cookie alone while it is fresh ...
    fresh = Browser(app)
    fresh.client.set_cookie("se_resume_trygghet-2018", _backdated_resume(app, token, 29 * 60), path="/s/trygghet-2018/")
    fresh.get(T + "/")
    assert "Fortsätt där du slutade" in fresh.html
    # ... not once it has been idle too long
    stale = Browser(app)
    stale.client.set_cookie("se_resume_trygghet-2018", _backdated_resume(app, token, 31 * 60), path="/s/trygghet-2018/")
    stale.get(T + "/")
    assert "Fortsätt där du slutade" not in stale.html
    stale.post(T + "/start", {})
    assert stale.location == T + "/p/about_you" and "checked" not in stale.html


def test_after_submit_nothing_of_the_response_stays_in_the_browser(browser, surveys):
    inst = instrument_of(surveys, "trygghet-2018")
    browser.get(T + "/")
    browser.post(T + "/start", {})
    for _ in range(20):
        page = browser.page_id()
        if not page:
            break
        browser.post(f"{T}/p/{page}", first_answers(inst, page))
    r = browser.post(T + "/submit", {}, follow=False)
    assert r.status_code == 302
    assert any(h.startswith("se_resume_trygghet-2018=;") for h in r.headers.getlist("Set-Cookie"))
    browser.get(T + "/thanks")
    sess = _session(browser)
    assert not sess.get("responses") and not sess.get("seen")
    assert set(sess["done"]) == {"trygghet-2018"}  # a second click lands on the thank-you page ...
    browser.post(T + "/submit", {})
    assert browser.location == T + "/thanks"
    # ... for a few minutes; after that the browser does not remember it
    with browser.client.session_transaction() as s:
        s["done"] = {"trygghet-2018": int(time.time()) - SUBMITTED_MEMORY_SECONDS - 1}
    r = browser.post(T + "/submit", {})
    assert r.status_code == 400
    assert r.headers["Cache-Control"] == "no-store"


def _wrong(b: Browser, n: int) -> list[int]:
    statuses = []
    for _ in range(n):
        b.post(C + "/", {"code": "WRONG-CODE"})
        statuses.append(b.status)
    return statuses


def test_one_browser_guessing_does_not_lock_out_the_school(surveys):
    app = make_app(surveys.url, CODE_RATE_LIMIT_SESSION="3 per minute", CODE_RATE_LIMIT="8 per minute")
    guesser = Browser(app, remote_addr="192.0.2.10")
    guesser.get(C + "/")
    assert _wrong(guesser, 4) == [200, 200, 200, 429]
    assert "För många försök" in guesser.html
    # classmates behind the same school address still get in, a typo included
    pupil = Browser(app, remote_addr="192.0.2.10")
    pupil.get(C + "/")
    assert _wrong(pupil, 1) == [200]
    pupil.post(C + "/", {"code": surveys.cannabis_codes[4]})
    assert pupil.location == C + "/p/about_you"


def test_the_address_ceiling_stops_a_guesser_who_drops_cookies(surveys):
    app = make_app(surveys.url, CODE_RATE_LIMIT_SESSION="3 per minute", CODE_RATE_LIMIT="5 per minute")
    statuses = []
    for _ in range(6):  # a fresh browser session for every guess
        b = Browser(app, remote_addr="192.0.2.20")
        b.get(C + "/")
        statuses += _wrong(b, 1)
    assert statuses == [200] * 5 + [429]
    # another address is not affected
    b = Browser(app, remote_addr="192.0.2.21")
    b.get(C + "/")
    b.post(C + "/", {"code": surveys.cannabis_codes[5]})
    assert b.location == C + "/p/about_you"
