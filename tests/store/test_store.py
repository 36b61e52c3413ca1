"""Store round trip on SQLite and PostgreSQL (the ``store`` fixture runs both)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from surveys import store as st
from surveys.models import AccessCode, Answer, Response

from .tiny_instrument import SCHOOLS, SOURCE_YAML, make_survey, tiny_instrument


def test_instrument_registration_is_idempotent(store) -> None:
    inst = tiny_instrument()
    assert store.register_instrument(inst, SOURCE_YAML) == inst.sha256
    assert store.register_instrument(inst, SOURCE_YAML) == inst.sha256
    infos = store.instruments()
    assert [(i.sha256, i.instrument_id, i.version) for i in infos] == [(inst.sha256, "tiny", "1")]
    assert store.instrument_source(inst.sha256) == SOURCE_YAML
    assert store.instrument(inst.sha256) is inst
    with pytest.raises(st.UnknownInstrument):
        store.instrument_source("0" * 64)


def test_survey_create_list_open_close(store) -> None:
    info = make_survey(store, is_open=False)
    assert (info.slug, info.label, info.mode, info.is_open) == ("tiny-2024", "2024", "codes", False)
    assert info.presets == {"school": SCHOOLS}
    assert info.instrument_id == "tiny"
    assert isinstance(info.created_on, dt.date) and not isinstance(info.created_on, dt.datetime)
    store.set_open("tiny-2024", True)
    assert store.survey("tiny-2024").is_open is True
    assert [s.slug for s in store.surveys()] == ["tiny-2024"]
    with pytest.raises(st.SurveyExists, match="already exists"):
        make_survey(store)
    with pytest.raises(st.UnknownSurvey, match="no survey 'nope'"):
        store.survey("nope")
    with pytest.raises(st.UnknownSurvey):
        store.set_open("nope", True)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"slug": "Bad Slug"}, "lower-case"),
        ({"mode": "paper"}, "'codes' or 'open'"),
        ({"presets": {}}, "preset list for group 'school'"),
        ({"presets": {"school": ["A", "A"]}}, "twice"),
        ({"instrument_sha256": "f" * 64}, "no instrument version"),
    ],
)
def test_create_survey_refuses_bad_input(store, kwargs, message) -> None:
    inst = tiny_instrument()
    store.register_instrument(inst, SOURCE_YAML)
    args = dict(slug="w", instrument_sha256=inst.sha256, label="L", mode="codes", presets={"school": SCHOOLS})
    args.update(kwargs)
    with pytest.raises(st.StoreError, match=message):
        store.create_survey(**args)
    assert store.surveys() == []


def test_round_trip_with_codes(store) -> None:
    make_survey(store)
    codes = store.issue_codes("tiny-2024", 5, tags={"school": "Skolan B", "class": "9A"})
    assert len(set(codes)) == 5

    handle = store.begin("tiny-2024", code=codes[0].lower().replace("-", " "))
    assert handle.created and handle.status == "in_progress"
    assert handle.group_values == {"school": "Skolan B", "class": "9A"}
    # the school tag pre-fills the preset item with its position in the list
    assert store.answers(handle.id) == {"school": 2}

    store.save_page(handle.id, "about", {"grade": 1, "gender": 2})
    store.save_page(
        handle.id,
        "use",
        {"use": 3, "use_first_age": 15, "themes": [3, 1], "themes_other": "  parken ", "comment": "Hej"},
    )
    store.save_page(handle.id, "attitudes", {"att01": 6, "att02": 1, "att03": None})
    expected = {
        "school": 2,
        "grade": 1,
        "gender": 2,
        "use": 3,
        "use_first_age": 15,
        "themes": [3, 1],
        "themes_other": "parken",
        "comment": "Hej",
        "att01": 6,
        "att02": 1,
    }
    assert store.answers(handle.id) == expected
    assert store.response(handle.id).last_page == "attitudes"

    assert store.submit(handle.id) is True
    records = store.wave_records("tiny-2024")
    assert len(records) == 1
    record = records[0]
    assert record.pop("groups") == {"school": "Skolan B", "class": "9A", "grade": "åk 9", "gender": "pojke"}
    assert record.pop("submitted_on") == dt.date.today()
    assert record == expected


def test_hidden_items_are_cleared_when_a_page_is_saved_again(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1)
    rid = store.begin("tiny-2024", code=code).id
    store.save_page(rid, "use", {"use": 2, "use_first_age": 14})
    # the respondent goes back and says "never": the follow-up is not posted
    store.save_page(rid, "use", {"use": 1})
    assert store.answers(rid) == {"use": 1}


def test_resume_returns_the_same_response_and_earlier_answers(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1, tags={"school": "Skolan C"})
    first = store.begin("tiny-2024", code=code)
    store.save_page(first.id, "about", {"grade": 4, "gender": 1})
    store.save_page(first.id, "use", {"use": 1})
    again = store.begin("tiny-2024", code=code.replace("-", ""))  # another device
    assert again.id == first.id and not again.created
    assert again.last_page == "use"
    assert store.answers(again.id) == {"school": 3, "grade": 4, "gender": 1, "use": 1}


def test_unknown_and_spent_codes(store) -> None:
    make_survey(store)
    make_survey(store, slug="other-wave")
    [code] = store.issue_codes("tiny-2024", 1)
    [foreign] = store.issue_codes("other-wave", 1)
    for bad in (None, "", "not a code", "ABCD-EFG0", foreign):
        with pytest.raises(st.UnknownCode, match="unknown code"):
            store.begin("tiny-2024", code=bad)
    rid = store.begin("tiny-2024", code=code).id
    store.save_page(rid, "use", {"use": 4})
    assert store.submit(rid) is True
    with pytest.raises(st.CodeSpent, match="already been used"):
        store.begin("tiny-2024", code=code)


def test_closed_survey_and_unknown_slug(store) -> None:
    make_survey(store, is_open=False)
    [code] = store.issue_codes("tiny-2024", 1)
    with pytest.raises(st.SurveyClosed, match="closed"):
        store.begin("tiny-2024", code=code)
    with pytest.raises(st.UnknownSurvey):
        store.begin("nope", code=code)


def test_open_link_mode_resume_token(store) -> None:
    make_survey(store, slug="open-wave", mode="open")
    with pytest.raises(st.InvalidSurvey, match="open link"):
        store.issue_codes("open-wave", 3)
    a = store.begin("open-wave")
    assert a.created and a.resume_token
    store.save_page(a.id, "about", {"school": 1, "grade": 2})
    again = store.begin("open-wave", resume_token=a.resume_token)
    assert again.id == a.id and again.resume_token is None
    assert store.answers(a.id) == {"school": 1, "grade": 2}
    other = store.begin("open-wave", resume_token="forged-token")
    assert other.created and other.id != a.id
    assert store.submit(a.id) is True
    # after submission the token is forgotten: it starts a fresh response
    fresh = store.begin("open-wave", resume_token=a.resume_token)
    assert fresh.id not in (a.id, other.id)


@pytest.mark.parametrize(
    "page, values, message",
    [
        ("use", {"use": 9}, "'use': 9 is not one of its response codes"),
        ("use", {"use": "2"}, "not one of its response codes"),
        ("use", {"use": True}, "not one of its response codes"),
        ("use", {"use_first_age": 9}, "outside 10-20"),
        ("use", {"themes": [1, 7]}, "7 is not one of"),
        ("use", {"themes": 1}, "list of response codes"),
        ("use", {"comment": "x" * 51}, "longer than 50"),
        ("use", {"comment": 5}, "expected a text"),
        ("use", {"att01": 3}, "'att01' is not on page 'use'"),
        ("about", {"school": 4}, "not one of its response codes"),
        ("nowhere", {}, "unknown page 'nowhere'"),
        ("p" * 300, {}, "unknown page 'ppp"),  # longer than the last_page column
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_lost(store, page, values, message) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1)
    rid = store.begin("tiny-2024", code=code).id
    store.save_page(rid, "about", {"school": 1, "grade": 2, "gender": 3})
    store.save_page(rid, "use", {"use": 2, "use_first_age": 13, "comment": "ok"})
    before = store.answers(rid)
    with pytest.raises(st.InvalidAnswer, match=message):
        store.save_page(rid, page, values)
    assert store.answers(rid) == before
    assert store.response(rid).last_page == "use"  # the refused save moved nothing


def test_save_after_submit_is_refused_and_nothing_lost(store) -> None:
    make_survey(store)
    [code] = store.issue_codes("tiny-2024", 1)
    rid = store.begin("tiny-2024", code=code).id
    store.save_page(rid, "use", {"use": 1, "themes": [2]})
    assert store.submit(rid) is True
    assert store.submit(rid) is False
    with pytest.raises(st.AlreadySubmitted, match="already been submitted"):
        store.save_page(rid, "use", {"use": 4})
    with pytest.raises(st.AlreadySubmitted):
        store.save_page(rid, "attitudes", {"att01": 2})
    assert store.answers(rid) == {"use": 1, "themes": [2]}
    with pytest.raises(st.UnknownResponse):
        store.submit("00000000-0000-0000-0000-000000000000")
    with pytest.raises(st.UnknownResponse):
        store.answers("nope")


def test_privacy_after_submit(store) -> None:
    make_survey(store)
    codes = store.issue_codes("tiny-2024", 2, tags={"school": "Skolan A"})
    rid = store.begin("tiny-2024", code=codes[0]).id
    started = store.begin("tiny-2024", code=codes[1]).id
    with store.engine.connect() as conn:
        assert conn.scalar(select(AccessCode.response_id).where(AccessCode.response_id == rid)) == rid
    store.save_page(rid, "use", {"use": 1})
    store.submit(rid)
    with store.engine.connect() as conn:
        links = conn.execute(select(AccessCode.status, AccessCode.response_id)).all()
        resp = conn.execute(select(Response).where(Response.id == rid)).mappings().one()
        stored_hashes = conn.scalars(select(AccessCode.code_hash)).all()
    # the spent code keeps no link; the in-progress one still points at its response
    assert sorted(links, key=lambda r: r.status) == [("spent", None), ("started", started)]
    assert resp["resume_hash"] is None
    assert type(resp["started_on"]) is dt.date and type(resp["submitted_on"]) is dt.date
    # codes are stored only as keyed hashes, never in clear (normalised or not)
    for code in codes:
        assert all(code not in h and code.replace("-", "") not in h for h in stored_hashes)


#: Times of staff actions, not of respondents: when an analyst account may
#: log in again, and when an analyst did something (the audit log, to the
#: minute, as issue 14 asks). No respondent table is among them.
STAFF_TIMES = {("users", "locked_until"), ("audit_log", "at")}


def test_no_column_can_hold_ip_user_agent_or_time_of_day(store) -> None:
    from sqlalchemy import DateTime, inspect

    from surveys.models import Base

    for table in Base.metadata.tables.values():
        for column in table.columns:
            name = column.name.lower()
            assert not any(bad in name for bad in ("ip", "agent", "addr", "_at", "time")), column
            if (table.name, column.name) not in STAFF_TIMES:
                assert not isinstance(column.type, DateTime), column
    insp = inspect(store.engine)
    for table in Base.metadata.tables:
        for column in insp.get_columns(table):
            if (table, column["name"]) not in STAFF_TIMES:
                assert "TIME" not in str(column["type"]).upper(), (table, column)
    assert {t for t, _c in STAFF_TIMES}.isdisjoint({"responses", "answers", "access_codes", "surveys"})


def test_progress_counts_per_group(store) -> None:
    make_survey(store)
    a_codes = store.issue_codes("tiny-2024", 3, tags={"school": "Skolan A", "class": "9A"})
    b_codes = store.issue_codes("tiny-2024", 2, tags={"school": "Skolan B", "class": "9B"})
    r1 = store.begin("tiny-2024", code=a_codes[0]).id
    r2 = store.begin("tiny-2024", code=a_codes[1]).id
    r3 = store.begin("tiny-2024", code=b_codes[0]).id
    store.save_page(r1, "about", {"gender": 1})
    store.save_page(r3, "about", {"gender": 1})
    store.submit(r1)
    store.submit(r3)
    p = store.progress("tiny-2024")
    assert p["total"] == {"started": 3, "in_progress": 1, "submitted": 2}
    assert p["codes"] == {"unused": 2, "started": 1, "spent": 2, "issued": 5}
    assert p["groups"]["school"] == {
        "Skolan A": {"started": 2, "in_progress": 1, "submitted": 1},
        "Skolan B": {"started": 1, "in_progress": 0, "submitted": 1},
    }
    assert p["groups"]["class"]["9B"] == {"started": 1, "in_progress": 0, "submitted": 1}
    assert p["groups"]["gender"] == {"flicka": {"started": 2, "in_progress": 0, "submitted": 2}}
    assert r2  # started, never submitted
    batches = store.code_batches("tiny-2024")
    assert [(b.tags["class"], b.issued, b.unused, b.started, b.spent) for b in batches] == [
        ("9A", 3, 1, 1, 1),
        ("9B", 2, 1, 0, 1),
    ]


def test_wave_records_only_submitted_in_one_query(store) -> None:
    from sqlalchemy import event

    make_survey(store)
    codes = store.issue_codes("tiny-2024", 12)
    for i, code in enumerate(codes):
        rid = store.begin("tiny-2024", code=code).id
        store.save_page(rid, "attitudes", {"att01": 1 + i % 6, "att02": 2})
        if i % 3:
            store.submit(rid)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        records = store.wave_records("tiny-2024")
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(records) == 8
    assert sorted(r["att01"] for r in records) == sorted(1 + i % 6 for i in range(12) if i % 3)
    answer_queries = [s for s in statements if "answers" in s.lower()]
    assert len(answer_queries) == 1


def test_import_responses_bulk_and_all_or_nothing(store) -> None:
    make_survey(store)
    good = [
        {"school": 1 + i % 3, "use": 1 + i % 4, "themes": [1, 2], "att01": 4, "submitted_on": "2014-05-20"}
        for i in range(50)
    ]
    assert store.import_responses("tiny-2024", good) == 50
    bad = good[:3] + [{"use": 7}, {"nonsense": [1]}, {"submitted_on": "20 maj"}, {"grade": 0}]
    with pytest.raises(st.InvalidRecords) as err:
        store.import_responses("tiny-2024", bad)
    assert err.value.errors == [
        "record 4: item 'use': 7 is not one of its response codes",
        "record 5: 'nonsense': not an item of tiny",
        "record 6: submitted_on: Invalid isoformat string: '20 maj'",
        "record 7: item 'grade': 0 is not one of its response codes",
    ]
    assert str(err.value) == "record 4: item 'use': 7 is not one of its response codes (and 3 more)"
    records = store.wave_records("tiny-2024")
    assert len(records) == 50  # nothing of the bad batch
    assert {r["submitted_on"] for r in records} == {dt.date(2014, 5, 20)}
    assert sum(r["groups"]["school"] == "Skolan A" for r in records) == 17
    with store.engine.connect() as conn:
        assert conn.scalar(select(Answer.id).where(Answer.item_id == "nonsense")) is None


def test_import_accepts_group_labels_and_extra_columns(store) -> None:
    make_survey(store)
    rows = [
        {"school": "skolan c", "grade": "gy 2", "class": "9A", "use": 1},  # labels, any case
        {"school": "Gamla skolan", "gender": 2, "year": 2014},  # not in the wave's list
        {"groups": {"area": "Årby"}, "att01": 3},
    ]
    assert store.import_responses("tiny-2024", rows) == 3
    by_use = {r.get("use", r.get("att01")): r for r in store.wave_records("tiny-2024")}
    first = by_use[1]
    assert (first["school"], first["grade"]) == (3, 3)
    assert first["groups"] == {"school": "Skolan C", "grade": "gy 2", "class": "9A"}
    recs = store.wave_records("tiny-2024")
    old = next(r for r in recs if r.get("gender") == 2)
    assert "school" not in old
    # "year" and "area" are no declared groups of tiny: never stored with the answers
    assert old["groups"] == {"school": "Gamla skolan", "gender": "pojke"}
    assert next(r for r in recs if r.get("att01") == 3)["groups"] == {}
