"""End to end in headless Chromium at 360 x 740, keyboard alone: each of the
three instruments completed, resuming after the browser was closed, and a
spent code refused. Every page visited is also checked for horizontal
scrolling and for touch targets smaller than 44 px."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHOOLS = ["Skolan A", "Skolan B", "Skolan C"]
RECORD_META = ("groups", "submitted_on")


def plan_from(explicit: dict[str, object]):
    """Answers for a page: ``explicit`` where given, else a fixed option that
    depends on the item id (so answers vary across items)."""

    def plan(field: dict) -> object:
        if field["name"] in explicit:
            return explicit[field["name"]]
        if field["type"] == "radio":
            values = field["values"]
            return values[sum(map(ord, field["name"])) % len(values)]
        if field["type"] == "checkbox":
            return [field["values"][0]]
        return None  # free text / numbers only where the plan says so

    return plan


CANNABIS_PLAN = {
    "grade": 1,
    "gender": 2,
    "use": 2,  # shows the follow-ups use_last and use_first_age on the same page
    "use_last": 3,
    "use_first_age": 15,
    "would_try": 2,
}


def only_submitted_record(store, slug: str) -> dict:
    records = store.wave_records(slug)
    assert len(records) == 1, f"expected exactly one submitted response, found {len(records)}"
    return records[0]


def answers_of(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in RECORD_META}


@pytest.fixture(scope="module")
def cannabis_wave(live_server, survey_factory):
    slug = survey_factory("cannabis-attityd", mode="codes", presets={"school": SCHOOLS, "class": ["9A"]})
    codes = live_server.store.issue_codes(slug, 5, tags={"school": "Skolan B", "class": "9A"})
    return slug, codes


@pytest.fixture(scope="module")
def completed_cannabis(driver, live_server, cannabis_wave, respondent_for):
    """A pupil completes the cannabis survey with a code, keyboard only (done
    once; the spent-code test reuses the code)."""
    slug, codes = cannabis_wave
    driver.get(live_server.url + "/")
    driver.delete_all_cookies()
    pupil = respondent_for(driver)
    pupil.open(slug)
    pupil.enter_code(codes[0])
    assert pupil.page_id(), f"the code did not open a question page: {pupil.text()[:300]}"
    given = pupil.complete(plan_from(CANNABIS_PLAN))
    return {"slug": slug, "code": codes[0], "given": given, "text": pupil.text(),
            "layout_problems": pupil.layout_problems}


def test_cannabis_with_code_completed_by_keyboard(live_server, completed_cannabis):
    slug, given = completed_cannabis["slug"], completed_cannabis["given"]

    assert "Tack för dina svar!" in completed_cannabis["text"]
    # The follow-ups appeared and were answered.
    assert given["use"] == 2 and given["use_last"] == 3 and given["use_first_age"] == 15
    assert {f"att{i:02d}" for i in range(1, 13)} <= given.keys()
    assert {f"know{i:02d}" for i in range(1, 9)} <= given.keys()

    record = only_submitted_record(live_server.store, slug)
    stored = answers_of(record)
    # The school came from the code's tag; the question was not asked.
    assert "school" not in given
    assert record["groups"]["school"] == "Skolan B"
    assert stored.pop("school", 2) == 2
    assert stored == given
    assert completed_cannabis["layout_problems"] == []


def test_spent_code_is_refused_without_showing_answers(respondent, live_server, completed_cannabis):
    slug = completed_cannabis["slug"]
    respondent.open(slug)
    respondent.enter_code(completed_cannabis["code"])

    text = respondent.text()
    assert "Koden har redan använts" in text
    html = respondent.driver.page_source
    assert "page-form" not in html and "<dl" not in html
    assert not respondent.driver.execute_script(
        "return document.querySelectorAll('input[type=radio], input[type=checkbox]').length")
    # Nothing of what was answered: no question text, no chosen label.
    assert "Instämmer" not in text and "Flicka" not in text and "Pojke" not in text
    assert len(live_server.store.wave_records(slug)) == 1
    assert respondent.layout_problems == []


def test_resume_after_closing_the_browser(new_respondent, live_server, cannabis_wave):
    slug, codes = cannabis_wave
    code = codes[1]
    first = new_respondent()
    first.open(slug)
    first.enter_code(code)
    assert first.page_id() == "about_you"
    about = first.answer(plan_from({"grade": 3, "gender": 1}))
    first.next()
    assert first.page_id() == "use"
    use = first.answer(plan_from({"use": 1}))  # "never": no follow-ups
    first.next()
    third_page = first.page_id()
    assert third_page not in (None, "about_you", "use")
    first.driver.quit()  # closed mid-survey, nothing on the third page answered

    again = new_respondent()
    again.open(slug)
    again.enter_code(code)
    assert again.page_id() == third_page, "resume goes to the first unanswered page"
    assert all(f["checked"] == [] for f in again.fields() if f["type"] == "radio")
    again.back()
    assert again.page_id() == "use"
    assert {f["name"]: again.value_of(f) for f in again.fields()}["use"] == 1
    again.back()
    assert again.page_id() == "about_you"
    shown = {f["name"]: again.value_of(f) for f in again.fields()}
    assert shown["grade"] == about["grade"] == 3 and shown["gender"] == about["gender"] == 1

    rest = again.complete(plan_from({"grade": 3, "gender": 1, "use": 1}))
    assert "Tack för dina svar!" in again.text()
    records = [r for r in live_server.store.wave_records(slug) if r.get("grade") == 3]
    assert len(records) == 1
    stored = answers_of(records[0])
    stored.pop("school", None)
    assert stored == {**about, **use, **rest}
    assert first.layout_problems == [] and again.layout_problems == []


def test_trygghet_open_link_completed_by_keyboard(respondent, live_server, survey_factory):
    slug = survey_factory("trygghet", mode="open")
    respondent.open(slug)
    respondent.start()
    assert respondent.page_id(), respondent.text()[:300]
    given = respondent.complete(plan_from({"area": 3, "gender": 1, "age_band": 2}))

    assert "Tack för dina svar!" in respondent.text()
    assert {f"v{i:02d}" for i in range(1, 34)} <= given.keys()
    record = only_submitted_record(live_server.store, slug)
    assert answers_of(record) == given
    assert respondent.layout_problems == []


def test_medborgardialog_open_link_completed_by_keyboard(respondent, live_server, survey_factory):
    slug = survey_factory("medborgardialog", mode="open")
    respondent.open(slug)
    respondent.start()
    plan = plan_from({
        "unsafe_themes": [1, 99],  # "something else" reveals unsafe_themes_other
        "unsafe_themes_other": "Mörka gångtunnlar",
        "unsafe_places": "Gångtunneln vid Årby centrum",
    })
    given = respondent.complete(plan)

    assert "Tack för dina svar!" in respondent.text()
    assert given["unsafe_themes"] == [1, 99]
    assert given["unsafe_themes_other"] == "Mörka gångtunnlar"
    record = only_submitted_record(live_server.store, slug)
    assert answers_of(record) == given
    assert respondent.layout_problems == []
