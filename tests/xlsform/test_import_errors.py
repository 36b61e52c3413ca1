"""Every refusal of an XLSForm is one exact line FILE:SHEET:ROW:COLUMN: message."""
from __future__ import annotations

from pathlib import Path

import pytest

from surveys.xlsform import XLSFormError, import_xlsform
from tests.xlsform.workbook import write_form

CHOICES = [["list_name", "name", "label"], ["yn", 1, "Ja"], ["yn", 2, "Nej"]]
SETTINGS = [["form_id", "version"], ["errs", "1"]]


def _problems(tmp_path: Path, survey, choices=CHOICES, settings=SETTINGS, scoring=None) -> list[str]:
    path = write_form(tmp_path / "f.xlsx", survey, choices, settings, scoring)
    with pytest.raises(XLSFormError) as err:
        import_xlsform(path)
    prefix = f"{path}:"
    lines = [str(p) for p in err.value.problems]
    assert all(line.startswith(prefix) for line in lines)
    return [line[len(prefix):] for line in lines]


HEADER = ["type", "name", "label", "relevant", "constraint", "required"]

CASES = [
    ("unsupported type", [["date", "d", "Datum"]],
     ["survey:2:type: 'date' is not a supported type; supported: text, integer, decimal, select_one LIST, "
      "select_multiple LIST (each may end in or_other), note, begin group, end group"]),
    ("decimal constraint form", [["decimal", "d", "Längd", None, ". > 1 or . < 0.5"]],
     ["survey:2:constraint: a decimal constraint must look like . >= 0.5 and . <= 2.5"]),
    ("decimal places in bounds", [["decimal", "d", "Längd", None, ". >= 0.0001 and . <= 2"]],
     ["survey:2:constraint: the bounds have 4 decimal places; at most 3 are supported"]),
    ("decimal in condition", [["decimal", "d", "Längd", None, ". >= 0.5 and . <= 2.5"],
                              ["text", "b", "B", "${d} > 1"]],
     ["survey:3:relevant: ${d} is a decimal question; conditions can only use choice and integer questions"]),
    ("repeat", [["begin repeat", "r", "Upprepa"], ["text", "t", "T"], ["end repeat"]],
     ["survey:2:type: 'begin repeat' is not supported: a questionnaire here has no repeats; ask each question once",
      "survey:4:type: 'end repeat' is not supported: a questionnaire here has no repeats; ask each question once"]),
    ("unknown list", [["select_one colours", "c", "Färg"]],
     ["survey:2:type: there is no list 'colours' on the choices sheet"]),
    ("bad name", [["text", "Q 1", "Fråga"]],
     ["survey:2:name: the name 'Q 1' must be lower-case letters, digits and _, starting with a letter (e.g. q1)"]),
    ("duplicate name", [["text", "q1", "A"], ["text", "q1", "B"]],
     ["survey:3:name: the name 'q1' is also used on row 2; names must be unique"]),
    ("no label", [["text", "q1", None]], ["survey:2:label: question 'q1' has no label (its text)"]),
    ("relevant syntax", [["select_one yn", "a", "A"], ["text", "b", "B", "${a} == '1'"]],
     ["survey:3:relevant: expected a value such as 'x' or 10 at character 7, found '='; write conditions like "
      "${q} = 'x', selected(${q}, 'x'), ${n} >= 10, joined with and / or / not(...)"]),
    ("relevant later question", [["text", "b", "B", "${a} = '1'"], ["select_one yn", "a", "A"]],
     ["survey:2:relevant: ${a} is not a question before this row (a condition can only use earlier questions)"]),
    ("relevant unknown choice", [["select_one yn", "a", "A"], ["text", "b", "B", "${a} = 'maybe'"]],
     ["survey:3:relevant: 'maybe' is not a choice of ${a} (choices: '1', '2')"]),
    ("relevant function", [["select_one yn", "a", "A"], ["text", "b", "B", "count-selected(${a}) > 1"]],
     ["survey:3:relevant: 'count-selected' is not supported (character 1); write conditions like ${q} = 'x', "
      "selected(${q}, 'x'), ${n} >= 10, joined with and / or / not(...)"]),
    ("curly quotes", [["select_one yn", "a", "A"], ["text", "b", "B", "${a} = \u20181\u2019"]],
     ["survey:3:relevant: the quote \u2018 at character 8 is a typographic quote; write straight quotes ' "
      "(Excel's autocorrect makes them curly)"]),
    ("constraint form", [["integer", "n", "Tal", None, ". * 2 < 10"]],
     ["survey:2:constraint: cannot read '* 2 < 10' at character 3; write conditions like ${q} = 'x', "
      "selected(${q}, 'x'), ${n} >= 10, joined with and / or / not(...)"]),
    ("constraint on choice", [["select_one yn", "a", "A", None, ". = '1'"]],
     ["survey:2:constraint: only integer, decimal and text questions take a constraint here"]),
    ("required value", [["text", "q", "Q", None, None, "maybe"]], ["survey:2:required: 'maybe' is not yes or no"]),
    ("nested group", [["begin group", "p", "P"], ["begin group", "g", "G"], ["text", "q", "Q"], ["end group"],
                      ["end group"]],
     ["survey:3:type: groups inside groups are not supported: a group is one page; end the outer group first"]),
    ("group never ended", [["begin group", "p", "P"], ["text", "q", "Q"]],
     ["survey:2:type: this group is never ended: add a row 'end group'"]),
    ("end without begin", [["text", "q", "Q"], ["end group"]],
     ["survey:3:type: 'end group' without a 'begin group' above it"]),
    ("empty group", [["begin group", "p", "P"], ["end group"], ["text", "q", "Q"]],
     ["survey:2:type: group 'p' has no questions; a group is one page and needs at least one question "
      "(its notes become the page's introduction)"]),
    ("note condition on a later question", [["note", "n", "Obs", "${a} = '1'"], ["select_one yn", "a", "A"]],
     ["survey:2:relevant: ${a} is not a question before this row (a condition can only use earlier questions)"]),
    ("note condition on text", [["text", "q", "Q"], ["note", "n", "Obs", "${q} = 'x'"], ["text", "r", "R"]],
     ["survey:3:relevant: ${q} is a text question; conditions can only use choice and integer questions"]),
    ("empty type", [["", "q", "Q"]], ["survey:2:type: the type is empty; write e.g. text, integer or select_one LIST"]),
]


