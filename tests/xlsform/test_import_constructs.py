"""Importing an XLSForm that uses every supported construct gives the expected instrument."""
from __future__ import annotations

from pathlib import Path

from surveys.xlsform import import_xlsform
from tests.xlsform.workbook import CHOICES_HEADER, SETTINGS, SURVEY_HEADER, row, write_form


def _form(tmp_path: Path) -> Path:
    survey = [
        SURVEY_HEADER,
        row("begin group", "about", "Om dig", "About you", appearance="field-list"),
        row("note", "about_note", "Svara ärligt.", "Answer honestly."),
        row("select_one yn", "smoke", "Röker du?", "Do you smoke?", hint_sv="Välj ett", hint_en="Pick one",
            required="yes"),
        row("integer", "age", "Ålder", "Age", required="no", constraint=". >= 10 and . <= 20",
            message_sv="Mellan 10 och 20", message_en="Between 10 and 20"),
        row("select_multiple what or_other", "what", "Vad?", "What?", relevant="${smoke} = '1'"),
        row("text", "why", "Varför?", "Why?", relevant="selected(${what}, 'b') and not(${age} > 15)",
            constraint="string-length(.) <= 200", appearance="multiline"),
        row("end group"),
        row("begin group", "later", "Sedan", "Later", relevant="${age} >= 18 or ${smoke} != '1'"),
        row("select_one what or_other", "pick", "Välj", "Pick"),
        row("end group"),
    ]
    choices = [CHOICES_HEADER, ["yn", 1, "Ja", "Yes"], ["yn", 2, "Nej", "No"],
               ["what", "a", "A-sv", "A-en"], ["what", "b", "B-sv", "B-en"]]
    return write_form(tmp_path / "form.xlsx", survey, choices, SETTINGS)


def test_every_supported_construct(tmp_path: Path) -> None:
    result = import_xlsform(_form(tmp_path))
    doc = result.document
    assert doc["id"] == "testform" and doc["version"] == "2026.1"
    assert doc["title"] == {"sv": "Testenkät"} and doc["languages"] == ["sv", "en"]
    about, later = doc["pages"]
    assert about["id"] == "about" and about["title"] == {"sv": "Om dig", "en": "About you"}
    assert about["intro"] == {"sv": "Svara ärligt.", "en": "Answer honestly."}
    smoke, age, what, what_other, why = about["items"]
    assert smoke == {"id": "smoke", "kind": "single", "scale": "yn", "required": True,
                     "text": {"sv": "Röker du?", "en": "Do you smoke?"},
                     "help": {"sv": "Välj ett", "en": "Pick one"}}
    assert age == {"id": "age", "kind": "number", "required": False, "min": 10, "max": 20,
                   "text": {"sv": "Ålder", "en": "Age"},
                   "constraint_message": {"sv": "Mellan 10 och 20", "en": "Between 10 and 20"}}
    # or_other: a scale with the list plus "other" (99) and a text question <name>_other
    assert what["scale"] == "what_multi_or_other" and what["kind"] == "multi"
    assert what["show_if"] == {"item": "smoke", "in": [1]}
    assert doc["response_scales"]["what_multi_or_other"]["options"][-1] == {
        "code": 99, "label": {"sv": "Annat", "en": "Other"}, "other": True}
    assert what_other == {"id": "what_other", "kind": "text", "show_if": {"item": "what", "in": [99]},
                          "text": {"sv": "Ange annat", "en": "Please specify"}}
    # names coded 1..n in list order: a=1, b=2; "not(age > 15)" over 10..20 = not_in 16..20
    assert why["show_if"] == {"all_of": [{"item": "what", "in": [2]},
                                         {"item": "age", "not_in": [16, 17, 18, 19, 20]}]}
    assert why["max_length"] == 200 and why["multiline"] is True
    assert later["show_if"] == {"any_of": [{"item": "age", "in": [18, 19, 20]}, {"item": "smoke", "not_in": [1]}]}
    pick, pick_other = later["items"]
    # select_one or_other: the other option is plain (single items take no free-text flag)
    assert doc["response_scales"]["what_or_other"]["options"][-1] == {
        "code": 99, "label": {"sv": "Annat", "en": "Other"}}
    assert pick["scale"] == "what_or_other" and pick_other["show_if"] == {"item": "pick", "in": [99]}
    assert [str(n).split(": ", 1)[1] for n in result.notes] == [
        "note: the choices of list 'what' are not whole numbers; they are coded 1..n in list order (a=1, b=2)"]
    # the YAML written is a valid instrument with the same content
    inst = result.instrument
    assert inst.item("age").constraint_message.get("en") == "Between 10 and 20"
    assert inst.item("why").show_if.evaluate({"what": [2], "age": 12})
    assert not inst.item("why").show_if.evaluate({"what": [2], "age": 16})


