"""Exports read back with the csv module, openpyxl and pyreadstat: values,
codes, labels and the instrument hash are what went in."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import openpyxl
import pyreadstat
import pytest

from scoring import model as M
from scoring.model_json import report_to_json
from surveys.dataset import from_records
from surveys.exports import FORMATS, WaveData, render
from surveys.exports.table import build_table
from .small_instrument import INSTRUMENT

PRESETS = {"school": ["Skola A", "Skola B"]}
RECORDS = [
    {"school": 1, "gender": 1, "use": 1, "att01": 2, "att02": 5, "att03": 6,
     "themes": [1, 3], "themes_other": "Tunneln", "places": "Parken; vid torget",
     "submitted": "2024-05-03"},
    {"school": 2, "gender": 2, "use": 3, "use_first_age": 14, "att01": 6, "att02": 1,
     "themes": [2], "submitted": "2024-05-04T10:22:13"},
    {"school": 1, "gender": 4, "use": 1, "att03": 4, "submitted": "2024-05-04",
     "code": "K7PX-9QRT"},
]
# Scale 'restrictive' by hand: att01 reversed (7 - x), mean when >= 2 answered.
# r1: (5, 5, 6) -> 16/3; r2: (1, 1) -> 1.0; r3: one item -> missing.
SCORES = {"restrictive": np.array([16 / 3, 1.0, np.nan])}
# A report written by hand (the exports only lay out what it holds).
REPORT = M.Report(
    M.InstrumentRef("small", "1", INSTRUMENT.sha256), n_respondents=3, suppression_min_n=1, by=("gender",),
    scales={"restrictive": M.ScaleResult(
        "restrictive", {"sv": "Restriktiv attityd"}, "mean", ("att01", "att02", "att03"), ("att01",), 2,
        (1.0, 6.0),
        M.ScaleOverall(2, 19 / 6, 3.0641, (-24.4, 30.7), None, 2, False,
                       M.ScaleBaseline(3.72, 2014, None, 19 / 6 - 3.72, -0.25, 1.0, 0.84, -0.18),
                       M.ScaleTarget(4.72, 2018, -0.55)),
        (),
        (M.ScaleCell({"gender": "flicka"}, True, None, None, None, None, None, None, None, None),))},
    shares={"use": M.CodeTable("use", {"1": M.CodeShare(2, 66.7, (20.8, 93.9))})},
    declared_shares={}, indices={}, themes={})


@pytest.fixture
def wave() -> WaveData:
    ds = from_records(INSTRUMENT, RECORDS, presets=PRESETS)
    return WaveData(INSTRUMENT, ds, REPORT, presets=PRESETS, scores=SCORES, name="small-2024")


def _csv_rows(data: bytes, delimiter: str) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8")), delimiter=delimiter))


def test_raw_csv_values_and_no_code_no_time(wave: WaveData) -> None:
    data = render("raw-csv", wave)
    rows = _csv_rows(data, ",")
    assert [r["use"] for r in rows] == ["1", "3", "1"]
    assert [r["att01"] for r in rows] == ["2", "6", ""]
    assert [r["school"] for r in rows] == ["1", "2", "1"]
    assert [r["themes_1"] for r in rows] == ["1", "0", ""]
    assert [r["themes_3"] for r in rows] == ["1", "0", ""]
    assert rows[0]["themes_other"] == "Tunneln"
    assert rows[0]["places"] == "Parken; vid torget"
    assert rows[1]["use_first_age"] == "14"
    assert [r["submitted"] for r in rows] == ["2024-05-03", "2024-05-04", "2024-05-04"]
    assert float(rows[0]["score_restrictive"]) == pytest.approx(16 / 3)
    assert b"K7PX-9QRT" not in data and b"10:22" not in data
    assert "code" not in rows[0]


def test_swedish_csv_semicolon_and_decimal_comma(wave: WaveData) -> None:
    data = render("raw-csv-sv", wave)
    header = data[3:].split(b"\r\n", 1)[0].decode()
    assert header.startswith("school;gender;use;")
    rows = _csv_rows(data, ";")
    assert rows[0]["score_restrictive"] == "5,33333333333333"
    assert rows[1]["score_restrictive"] == "1"
    assert rows[0]["places"] == "Parken; vid torget"  # quoted, not split


def test_xlsx_sheets_data_codebook_scores(wave: WaveData) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render("raw-xlsx", wave)))
    assert wb.sheetnames[:3] == ["data", "codebook", "scores"]
    data = list(wb["data"].values)
    header = list(data[0])
    col = header.index("att02")
    assert [r[col] for r in data[1:]] == [5, 1, None]
    assert data[1][header.index("score_restrictive")] == pytest.approx(16 / 3)
    book = list(wb["codebook"].values)
    bh = book[0]
    att = [r for r in book[1:] if r[bh.index("variable")] == "att01"]
    assert [(r[bh.index("code")], r[bh.index("label")]) for r in att][0] == (1, "Instämmer inte alls")
    assert all(r[bh.index("reversed_in")] == "restrictive" for r in att)
    school = [r for r in book[1:] if r[bh.index("variable")] == "school"]
    assert [r[bh.index("label")] for r in school] == ["Skola A", "Skola B"]
    scores = list(wb["scores"].values)
    sh = scores[0]
    overall = scores[1]
    assert overall[sh.index("mean")] == pytest.approx(19 / 6)
    assert overall[sh.index("baseline")] == 3.72
    suppressed = scores[2]
    assert suppressed[sh.index("suppressed")] is True and suppressed[sh.index("n")] is None


def test_sav_variable_and_value_labels(wave: WaveData, tmp_path) -> None:
    path = tmp_path / "w.sav"
    path.write_bytes(render("raw-sav", wave))
    df, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["att02"] == "Cannabis är farligt"
    assert meta.variable_value_labels["gender"] == {1.0: "flicka", 2.0: "pojke", 3.0: "annat",
                                                    4.0: "vill inte svara"}
    assert meta.variable_value_labels["school"] == {1.0: "Skola A", 2.0: "Skola B"}
    assert meta.variable_value_labels["themes_1"][1.0] == "Belysning"
    assert df["use"].tolist() == [1.0, 3.0, 1.0]
    assert np.isnan(df["att01"].iloc[2])
    assert df["places"].tolist()[0] == "Parken; vid torget"
    assert df["score_restrictive"].iloc[0] == pytest.approx(16 / 3)
    assert "code" not in df.columns
    assert b"K7PX-9QRT" not in path.read_bytes()


def test_codebook_formats_carry_hash_reversal_and_labels(wave: WaveData) -> None:
    rows = _csv_rows(render("codebook-csv", wave), ",")
    assert {r["sha256"] for r in rows} == {INSTRUMENT.sha256}
    use = [(r["code"], r["label"]) for r in rows if r["variable"] == "use"]
    assert use == [("1", "aldrig"), ("2", "provat någon gång"), ("3", "ibland"),
                   ("4", "regelbundet")]
    age = next(r for r in rows if r["variable"] == "use_first_age")
    assert age["show_if"] == "use in [2, 3, 4]" and age["min"] == "10"
    html = render("codebook-html", wave).decode()
    assert INSTRUMENT.sha256 in html and "Instämmer helt" in html and "<table>" in html
    wb = openpyxl.load_workbook(io.BytesIO(render("codebook-xlsx", wave)))
    scales = list(wb["scales"].values)
    assert scales[1][:5] == ("restrictive", "Restriktiv attityd", "mean", "att01 att02 att03",
                             "att01")


def test_scores_json_is_the_report_and_xlsx_matches(wave: WaveData) -> None:
    assert json.loads(render("scores-json", wave)) == report_to_json(REPORT)
    wb = openpyxl.load_workbook(io.BytesIO(render("scores-xlsx", wave)))
    shares = list(wb["shares"].values)
    assert shares[1] == ("use", "1", 2, 66.7, 20.8, 93.9)
    figures = dict(list(wb["all_figures"].values)[1:])
    assert figures["scales.restrictive.overall.baseline.value"] == 3.72


def test_every_format_has_a_distinct_filename(wave: WaveData) -> None:
    names = {f.filename("w") for f in FORMATS.values()}
    assert len(names) == len(FORMATS)


def test_preset_school_given_as_labels_stays_text() -> None:
    ds = from_records(INSTRUMENT, [{"school": "Rinmanskolan", "use": 1}], presets=None)
    table = build_table(INSTRUMENT, ds)
    row = dict(zip(table.names, table.rows[0]))
    assert row["school"] == "Rinmanskolan"
