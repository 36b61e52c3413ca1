"""Question blocks reused across requests (webapp.respondent.fragments):
every respondent still sees exactly their own answers, and nothing a
respondent typed is kept once the request is over."""
from __future__ import annotations

import re

from respondent_support import Browser, first_answers, instrument_of

C = "/s/cannabis-2018"
M = "/s/medborg-2018"


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="(?:radio|checkbox)" name="{name}" id="[^"]+" value="([^"]+)" checked', html)


def test_each_respondent_sees_only_their_own_choices(app, surveys):
    inst = instrument_of(surveys, "cannabis-2018")
    a, b = Browser(app), Browser(app)
    a.get(C + "/")
    a.post(C + "/", {"code": surveys.cannabis_codes[0]})
    b.get(C + "/")
    b.post(C + "/", {"code": surveys.cannabis_codes[1]})

    a.post(C + "/p/about_you", first_answers(inst, "about_you", school=2))
    a.get(C + "/p/about_you")
    assert checked(a.html, "school") == ["2"]

    b.get(C + "/p/about_you")  # the same page and language, nothing answered
    assert checked(b.html, "school") == []
    assert " checked" not in b.html

    a.post(C + "/p/about_you", first_answers(inst, "about_you", school=3))
    a.get(C + "/p/about_you")
    assert checked(a.html, "school") == ["3"]
    a.get(C + "/p/about_you?lang=en")
    assert checked(a.html, "school") == ["3"]
    assert '<html lang="en"' in a.html and "Which school do you attend?" in a.html


def test_errors_and_typed_text_are_shown_and_not_kept(app, surveys):
    from webapp.respondent import fragments

    b = Browser(app)
    b.get(M + "/")
    b.post(M + "/", {"code": surveys.medborg_codes[0]})
    secret = "Parkeringshuset vid torget 4711"
    too_long = secret + " " + "x" * 2000
    b.post(M + "/p/unsafe", {"unsafe_themes": ["3"], "unsafe_places": too_long, "action": "next"})
    assert b.status == 200 and b.location == M + "/p/unsafe"
    assert 'aria-invalid="true"' in b.html and too_long in b.html  # kept while fixing the error
    assert checked(b.html, "unsafe_themes") == ["3"]

    b.post(M + "/p/unsafe", {"unsafe_themes": ["99"], "unsafe_themes_other": "mörkret",
                            "unsafe_places": secret, "action": "next"})
    b.get(M + "/p/unsafe")
    assert secret in b.html and "mörkret" in b.html
    assert checked(b.html, "unsafe_themes") == ["99"]
    assert 'aria-invalid' not in b.html
    kept = " ".join(str(html) for _, html in fragments._BLOCKS.values())
    assert kept, "choice questions are kept"
    assert secret not in kept and "mörkret" not in kept


def test_saved_answers_hold_what_the_page_form_would(app, surveys):
    """A page shown on GET skips building the WTForms form: its stand-in
    must coerce saved values exactly as the form's fields do."""
    from webapp.forms import SavedAnswers, build_form
    from webapp.respondent.flow import Flow

    inst = instrument_of(surveys, "medborg-2018")
    flow = Flow(inst)
    samples = [None, 2, "3", [1, 99], ["4", "5"], "seven", 19, "svar", [], ""]
    with app.test_request_context("/"):
        for page in inst.pages:
            questions = flow.askable(page)
            names = flow.page_fields(questions)
            for i in range(len(samples)):
                values = {name: samples[(i + j) % len(samples)] for j, name in enumerate(names)}
                form = build_form(questions, "sv", data=values)
                saved = SavedAnswers(questions, values)
                for name in names:
                    assert saved[name].data == form[name].data, (page.id, name, values[name])
                    assert saved[name].raw_data == form[name].raw_data
