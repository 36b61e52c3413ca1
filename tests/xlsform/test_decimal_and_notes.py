"""XLSForm ``decimal`` questions and notes with their own ``relevant``:
imported into decimal number items and conditional notes, exported into a
workbook pyxform converts without warnings (a ``decimal`` bind with the
constraint, a note with its relevant) and that imports back unchanged."""
from __future__ import annotations

from pathlib import Path

from surveys.xlsform import export_xlsform, import_xlsform
from tests.xlsform.workbook import SETTINGS, SURVEY_HEADER, row, write_form

CHOICES = [["list_name", "name", "label::Svenska (sv)", "label::English (en)"],
           ["yn", "yes", "Ja", "Yes"], ["yn", "no", "Nej", "No"]]


def _form(tmp_path: Path) -> Path:
    survey = [SURVEY_HEADER,
              row("begin group", "body", "Kropp", "Body"),
              row("decimal", "weight", "Vikt (kg)", "Weight (kg)", constraint=". >= 0.5 and . <= 2.5"),
              row("decimal", "height", "Längd (m)", "Height (m)", constraint=". > 0.5 and . < 2.5"),
              row("select_one yn", "smoker", "Röker du?", "Do you smoke?"),
              row("note", "smoke_note", "Nästa fråga gäller rökning", "The next question is about smoking",
                  relevant="selected(${smoker}, 'yes')"),
              row("integer", "cigs", "Antal per dag", "Per day", constraint=". >= 0 and . <= 80"),
              row("end group"),
              row("begin group", "more", "Mer", "More"),
              row("note", "not_smoker", "Bra!", "Good!", relevant="not(selected(${smoker}, 'yes'))"),
              row("text", "comment", "Kommentar", "Comment"),
              row("end group")]
    return write_form(tmp_path / "form.xlsx", survey, CHOICES, SETTINGS)


def test_decimal_and_conditional_notes_import(tmp_path: Path) -> None:
    result = import_xlsform(_form(tmp_path))
    inst = result.instrument
    weight, height = inst.item("weight"), inst.item("height")
    assert (weight.kind, weight.decimals, weight.min, weight.max) == ("number", 1, 0.5, 2.5)
    # strict bounds move one step of 0.1 inwards
    assert (height.decimals, height.min, height.max) == (1, 0.6, 2.4)
    assert weight.code_bounds == (5, 25) and weight.code_of("1,5") == 15 and weight.value_of(15) == 1.5
    body, more = inst.pages
    smoke_note, = body.notes
    assert smoke_note.after == "smoker" and smoke_note.text.get("en") == "The next question is about smoking"
    assert smoke_note.shown({"smoker": 1}) and not smoke_note.shown({"smoker": 2}) and not smoke_note.shown({})
    not_smoker, = more.notes
    assert not_smoker.after is None
    # ODK: not(selected(${smoker}, 'yes')) is true while smoker is unanswered; so here
    assert not_smoker.shown({}) and not_smoker.shown({"smoker": 2}) and not not_smoker.shown({"smoker": 1})


def test_export_converts_with_pyxform_and_imports_back(tmp_path: Path) -> None:
    from pyxform.xls2xform import convert

    first = import_xlsform(_form(tmp_path))
    out = tmp_path / "export.xlsx"
    out.write_bytes(export_xlsform(first.document))
    warnings: list[str] = []
    xform = convert(xlsform=str(out), warnings=warnings).xform
    assert warnings == []
    assert '<bind nodeset="/data/body/weight" type="decimal" constraint=". &gt;= 0.5 and . &lt;= 2.5"/>' in xform
    # choices are exported by their codes ('yes' is 1)
    assert ('<bind nodeset="/data/body/smoke_note" readonly="true()" type="string" '
            'relevant=" /data/body/smoker  = \'1\'"/>') in xform
    assert 'relevant="not( /data/body/smoker  = \'1\')"' in xform
    back = import_xlsform(out)
    assert back.document == first.document
    assert back.instrument.sha256 == first.instrument.sha256


def test_changed_decimal_places_are_an_options_change(tmp_path: Path) -> None:
    import copy

    from surveys.loader import instrument_from_document
    from surveys.versions import item_changes

    first = import_xlsform(_form(tmp_path)).document
    second = copy.deepcopy(first)
    weight = second["pages"][0]["items"][0]
    weight["decimals"] = 2
    old, new = instrument_from_document(first, "a"), instrument_from_document(second, "b")
    assert [(c.kind, c.item, c.detail) for c in item_changes(old, new)] == [("options", "weight", "decimals 1 -> 2")]
    assert old.answer_options("weight") != new.answer_options("weight")
    # a whole-number item's answer options are as before decimals existed
    assert old.answer_options("cigs") == ((0, {}), (80, {}))