def test_plain_label_column_is_the_default_language(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "label::English (en)"], ["text", "q1", "Fråga", "Question"]]
    path = write_form(tmp_path / "plain.xlsx", survey, settings=[["form_id", "version"], ["plain", "1"]])
    doc = import_xlsform(path).document
    assert doc["pages"][0]["items"][0]["text"] == {"sv": "Fråga", "en": "Question"}
    # questions outside any group make a page titled like the form
    assert doc["pages"][0]["id"] == "page_1" and doc["pages"][0]["title"] == {"sv": "plain"}


def test_scoring_sheet_carries_scales_shares_and_settings(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "group"], ["begin group", "p", "Sida"],
              ["select_one agree", "a1", "Påstående 1"], ["select_one agree", "a2", "Påstående 2"],
              ["select_one sex", "gender", "Kön", "gender"], ["end group"]]
    choices = [["list_name", "name", "label"], ["agree", 1, "Nej"], ["agree", 2, "Kanske"], ["agree", 3, "Ja"],
               ["agree", 9, "Vet inte"], ["sex", 1, "Flicka"], ["sex", 2, "Pojke"]]
    scoring = [["type", "name", "label", "value", "item", "items", "reversed", "min_answered", "codes",
                "missing_codes", "numeric", "baseline", "baseline_year", "target"],
               ["setting", "suppression_min_n", None, 7],
               ["setting", "provenance", None, "Testdata"],
               ["response_scale", "agree", None, None, None, None, None, None, None, "9", "yes"],
               ["scale", "att", "Attityd", None, None, "a1 a2", "a2", 1, None, None, None, 2.5, 2014, 2.8],
               ["share", "yes_a1", "Ja på 1", None, "a1", None, None, None, "3", None, None, 0.4]]
    path = write_form(tmp_path / "s.xlsx", survey, choices, [["form_id", "version"], ["scored", "2"]], scoring)
    result = import_xlsform(path)
    doc = result.document
    assert doc["suppression_min_n"] == 7 and doc["provenance"] == "Testdata"
    assert doc["response_scales"]["agree"]["missing_codes"] == [9] and doc["response_scales"]["agree"]["numeric"]
    assert doc["scales"]["att"] == {"label": {"sv": "Attityd"}, "items": ["a1", "a2"], "reversed": ["a2"],
                                    "min_answered": 1, "baseline": {"value": 2.5, "year": 2014},
                                    "target": {"value": 2.8}}
    assert doc["shares"]["yes_a1"] == {"label": {"sv": "Ja på 1"}, "item": "a1", "codes": [3],
                                       "baseline": {"value": 0.4}}
    assert doc["pages"][0]["items"][2]["group"] == "gender"
    assert result.instrument.scales["att"].response_max == 3


def test_notes_only_group_first_is_the_welcome_text(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["begin group", "intro", "Välkommen"],
              ["note", "n1", "Enkäten är anonym."], ["note", "n2", "Det tar fem minuter."], ["end group"],
              ["begin group", "p", "Frågor"], ["text", "q", "Fråga"], ["end group"]]
    path = write_form(tmp_path / "w.xlsx", survey, settings=[["form_id", "version"], ["w", "1"]])
    doc = import_xlsform(path).document
    assert doc["description"] == {"sv": "Enkäten är anonym.\n\nDet tar fem minuter."}
    assert [p["id"] for p in doc["pages"]] == ["p"]
