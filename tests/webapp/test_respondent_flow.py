"""Respondent flow over the Flask test client, on SQLite and PostgreSQL:
welcome in three languages, codes, one page at a time, conditions,
validation, resume, submit and reuse, idempotent submit."""
from __future__ import annotations

import re
import subprocess
import sys

from respondent_support import SCHOOLS, SECRET, Browser, first_answers, instrument_of, make_app, register

C = "/s/cannabis-2018"


def start(b: Browser, code: str) -> None:
    b.get(C + "/")
    b.post(C + "/", {"code": code})
    assert b.status == 200, b.html


def test_welcome_in_swedish_english_and_arabic(browser, surveys):
    r = browser.get(C + "/")
    assert r.status_code == 200
    assert '<html lang="sv" dir="ltr">' in browser.html
    assert 'name="code"' in browser.html and 'name="csrf_token"' in browser.html
    assert "Enkät om cannabis" in browser.html
    assert "Din kod" in browser.html

    browser.get(C + "/?lang=en")
    assert '<html lang="en" dir="ltr">' in browser.html
    assert "Your code" in browser.html
    assert "cannabis" in browser.html.lower() and "Enkät om" not in browser.html

    # cannabis does not list Arabic: the request falls back to the session language
    browser.get(C + "/?lang=ar")
    assert '<html lang="en" dir="ltr">' in browser.html

    other = Browser(browser.client.application)
    other.get("/s/trygghet-2018/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in other.html
    assert "ابدأ الاستبيان" in other.html  # "Start the survey"
    # the instrument's own Arabic texts are shown as they are
    assert "<h1>استبيان الشعور بالأمان" in other.html and "Trygghetsundersökning" not in other.html
    # instrument texts without Arabic (cannabis offered in Arabic) fall back to Swedish, marked as Swedish
    sha = register(surveys.store, "cannabis-attityd", arabic=True)
    surveys.store.create_survey(slug="cannabis-ar", instrument_sha256=sha, label="Cannabis ar",
                                mode="codes", presets={"school": SCHOOLS}, is_open=True)
    other.get("/s/cannabis-ar/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in other.html
    assert '<h1><span lang="sv" dir="ltr">Enkät om cannabis' in other.html
    # the switch offers the three languages, each named in itself
    for name in ("Svenska", "English", "العربية"):
        assert name in other.html


def test_no_external_assets_and_security_headers(browser, surveys):
    r = browser.get(C + "/")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert not re.search(r'(src|href)="(https?:)?//', browser.html)
    assert r.headers["Cache-Control"] == "no-store"
    css = browser.client.get("/static/site.css").get_data(as_text=True)
    assert "url(" not in css and "@import" not in css
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                 "Referrer-Policy", "Permissions-Policy", "Cache-Control"):
        assert len(r.headers.getlist(name)) == 1, name
    # a stylesheet may be cached; the security headers still come with it
    static = browser.client.get("/static/site.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    assert static.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_slug_and_unknown_code_and_closed_survey(browser, surveys):
    r = browser.get("/s/no-such-survey/")
    assert r.status_code == 404
    assert "Enkäten hittades inte" in browser.html

    browser.get(C + "/")
    r = browser.post(C + "/", {"code": "ZZZZ-ZZZZ"})
    assert r.status_code == 200
    assert "Koden känns inte igen" in browser.html
    assert 'aria-invalid="true"' in browser.html and 'href="#code"' in browser.html
    assert "page-form" not in browser.html

    r = browser.post(C + "/", {"code": ""})
    assert "Skriv koden du har fått" in browser.html

    surveys.store.set_open("cannabis-2018", False)
    r = browser.get(C + "/?lang=en")
    assert r.status_code == 403
    assert "This survey is closed" in browser.html


def test_code_entry_is_rate_limited(surveys):
    app = make_app(surveys.url, CODE_RATE_LIMIT="3 per minute")
    # a classroom behind one address entering right codes is not limited
    for code in surveys.cannabis_codes[1:6]:
        pupil = Browser(app)
        pupil.get(C + "/")
        pupil.post(C + "/", {"code": code})
        assert pupil.location == C + "/p/about_you"
    b = Browser(app)
    b.get(C + "/")
    token = b.token()
    for _ in range(3):
        r = b.post(C + "/", {"code": "WRONGCODE", "csrf_token": token})
        assert r.status_code == 200
    r = b.post(C + "/", {"code": surveys.cannabis_codes[0], "csrf_token": token})
    assert r.status_code == 429
    assert "För många försök" in b.html
    # the right code was not even tried
    assert surveys.store.progress("cannabis-2018")["total"]["started"] == 5


APP_WIDE_LIMIT = """
import sys
from webapp import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "s", "RATELIMIT_STORAGE_URI": "memory://",
                  **({"RATELIMIT_DEFAULT": "2 per minute"} if sys.argv[2] == "limited" else {})})
client = app.test_client()
print(*[client.get("/s/cannabis-2018/").status_code for _ in range(4)])
"""


def test_an_app_wide_limit_still_applies_to_every_page(surveys):
    # The app checks its limits only on the views that declare them; a
    # deployment that sets a default limit still has it enforced on every
    # page. (In a child process: Flask-Limiter keeps a default limit in the
    # module's limiter for every app created after it.)
    def statuses(kind: str) -> str:
        run = subprocess.run([sys.executable, "-c", APP_WIDE_LIMIT, surveys.url, kind],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert statuses("limited") == ["200", "200", "429", "429"]
    assert statuses("plain") == ["200", "200", "200", "200"]


def test_pages_one_at_a_time_with_progress(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    start(browser, surveys.cannabis_codes[0])
    assert browser.location == C + "/p/about_you"
    assert "Sida 1 av 4" in browser.html
    fieldsets = re.findall(r"<fieldset[^>]*>(.*?)</fieldset>", browser.html, re.S)
    for q in ("school", "grade", "gender"):
        # each question's options sit in one fieldset of their own, with a legend
        own = [f for f in fieldsets if f'name="{q}"' in f]
        assert len(own) == 1 and own[0].lstrip().startswith("<legend>"), q
    # Likert and group items are radio groups in fieldsets, never tables
    assert "<table" not in browser.html
    browser.post(browser.location, first_answers(inst, "about_you", action="next"))
    assert browser.location == C + "/p/use"
    assert "Sida 2 av 4" in browser.html
    browser.get(C + "/p/use?lang=en")
    assert "Page 2 of 4" in browser.html
    # back goes to the previous page with the answers filled in
    browser.post(C + "/p/use", {"action": "back"})
    assert browser.location == C + "/p/about_you"
    assert re.search(r'name="school" id="school" value="1"[^>]* checked', browser.html)


def test_follow_up_questions_only_for_users(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    start(browser, surveys.cannabis_codes[0])
    browser.post(browser.location, first_answers(inst, "about_you"))
    assert browser.location == C + "/p/use"
    assert 'name="use_last"' not in browser.html
    # never used: the follow-ups are skipped
    browser.post(C + "/p/use", first_answers(inst, "use", use=1))
    assert browser.location == C + "/p/attitudes"
    browser.get(C + "/p/use")
    assert 'name="use_last"' not in browser.html
    # tried it: the same page shows the follow-ups before moving on
    browser.post(C + "/p/use", first_answers(inst, "use", use=3))
    assert browser.location == C + "/p/use"
    assert 'name="use_last"' in browser.html and 'name="use_first_age"' in browser.html
    browser.post(C + "/p/use", first_answers(inst, "use", use=3, use_last=2, use_first_age=14))
    assert browser.location == C + "/p/attitudes"
    rid = _response_id(surveys, browser)
    saved = surveys.store.answers(rid)
    assert saved["use"] == 3 and saved["use_last"] == 2 and saved["use_first_age"] == 14
    # answering "never" afterwards clears the stale follow-ups
    browser.post(C + "/p/use", first_answers(inst, "use", use=1, use_last=2, use_first_age=14))
    assert browser.location == C + "/p/attitudes"
    saved = surveys.store.answers(rid)
    assert saved["use"] == 1 and "use_last" not in saved and "use_first_age" not in saved


def _response_id(surveys, browser) -> str:
    with browser.client.session_transaction() as sess:
        return sess["responses"]["cannabis-2018"]


def test_validation_errors_keep_answers(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    start(browser, surveys.cannabis_codes[0])
    data = first_answers(inst, "about_you", grade=2)
    del data["school"]
    r = browser.post(C + "/p/about_you", data)
    assert r.status_code == 200 and browser.location == C + "/p/about_you"
    html = browser.html
    assert 'class="error-summary"' in html and 'href="#school"' in html
    assert "Välj ett av alternativen." in html
    assert re.search(r'name="school" id="school" value="1" aria-invalid="true"', html)
    assert 'id="school-error"' in html
    assert re.search(r'name="grade" id="grade-2" value="2" checked', html)  # kept
    assert "<title>Fel:" in html
    # a number outside its bounds: message beside the field, typed value kept
    browser.post(C + "/p/about_you", first_answers(inst, "about_you"))
    browser.post(C + "/p/use", first_answers(inst, "use", use=2))
    browser.post(C + "/p/use", first_answers(inst, "use", use=2, use_first_age=7))
    assert browser.location == C + "/p/use"
    assert "Skriv ett tal från 10 till 20." in browser.html
    assert re.search(r'name="use_first_age" id="use_first_age" value="7" aria-invalid="true"', browser.html)
    browser.post(C + "/p/use", first_answers(inst, "use", use=2, use_first_age="tolv"))
    assert 'value="tolv"' in browser.html and 'aria-invalid="true"' in browser.html


def test_resume_on_another_device_and_after_restart(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    code = surveys.cannabis_codes[1]
    start(browser, code)
    browser.post(C + "/p/about_you", first_answers(inst, "about_you", school=3))
    browser.post(C + "/p/use", first_answers(inst, "use", use=1))
    assert browser.location == C + "/p/attitudes"
    # another device, and a freshly started server process
    other = Browser(make_app(surveys.url))
    start(other, code.lower())
    assert other.location == C + "/p/attitudes"
    assert "Sida 3 av 4" in other.html
    other.get(C + "/p/about_you")
    assert re.search(r'name="school" id="school-3" value="3" checked', other.html)


def complete(b: Browser, surveys, inst, slug_path: str) -> None:
    """Answer every page from where ``b`` stands to the review page."""
    for _ in range(20):
        page = b.page_id()
        if not page:
            break
        b.post(f"{slug_path}/p/{page}", first_answers(inst, page))
    assert b.location == slug_path + "/review", b.location


def test_submit_then_code_is_spent(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    code = surveys.cannabis_codes[2]
    start(browser, code)
    complete(browser, surveys, inst, C)
    assert "Kontrollera dina svar" in browser.html
    browser.post(C + "/submit", {})
    assert browser.location == C + "/thanks"
    assert "Tack för dina svar!" in browser.html
    assert len(surveys.store.wave_records("cannabis-2018")) == 1
    # the same code again, on any device: refused, nothing shown
    again = Browser(browser.client.application)
    start(again, code)
    assert "Koden har redan använts" in again.html
    assert "page-form" not in again.html and "Rinmanskolan" not in again.html
    # the first browser cannot go back into the answers either
    browser.get(C + "/p/about_you")
    assert "page-form" not in browser.html


def test_double_submit_and_two_devices_give_one_response(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    code = surveys.cannabis_codes[3]
    start(browser, code)
    tablet = Browser(make_app(surveys.url))
    start(tablet, code)
    complete(browser, surveys, inst, C)
    tablet.get(C + "/review")  # the second device shows the review page too
    assert "Skicka in mina svar" in tablet.html
    token = browser.token()
    # a double click: the same form posted twice
    first = browser.post(C + "/submit", {"csrf_token": token}, follow=False)
    second = browser.post(C + "/submit", {"csrf_token": token}, follow=False)
    assert first.status_code == 302 and second.status_code == 302
    assert first.headers["Location"].endswith("/thanks") and second.headers["Location"].endswith("/thanks")
    # the second device submits afterwards
    tablet.post(C + "/submit", {})
    assert tablet.location == C + "/thanks"
    assert len(surveys.store.wave_records("cannabis-2018")) == 1
    assert surveys.store.progress("cannabis-2018")["total"]["submitted"] == 1


def test_group_items_from_code_tags_are_not_asked(browser, surveys):
    start(browser, surveys.tagged_codes[0])
    assert browser.location == C + "/p/about_you"
    assert 'name="gender"' in browser.html
    assert 'name="school"' not in browser.html and 'name="grade"' not in browser.html
    browser.post(C + "/p/about_you", {"gender": "2"})
    assert browser.location == C + "/p/use"
    saved = surveys.store.answers(_response_id(surveys, browser))
    assert saved["school"] == 3 and saved["grade"] == 1 and saved["gender"] == 2


def test_rate_limit_on_redis_when_configured(surveys, monkeypatch):
    import os
    import uuid

    import pytest
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.RedisError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379 (CI=true: this test must run)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    app = make_app(surveys.url, CODE_RATE_LIMIT="2 per minute",
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    # a client address of its own, so earlier runs' counts do not interfere
    address = "10.%d.%d.%d" % tuple(uuid.uuid4().bytes[:3])
    b = Browser(app, remote_addr=address)
    b.get(C + "/")
    for status in (200, 200, 429):
        b.post(C + "/", {"code": "WRONG"})
        assert b.status == status
    # the count lives in Redis: a second app process sees it, configured the
    # way a deployment is, through REDIS_URL alone
    from webapp import create_app

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    again = create_app({"DATABASE_URL": surveys.url, "SECRET_KEY": SECRET, "TESTING": True,
                        "CODE_RATE_LIMIT": "2 per minute"})
    assert again.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    other = Browser(again, remote_addr=address)
    other.get(C + "/")
    other.post(C + "/", {"code": "WRONG"})
    assert other.status == 429
