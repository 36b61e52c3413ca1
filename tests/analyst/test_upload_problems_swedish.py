"""Every problem line of an upload appears in Swedish in the Swedish
workspace: sheet errors, expression errors, meaning and schema problems of
an XLSForm, and the problems of a YAML file. The command line keeps the
English lines (``FILE:SHEET:ROW:COLUMN: message``)."""
from __future__ import annotations

import copy
import html
import io
import re
import tempfile
from pathlib import Path
from typing import Any

from .conftest import Client, csrf_token

#: Words of English sentences that no Swedish problem line holds outside quoted values.
ENGLISH = re.compile(r"\b(is|are|the|must|not|only|write|cannot|needs|has|have|use|there|should)\b")


def _upload(c: Client, name: str, data: bytes) -> list[str]:
    page = c.get("/analyst/instruments/").get_data(as_text=True)
    r = c.client.post("/analyst/instruments/upload", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert r.status_code == 400
    return [html.unescape(line) for line in re.findall(r"<code>(.*?)</code>", r.get_data(as_text=True))]


def _message(line: str, location: str) -> str:
    """The message part of a line, quoted values and ${...} references removed."""
    assert line.startswith(location + ": "), (line, location)
    text = line[len(location) + 2:]
    # quoted values, ${refs}, XLSForm syntax (not(...), string-length(.)) and column names are not sentences
    return re.sub(r"'[^']*'|\$\{[^}]*\}|\S*\(\.\)\S*|\bnot\(\S*|\b[a-z_]+\b(?==)|[a-z]+_[a-z_]+", "", text)


def _check_swedish(c: Client, name: str, data: bytes) -> list[str]:
    """Upload ``data``; every problem the CLI words in English is one Swedish line."""
    from surveys.xlsform import XLSFormError, import_xlsform_bytes

    try:
        import_xlsform_bytes(data, name)
    except XLSFormError as err:
        problems = err.problems
    else:
        raise AssertionError("the file imports")
    lines = _upload(c, name, data)
    assert len(lines) == len(problems), (lines, [str(p) for p in problems])
    for line, problem in zip(lines, problems):
        assert str(problem) != line, f"left in English: {line}"
        message = _message(line, problem.location())
        assert not ENGLISH.search(message), f"English left in: {line}"
    return lines


def _form(tmp: Path, name: str, survey: list[list[Any]], choices: list[list[Any]] | None = None,
          scoring: list[list[Any]] | None = None, settings: list[list[Any]] | None = None) -> bytes:
    from tests.xlsform.workbook import write_form

    return write_form(tmp / name, survey, choices, settings or [["form_id", "version"], ["probe", "1"]],
                      scoring).read_bytes()


CHOICES = [["list_name", "name", "label"], ["yn", "1", "Ja"], ["yn", "2", "Nej"]]


def test_sheet_and_expression_problems_are_swedish(env, logged_in) -> None:
    admin = logged_in("admin")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        sheets = _form(tmp, "sheets.xlsx", [
            ["type", "name", "label", "label::Klingon", "decimals", "type"],
            ["date", "when", "När?"],
            ["begin repeat", "r", "Upprepa"],
            ["end repeat"],
            ["text", "Q 1", "Fråga"],
            ["text", "q2", None],
            ["text", "q3", "A"], ["text", "q3", "B"],
            ["select_one colours", "c", "Färg"],
            ["decimal", "d", "Längd", None, "7"],
            ["select_one yn", "s", "Val", None, None, None],
            ["text", "t", "T", None, None, None],
            ["", "e", "E"],
            ["end group"],
        ], CHOICES + [["yn", "1", "Igen"]], scoring=[["type", "name", "bogus"], ["frobnicate", "x", 1]])
        lines = _check_swedish(admin, "sheets.xlsx", sheets)
        assert "sheets.xlsx:survey:2:type: 'date' är ingen typ som stöds; använd text, integer, decimal, " \
               "select_one LISTA, select_multiple LISTA (båda kan sluta med or_other), note, begin group eller " \
               "end group." in lines
        assert "sheets.xlsx:survey:10:decimals: '7' är inget antal decimaler; skriv 1, 2 eller 3." in lines

        expressions = _form(tmp, "expr.xlsx", [
            ["type", "name", "label", "relevant", "constraint"],
            ["select_one yn", "a", "A"],
            ["integer", "n", "Tal", None, ". * 2 < 10"],
            ["decimal", "d", "Längd", None, ". > 1 or . < 0.5"],
            ["decimal", "w", "Vikt", None, ". >= 0.5 and . <= 2.5"],
            ["text", "b", "B", "${a} == '1'"],
            ["text", "c", "C", "${later} = '1'"],
            ["text", "e", "E", "${w} > 1"],
            ["text", "f", "F", "${b} = 'x'"],
            ["text", "g", "G", "${a} = \u20181\u2019"],
            ["text", "h", "H", "count-selected(${a}) > 1"],
            ["text", "i", "I", "${a} = 'maybe'"],
            ["note", "nn", "Obs", "${a} > 1"],
            ["select_one yn", "k", "K", None, ". = '1'"],
            ["select_one yn", "later", "L"],
        ], CHOICES)
        lines = _check_swedish(admin, "expr.xlsx", expressions)
        assert "expr.xlsx:survey:8:relevant: ${w} är en decimalfråga; villkor kan bara använda flervals- och " \
               "heltalsfrågor." in lines


def test_meaning_and_schema_problems_are_swedish(env, logged_in) -> None:
    from surveys.loader import instruments_dir, parse_document
    from surveys.xlsform import export_xlsform

    admin = logged_in("admin")
    path = instruments_dir() / "cannabis-attityd.yaml"
    doc = parse_document(path.read_text(encoding="utf-8"), str(path))[0]
    broken = copy.deepcopy(doc)
    broken["scales"]["restrictive"]["reversed"] = ["att02", "nope"]
    broken["scales"]["restrictive"]["baseline"]["value"] = 9.5
    broken["scales"]["restrictive"]["min_answered"] = 40
    lines = _check_swedish(admin, "broken.xlsx", export_xlsform(broken))
    assert "broken.xlsx:scoring:17:reversed: Frågan 'nope' ingår inte i den här skalan." in lines

    # a YAML file: the schema's problems, then (once the shape is right) the meaning checks'
    lines = _upload(admin, "broken.yaml", b"id: x\nversion: '1'\nsuppression_min_n: nine\n")
    assert "broken.yaml:1: languages: Ett obligatoriskt fält saknas." in lines
    assert "broken.yaml:3: suppression_min_n: Måste vara ett heltal, inte 'nine'." in lines
    text = path.read_text(encoding="utf-8").replace("reversed: [", "reversed: [nope, ", 1)
    lines = _upload(admin, "meaning.yaml", text.encode())
    assert lines and all(not ENGLISH.search(_message(line, line.split(": ")[0] + ": " + line.split(": ")[1]))
                         for line in lines), lines
    assert any("Frågan 'nope' ingår inte i den här skalan." in line for line in lines)


def test_command_line_keeps_english(tmp_path: Path) -> None:
    form = tmp_path / "f.xlsx"
    form.write_bytes(_form(tmp_path, "f.xlsx", [["type", "name", "label", "relevant"], ["decimal", "w", "Vikt"],
                                                 ["text", "b", "B", "${w} > 1"]]))
    from tests.xlsform.test_roundtrip_cli import run

    proc = run("import-xlsform", str(form), cwd=tmp_path)
    assert proc.returncode == 1
    assert f"{form}:survey:3:relevant: ${{w}} is a decimal question; conditions can only use choice and integer " \
           "questions" in proc.stderr.splitlines()
