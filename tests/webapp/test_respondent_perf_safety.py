"""What the respondent path's shortcuts must not change, on SQLite and
PostgreSQL: the survey is cached per process and answering requests read its
``is_open`` together with the response row, so a survey closed (or reopened)
by another process is seen at once; a Flow shared between requests keeps
respondents apart."""
from __future__ import annotations

from respondent_support import Browser, first_answers, instrument_of

C = "/s/cannabis-2018"


def _answering(app, surveys, code: str) -> Browser:
    b = Browser(app)
    b.get(C + "/")
    b.post(C + "/", {"code": code})
    assert b.location == C + "/p/about_you", b.html
    return b


def _response_id(browser: Browser) -> str:
    with browser.client.session_transaction() as sess:
        return sess["responses"]["cannabis-2018"]


def test_close_by_another_process_is_seen_on_the_next_request(app, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    b = _answering(app, surveys, surveys.cannabis_codes[0])
    b.post(C + "/p/about_you", first_answers(inst, "about_you"))
    assert b.location == C + "/p/use"
    rid = _response_id(b)
    saved = surveys.store.answers(rid)

    # the test's own Store stands for another worker process or the CLI
    surveys.store.set_open("cannabis-2018", False)
    r = b.get(C + "/p/use")
    assert r.status_code == 403 and "Enkäten är stängd" in b.html
    r = b.post(C + "/p/use", first_answers(inst, "use", use=1), token=True)
    assert r.status_code == 403
    assert surveys.store.answers(rid) == saved  # nothing saved while closed
    r = b.post(C + "/submit", {})
    assert r.status_code == 403
    assert surveys.store.response(rid).status == "in_progress"
    for path in (C + "/resume", C + "/review"):
        assert b.get(path).status_code == 403

    surveys.store.set_open("cannabis-2018", True)
    r = b.get(C + "/p/use")
    assert r.status_code == 200 and 'name="use"' in b.html


def test_closed_welcome_and_code_entry_read_the_database(app, surveys):
    b = Browser(app)
    b.get(C + "/")  # the app now holds its copy of the survey (open)
    surveys.store.set_open("cannabis-2018", False)
    assert b.get(C + "/").status_code == 403
    surveys.store.set_open("cannabis-2018", True)
    b.get(C + "/")
    token = b.token()
    surveys.store.set_open("cannabis-2018", False)
    r = b.post(C + "/", {"code": surveys.cannabis_codes[1], "csrf_token": token})
    assert r.status_code == 403
    surveys.store.set_open("cannabis-2018", True)
    b.get(C + "/")
    b.post(C + "/", {"code": surveys.cannabis_codes[1]})
    assert b.location == C + "/p/about_you"


def test_shared_flow_keeps_code_answered_groups_per_respondent(app, surveys):
    # A tagged code answers the school question; an untagged one does not.
    # Both use the same process-wide Flow cache, interleaved.
    inst = instrument_of(surveys, "cannabis-2018")
    tagged = _answering(app, surveys, surveys.tagged_codes[0])
    plain = _answering(app, surveys, surveys.cannabis_codes[2])
    for _ in range(2):
        tagged.get(C + "/p/about_you")
        assert 'name="school"' not in tagged.html and 'name="grade"' not in tagged.html
        plain.get(C + "/p/about_you")
        assert 'name="school"' in plain.html and 'name="grade"' in plain.html
    plain.post(C + "/p/about_you", first_answers(inst, "about_you"))
    assert plain.location == C + "/p/use"
    tagged.post(C + "/p/about_you", {"gender": "2"})
    assert tagged.location == C + "/p/use"
    saved = surveys.store.answers(_response_id(tagged))
    assert (saved["school"], saved["grade"], saved["gender"]) == (3, 1, 2)  # Årbyskolan, grade 1: from the code
    assert surveys.store.answers(_response_id(plain))["school"] == 1
