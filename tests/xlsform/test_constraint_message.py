"""An XLSForm's constraint_message reaches the respondent: the page form of a
number item shows it (in the page's language) for an answer out of range."""
from __future__ import annotations

from pathlib import Path

from werkzeug.datastructures import MultiDict

from surveys.xlsform import import_xlsform
from tests.xlsform.workbook import SETTINGS, SURVEY_HEADER, row, write_form


def test_constraint_message_is_the_field_error(tmp_path: Path) -> None:
    from surveys import db
    from webapp import create_app
    from webapp.forms import Question, build_form

    survey = [SURVEY_HEADER,
              row("integer", "age", "Ålder", "Age", constraint=". >= 10 and . <= 20",
                  message_sv="Skriv en ålder mellan 10 och 20", message_en="Write an age from 10 to 20"),
              row("integer", "year", "År", "Year", constraint=". >= 2000 and . <= 2030")]
    inst = import_xlsform(write_form(tmp_path / "f.xlsx", survey, settings=SETTINGS)).instrument
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    db.upgrade(url, "head")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x" * 32, "TESTING": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    questions = [Question(inst.item("age"), ()), Question(inst.item("year"), ())]
    with app.test_request_context("/"):
        for lang, message in (("sv", "Skriv en ålder mellan 10 och 20"), ("en", "Write an age from 10 to 20")):
            form = build_form(questions, lang, formdata=MultiDict({"age": "25", "year": "1999"}))
            assert not form.validate()
            assert form.errors["age"] == [message]
            assert form.errors["year"] != [message] and "2000" in str(form.errors["year"][0])
        form = build_form(questions, "sv", formdata=MultiDict({"age": "15", "year": "2020"}))
        assert form.validate()
