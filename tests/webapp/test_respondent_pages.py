"""Error pages and the review step."""
from __future__ import annotations

from respondent_support import Browser, first_answers, instrument_of, make_app

C = "/s/cannabis-2018"


def test_wrong_method_gets_a_405_page(browser, surveys):
    r = browser.get(C + "/submit?lang=en")
    assert r.status_code == 405
    assert "This page cannot be used that way" in browser.html
    assert '<html lang="en"' in browser.html


def test_database_failure_gets_a_500_page_not_a_traceback(tmp_path):
    # an empty database (never migrated): every query fails
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", TESTING=False)
    b = Browser(app)
    r = b.get(C + "/")
    assert r.status_code == 500
    assert "Något gick fel" in b.html
    assert "Traceback" not in b.html and "sqlite" not in b.html.lower()
    app.extensions["store"].engine.dispose()


def test_review_lists_answers_and_blocks_missing_required(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    browser.get(C + "/")
    browser.post(C + "/", {"code": surveys.cannabis_codes[0]})
    # jump straight to the review: the required group questions are missing
    browser.get(C + "/review")
    assert "Några obligatoriska frågor är obesvarade" in browser.html
    assert 'href="/s/cannabis-2018/p/about_you#q-school"' in browser.html
    assert "Skicka in mina svar" not in browser.html
    browser.post(C + "/submit", {})
    assert browser.location == C + "/review"
    assert surveys.store.progress("cannabis-2018")["total"]["submitted"] == 0
    browser.post(C + "/p/about_you", first_answers(inst, "about_you", school=2))
    browser.get(C + "/review")
    assert "Skiftingeskolan" in browser.html and "Inte besvarad" in browser.html
    assert "Skicka in mina svar" in browser.html