@pytest.mark.parametrize("rows,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_survey_sheet_problems(tmp_path: Path, rows, expected) -> None:
    assert _problems(tmp_path, [HEADER] + rows) == expected


def test_unsupported_column_and_setting(tmp_path: Path) -> None:
    survey = [HEADER + ["calculation"], ["text", "q", "Q", None, None, None, "1+1"]]
    settings = [["form_id", "version", "submission_url"], ["errs", "1", "https://example.org"]]
    assert _problems(tmp_path, survey, settings=settings) == [
        "settings:2:submission_url: the setting 'submission_url' is not supported; supported: default_language, "
        "form_id, form_title, version (delete the column)",
        "survey:2:calculation: the column 'calculation' is not supported; clear it or delete the column"]


def test_choice_problems(tmp_path: Path) -> None:
    choices = [["list_name", "name", "label"], ["yn", 1, "Ja"], ["yn", 1, "Nej"], ["yn", None, "X"],
               ["yn", 3, None]]
    assert _problems(tmp_path, [HEADER, ["select_one yn", "a", "A"]], choices) == [
        "choices:3:name: the choice name '1' appears twice in list 'yn'",
        "choices:4:name: the choice has no name (list 'yn'): give each choice a name such as 1, 2, 3",
        "choices:5:label: choice '3' of list 'yn' has no label"]


def test_language_problems(tmp_path: Path) -> None:
    survey = [["type", "name", "label::Klingon"], ["text", "q", "Q"]]
    assert _problems(tmp_path, survey, choices=None) == [
        "survey:1:label::Klingon: cannot tell the language of 'Klingon': write it as 'Name (code)', "
        "e.g. label::Svenska (sv) or label::English (en)",
        "survey:1:label: the form has no Swedish texts: add label::Svenska (sv) columns, or set default_language "
        "to Svenska (sv) in the settings sheet when the plain label column is in Swedish"]


def test_meaning_problems_point_at_the_cell(tmp_path: Path) -> None:
    """Problems found by the instrument checks are reported at the cell the field came from."""
    scoring = [["type", "name", "label", "items", "reversed", "min_answered"],
               ["scale", "s", "Skala", "a nope", "b", 5]]
    lines = _problems(tmp_path, [HEADER, ["select_one yn", "a", "A"], ["select_one yn", "b", "B"]],
                      scoring=scoring)
    assert lines == ["scoring:2:items: unknown item 'nope'", "scoring:2:reversed: item 'b' is not in this scale",
                     "scoring:2:min_answered: min_answered 5 is more than the 2 items of the scale"]


def test_not_a_workbook_and_no_survey_sheet(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello")
    with pytest.raises(XLSFormError) as err:
        import_xlsform(bad)
    assert [str(p) for p in err.value.problems] == [
        f"{bad}: cannot read the file (not an .xlsx workbook); save it from Excel as an Excel workbook (.xlsx)"]
    assert _problems(tmp_path, None, settings=SETTINGS) == [
        "survey: there is no sheet named 'survey'; an XLSForm has the sheets survey, choices and settings"]
