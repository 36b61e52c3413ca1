"""A sheet whose dimension declares a million rows (a formatted, empty row at
1048576, as spreadsheet programs often save) is read by its stored rows only:
the import gives the same instrument as the plain file."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.styles import Font

from surveys.xlsform import import_xlsform_bytes
from surveys.xlsform.sheets import read_workbook


def test_declared_million_rows_read_as_stored() -> None:
    from surveys.loader import instruments_dir, parse_document
    from surveys.xlsform import export_xlsform

    path = instruments_dir() / "medborgardialog.yaml"
    doc, _ = parse_document(path.read_text(encoding="utf-8"), str(path))
    plain = export_xlsform(doc)
    wb = load_workbook(io.BytesIO(plain))
    for name in ("survey", "choices", "scoring"):
        wb[name].cell(row=1_048_576, column=1024).font = Font(bold=True)
    wb["survey"].cell(row=1_048_575, column=3).value = "   "  # blank text counts as empty
    buf = io.BytesIO()
    wb.save(buf)
    sheets, problems = read_workbook(buf.getvalue(), "big.xlsx")
    assert problems == []
    plain_sheets, _ = read_workbook(plain, "plain.xlsx")
    assert [r.number for r in sheets["survey"].rows] == [r.number for r in plain_sheets["survey"].rows]
    assert sheets["survey"].columns == plain_sheets["survey"].columns
    assert import_xlsform_bytes(buf.getvalue(), "big.xlsx").instrument.sha256 == \
        import_xlsform_bytes(plain, "plain.xlsx").instrument.sha256


def test_too_many_filled_rows_is_one_line() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    for i in range(20_001):
        ws.append(["text", f"q{i}", "Fråga"])
    buf = io.BytesIO()
    wb.save(buf)
    _, problems = read_workbook(buf.getvalue(), "huge.xlsx")
    assert [str(p) for p in problems] == [
        "huge.xlsx:survey:20001: more than 20000 filled rows; a questionnaire has far fewer: delete the rest"]
