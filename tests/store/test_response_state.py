"""``Store.response_state`` (the respondent path's one read) and
``save_page`` given that state or reading what it needs itself, on SQLite
and PostgreSQL."""
from __future__ import annotations

import pytest

from surveys import store as st

from .tiny_instrument import SCHOOLS, make_survey


def test_response_state_is_the_response_its_survey_and_answers(store, migrated_url) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1, tags={"school": "Skolan B"})
    rid = store.begin("tiny-2024", code=code).id

    state = store.response_state(rid)  # no answer but the code's school yet
    assert state.answers == {"school": 2}
    assert (state.handle.status, state.handle.last_page) == ("in_progress", None)

    store.save_page(rid, "use", {"use": 3, "use_first_age": 15, "themes": [3, 1], "themes_other": "parken"})
    state = store.response_state(rid)
    assert state.answers == store.answers(rid)
    assert state.answers["themes"] == [3, 1] and state.answers["themes_other"] == "parken"
    assert state.handle.id == rid and state.handle.slug == "tiny-2024"
    assert state.handle.group_values == {"school": "Skolan B"}
    assert state.handle.last_page == "use"
    assert state.survey.slug == "tiny-2024" and state.survey.presets == {"school": SCHOOLS}
    assert state.survey.is_open is True

    # closed through another Store (another process): seen by the next read
    from surveys.db import make_engine

    engine = make_engine(migrated_url)
    try:
        st.Store(engine, secret_key=b"test-secret-key").set_open("tiny-2024", False)
    finally:
        engine.dispose()
    assert store.response_state(rid).survey.is_open is False

    assert store.submit(rid) is True
    assert store.response_state(rid).handle.status == "submitted"


def test_a_response_without_answers_and_an_unknown_one(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1)
    rid = store.begin("tiny-2024", code=code).id
    assert store.response_state(rid).answers == {}
    assert store.answers(rid) == {}
    with pytest.raises(st.UnknownResponse):
        store.response_state("no-such-response")
    with pytest.raises(st.UnknownResponse):
        store.save_page("no-such-response", "use", {"use": 1})


def test_save_page_refuses_after_submit_and_changes_nothing(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1)
    rid = store.begin("tiny-2024", code=code).id
    store.save_page(rid, "use", {"use": 2, "use_first_age": 14})
    assert store.submit(rid) is True
    with pytest.raises(st.AlreadySubmitted):
        store.save_page(rid, "use", {"use": 1})
    assert store.answers(rid) == {"use": 2, "use_first_age": 14}


def test_an_invalid_page_rolls_back_the_whole_save(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1)
    rid = store.begin("tiny-2024", code=code).id
    store.save_page(rid, "use", {"use": 2, "use_first_age": 14})
    with pytest.raises(st.InvalidAnswer):
        store.save_page(rid, "use", {"use": 1, "themes": [99]})  # 99 is no option
    with pytest.raises(st.InvalidAnswer):
        store.save_page(rid, "nope", {"use": 1})
    assert store.answers(rid) == {"use": 2, "use_first_age": 14}
    assert store.response(rid).last_page == "use"


def test_save_page_with_the_state_just_read(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1, tags={"school": "Skolan C"})
    rid = store.begin("tiny-2024", code=code).id
    state = store.response_state(rid)
    store.save_page(rid, "use", {"use": 3, "use_first_age": 16, "themes": [2]}, state)
    # the group item the code answered stays as the code set it
    assert store.answers(rid) == {"school": 3, "use": 3, "use_first_age": 16, "themes": [2]}
    assert store.response(rid).last_page == "use"
    # the same (now stale) state still checks values and pages
    with pytest.raises(st.InvalidAnswer):
        store.save_page(rid, "use", {"use": 9}, state)
    with pytest.raises(st.InvalidAnswer):
        store.save_page(rid, "nope", {"use": 1}, state)
    assert store.answers(rid)["use"] == 3 and store.response(rid).last_page == "use"

    # submitted after the state was read (another tab): refused, nothing changes
    assert store.submit(rid) is True
    with pytest.raises(st.AlreadySubmitted):
        store.save_page(rid, "use", {"use": 1}, state)
    assert store.answers(rid)["use"] == 3


def test_save_page_refuses_another_responses_state(store) -> None:
    make_survey(store)
    first, second = store.issue_codes("tiny-2024", 2)
    rid = store.begin("tiny-2024", code=first).id
    other = store.begin("tiny-2024", code=second).id
    with pytest.raises(ValueError):
        store.save_page(rid, "use", {"use": 1}, store.response_state(other))
    assert store.answers(rid) == {} and store.answers(other) == {}


def test_begin_with_the_survey_just_read(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1, tags={"school": "Skolan A"})
    survey = store.survey("tiny-2024")
    handle = store.begin("tiny-2024", code=code, survey=survey)
    assert handle.created and handle.group_values == {"school": "Skolan A"}
    assert store.answers(handle.id) == {"school": 1}
    again = store.begin("tiny-2024", code=code, survey=survey)  # another device
    assert (again.id, again.created) == (handle.id, False)
    with pytest.raises(ValueError):
        store.begin("another-survey", code=code, survey=survey)
    store.set_open("tiny-2024", False)
    with pytest.raises(st.SurveyClosed):
        store.begin("tiny-2024", code=code, survey=store.survey("tiny-2024"))
