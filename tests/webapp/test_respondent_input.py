"""Bad input, privacy, open-link resume and language switching, over the
Flask test client on SQLite and PostgreSQL."""
from __future__ import annotations

import re

from sqlalchemy import create_engine, select, MetaData

from respondent_support import Browser, first_answers, instrument_of, make_app

C = "/s/cannabis-2018"
T = "/s/trygghet-2018"
M = "/s/medborg-2018"


def begin(b: Browser, code: str, path: str = C) -> None:
    b.get(path + "/")
    b.post(path + "/", {"code": code})
    assert "page-form" in b.html, b.html


def rid(b: Browser, slug: str = "cannabis-2018") -> str:
    with b.client.session_transaction() as sess:
        return sess["responses"][slug]


def test_tampered_input_gets_400_and_keeps_saved_answers(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    begin(browser, surveys.cannabis_codes[0])
    browser.post(C + "/p/about_you", first_answers(inst, "about_you", school=2))
    response_id = rid(browser)
    before = surveys.store.answers(response_id)
    assert before["school"] == 2
    cases = [
        first_answers(inst, "about_you", school=9),          # code outside the presets
        first_answers(inst, "about_you", gender=0),          # code outside the scale
        {**first_answers(inst, "about_you"), "is_admin": "1"},  # unknown field
        [("school", "1"), ("school", "2"), ("grade", "1")],  # two values for one question
        first_answers(inst, "about_you", school="1 OR 1=1"),
    ]
    for data in cases:
        r = browser.post(C + "/p/about_you", data)
        assert r.status_code == 400, data
        assert "Begäran kunde inte tas emot" in browser.html
        assert "Traceback" not in browser.html
        assert surveys.store.answers(response_id) == before
    # a field from another page posted here is just as foreign
    r = browser.post(C + "/p/about_you", {**first_answers(inst, "about_you"), "att01": "3"})
    assert r.status_code == 400
    r = browser.get(C + "/p/no-such-page")
    assert r.status_code == 404 and "Sidan hittades inte" in browser.html


def test_missing_or_wrong_csrf_token_gets_400(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    begin(browser, surveys.cannabis_codes[0])
    browser.post(C + "/p/about_you", first_answers(inst, "about_you", school=1))
    response_id = rid(browser)
    r = browser.post(C + "/p/use", first_answers(inst, "use"), token=False)
    assert r.status_code == 400 and "Formuläret har gått ut" in browser.html
    browser.get(C + "/p/use")
    r = browser.post(C + "/p/use", {**first_answers(inst, "use"), "csrf_token": "forged"})
    assert r.status_code == 400 and "säkerhetsnyckel" in browser.html
    # code entry needs the token as well
    fresh = Browser(browser.client.application)
    r = fresh.post(C + "/", {"code": surveys.cannabis_codes[1]}, token=False)
    assert r.status_code == 400
    assert surveys.store.answers(response_id)["school"] == 1
    assert "use" not in surveys.store.answers(response_id)


def test_oversized_body_gets_413_page(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    begin(browser, surveys.cannabis_codes[0])
    browser.post(C + "/p/about_you", first_answers(inst, "about_you", school=1))
    response_id = rid(browser)
    r = browser.post(C + "/p/use", {**first_answers(inst, "use"), "filler": "x" * 200_000})
    assert r.status_code == 413
    assert "För mycket text" in browser.html
    assert surveys.store.answers(response_id)["school"] == 1


def test_replayed_page_after_submit_is_refused(browser, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    code = surveys.cannabis_codes[0]
    begin(browser, code)
    phone = Browser(make_app(surveys.url))
    begin(phone, code)
    for page in ("about_you", "use", "attitudes", "knowledge"):
        browser.post(f"{C}/p/{page}", first_answers(inst, page))
    response_id = rid(browser)
    browser.post(C + "/submit", {})
    assert browser.location == C + "/thanks"
    stored = surveys.store.answers(response_id)
    # the phone still shows page 1 and sends it again
    r = phone.post(C + "/p/about_you", first_answers(inst, "about_you", school=3))
    assert r.status_code == 400
    assert "redan inskickade" in phone.html
    assert surveys.store.answers(response_id) == stored
    assert surveys.store.progress("cannabis-2018")["total"]["submitted"] == 1


def _all_text(url: str) -> str:
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        chunks = []
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)):
                    chunks.append(" ".join(str(v) for v in row))
        return "\n".join(chunks)
    finally:
        engine.dispose()


def test_no_ip_user_agent_or_code_in_the_database(browser, surveys):
    from surveys.config import normalise_url

    inst = instrument_of(surveys, "medborg-2018")
    code = surveys.medborg_codes[0]
    begin(browser, code, M)
    for _ in range(10):
        page = browser.page_id()
        if not page:
            break
        browser.post(f"{M}/p/{page}", first_answers(inst, page))
    browser.post(M + "/submit", {})
    assert browser.location == M + "/thanks"
    open_link = Browser(browser.client.application)
    open_link.get(T + "/")
    open_link.post(T + "/start", {})
    open_link.post(f"{T}/p/about_you", first_answers(instrument_of(surveys, "trygghet-2018"), "about_you"))
    text = _all_text(normalise_url(surveys.url))
    assert "127.0.0.1" not in text
    assert "PrivacyProbe" not in text and "Mozilla" not in text
    for c in surveys.medborg_codes:
        assert c not in text and c.replace("-", "") not in text
    # submitted on a day, not at a time
    assert not re.search(r"\d{2}:\d{2}:\d{2}", text)


def test_open_link_resumes_through_the_signed_cookie(browser, surveys):
    inst = instrument_of(surveys, "trygghet-2018")
    browser.get(T + "/")
    assert 'name="code"' not in browser.html and "Börja enkäten" in browser.html
    browser.post(T + "/start", {})
    assert browser.location == T + "/p/about_you"
    browser.post(T + "/p/about_you", first_answers(inst, "about_you", area=3))
    assert browser.location == T + "/p/victimisation"
    # the session cookie is lost (cleared, or its response forgotten): the resume cookie stays
    browser.client.delete_cookie("session")
    browser.get(T + "/")
    assert "Fortsätt där du slutade" in browser.html
    browser.post(T + "/start", {})
    assert browser.location == T + "/p/victimisation"
    browser.get(T + "/p/about_you")
    assert re.search(r'name="area" id="area-3" value="3" checked', browser.html)
    # a forged cookie is ignored: a new, empty response
    stranger = Browser(browser.client.application)
    stranger.client.set_cookie("se_resume_trygghet-2018", "forged.value.x", path="/s/trygghet-2018/")
    stranger.get(T + "/")
    stranger.post(T + "/start", {})
    assert stranger.location == T + "/p/about_you"
    assert "checked" not in stranger.html
    assert surveys.store.progress("trygghet-2018")["total"]["started"] == 2


def test_language_switch_keeps_the_answers(browser, surveys):
    inst = instrument_of(surveys, "medborg-2018")
    begin(browser, surveys.medborg_codes[1], M)
    browser.post(M + "/p/about_you", first_answers(inst, "about_you", area=4, gender=2))
    assert browser.location == M + "/p/unsafe"
    # a link keeps what is saved
    browser.get(M + "/p/about_you?lang=en")
    assert '<html lang="en"' in browser.html
    assert re.search(r'name="area" id="area-4" value="4" checked', browser.html)
    assert re.search(r'name="gender" id="gender-2" value="2" checked', browser.html)
    # the switch buttons on a page also save what is typed there
    browser.get(M + "/p/unsafe")
    assert 'name="switch_lang" value="ar"' in browser.html
    browser.post(M + "/p/unsafe", {"unsafe_places": "Tunneln vid stationen", "switch_lang": "ar"})
    assert browser.location == M + "/p/unsafe"
    assert '<html lang="ar" dir="rtl">' in browser.html
    assert "Tunneln vid stationen" in browser.html
    assert "الصفحة 2 من 3" in browser.html  # "Page 2 of 3"
    assert "التالي" in browser.html  # "Next"


def test_multi_choice_with_other_text(browser, surveys):
    inst = instrument_of(surveys, "medborg-2018")
    begin(browser, surveys.medborg_codes[2], M)
    browser.post(M + "/p/about_you", first_answers(inst, "about_you"))
    assert 'type="checkbox" name="unsafe_themes"' in browser.html
    assert 'name="unsafe_themes_other"' not in browser.html
    browser.post(M + "/p/unsafe", [("unsafe_themes", "1"), ("unsafe_themes", "99")])
    assert browser.location == M + "/p/unsafe"  # the "other" box appears
    assert 'name="unsafe_themes_other"' in browser.html
    assert re.search(r'name="unsafe_themes" id="unsafe_themes-99" value="99" checked', browser.html)
    browser.post(M + "/p/unsafe", [("unsafe_themes", "1"), ("unsafe_themes", "99"),
                                   ("unsafe_themes_other", "Mopeder på gångvägen")])
    assert browser.location == M + "/p/measures"
    saved = surveys.store.answers(rid(browser, "medborg-2018"))
    assert saved["unsafe_themes"] == [1, 99]
    assert saved["unsafe_themes_other"] == "Mopeder på gångvägen"
    # unticking "other" clears the stale text
    browser.post(M + "/p/unsafe", [("unsafe_themes", "1"), ("unsafe_themes_other", "Mopeder på gångvägen")])
    saved = surveys.store.answers(rid(browser, "medborg-2018"))
    assert saved["unsafe_themes"] == [1] and "unsafe_themes_other" not in saved
