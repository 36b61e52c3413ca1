"""``survey-engine score`` through the installed console script.

Figures are checked against the independent R vectors (expected.json,
computed with R's t.test, psych::alpha, prop.test and binom.test)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
INSTRUMENT = DATA / "r-fixture.yaml"
RESPONSES = DATA / "respondents.csv"
EXPECTED = json.loads((DATA / "expected.json").read_text())
CLI = str(Path(sys.executable).parent / "survey-engine")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, "score", *args], capture_output=True, text=True, timeout=120)


def score(*args: str, instrument: Path = INSTRUMENT) -> dict:
    proc = run("--instrument", str(instrument), *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def fails(*args: str, instrument: Path = INSTRUMENT) -> str:
    proc = run("--instrument", str(instrument), *args)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    return proc.stderr


def _check_r_overall(report: dict) -> None:
    o, e = report["scales"]["restrictive"]["overall"], EXPECTED["overall"]
    assert o["n"] == e["n"]
    for key in ("mean", "sd", "alpha"):
        assert o[key] == pytest.approx(e[key], abs=1e-9)
    assert o["ci95"] == pytest.approx(e["ci95"], abs=1e-9)
    for key in ("diff", "t", "p"):
        assert o["baseline"][key] == pytest.approx(e["baseline"][key], abs=1e-9)
    assert o["baseline"]["value"] == 3.72
    assert o["target"]["value"] == 4.72
    assert o["target"]["progress"] == pytest.approx(e["baseline"]["diff"] / 1.0, abs=1e-9)
    never = EXPECTED["share_never"]
    share = report["shares"]["use"]["1"]
    assert share["n"] == never["n"]
    assert share["pct"] == pytest.approx(100 * never["n"] / never["of"], abs=1e-9)
    assert share["ci95"] == pytest.approx([100 * x for x in never["wilson95"]], abs=1e-7)


def test_r_fixture_figures_and_design_shape():
    report = score("--responses", str(RESPONSES), "--by", "school")
    _check_r_overall(report)
    # the shape of DESIGN.md
    assert set(report["instrument"]) >= {"id", "version", "sha256"}
    assert report["instrument"]["id"] == "r-fixture" and len(report["instrument"]["sha256"]) == 64
    assert report["n_respondents"] == 60
    scale = report["scales"]["restrictive"]
    assert scale["items"] == EXPECTED["definition"]["items"]
    assert scale["reversed"] == EXPECTED["definition"]["reversed"]
    assert scale["min_answered"] == 6
    assert isinstance(report["indices"], dict)
    groups = {g["by"]["school"]: g for g in scale["groups"]}
    assert set(groups) == {"A", "B", "C"}
    for g in groups.values():
        assert {"by", "suppressed", "n", "mean", "sd", "ci95"} <= set(g)
    for code, cell in report["shares"]["use"].items():
        assert code in {"1", "2", "3", "4"} and set(cell) >= {"n", "pct", "ci95"}
    assert report["declared_shares"]["never"]["baseline"]["p"] == pytest.approx(
        EXPECTED["share_never"]["binom_vs_0.85_p"], abs=1e-9)
    # school vs rest Welch p values (raw and Holm) from R
    for school, g in groups.items():
        assert g["vs_rest"]["p"] == pytest.approx(EXPECTED["school_vs_rest_welch_p"][school], abs=1e-9)
        assert g["vs_rest"]["p_holm"] == pytest.approx(EXPECTED["school_vs_rest_holm_p"][school], abs=1e-9)


def test_bom_semicolon_and_decimal_comma_give_the_same_figures(tmp_path):
    lines = RESPONSES.read_text().splitlines()
    # Excel's Swedish CSV: BOM, ";" between fields, decimal comma, no quotes
    converted = []
    for k, line in enumerate(lines):
        cells = [c.strip('"') for c in line.split(",")]
        if k:
            cells = [c + ",0" if j >= 3 and c and k % 2 else c for j, c in enumerate(cells)]
        converted.append(";".join(cells))
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(converted) + "\r\n").encode("utf-8"))
    assert "3,0" in path.read_text(encoding="utf-8-sig")
    _check_r_overall(score("--responses", str(path)))


def test_suppressed_group_has_nulls(tmp_path):
    lines = RESPONSES.read_text().splitlines()
    # four respondents of school C keep their school; the others become "D"
    out, c_seen = [lines[0]], 0
    for line in lines[1:]:
        cells = line.split(",")
        if cells[2] == '"C"':
            c_seen += 1
            if c_seen > 4:
                cells[2] = '"D"'
        out.append(",".join(cells))
    path = tmp_path / "small.csv"
    path.write_text("\n".join(out) + "\n")
    report = score("--responses", str(path), "--by", "school")
    groups = {g["by"]["school"]: g for g in report["scales"]["restrictive"]["groups"]}
    small = groups["C"]
    assert small["suppressed"] is True
    assert all(small[k] is None for k in ("n", "mean", "sd", "ci95"))


def test_table_format():
    proc = run("--instrument", str(INSTRUMENT), "--responses", str(RESPONSES),
               "--by", "gender", "--format", "table")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "Scale restrictive" in text
    assert "3.85" in text and "1.02" in text and "0.92" in text  # mean, sd, alpha
    assert "gender=flicka" in text and "gender=pojke" in text
    assert "baseline 3.72 (2014)" in text
    assert "never" in text and "48/60" in text


def test_compare_two_waves(tmp_path):
    report = score("--responses", str(RESPONSES), "--compare", str(RESPONSES))
    comp = report["comparison"]["scales"]["restrictive"]
    assert comp["diff"] == pytest.approx(0.0, abs=1e-12)
    assert comp["previous"]["n"] == EXPECTED["overall"]["n"]


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty (expected a header row of item ids)"),
    ("gender,i1,i9\n1,2,3\n", "row 1, column 'i9': unknown column: no item 'i9' (items i1-i8)"),
    ("gender,i01\n1,2\n", "row 1, column 'i01': unknown column (did you mean 'i1'?)"),
    ("gendr,i1\n1,2\n", "row 1, column 'gendr': unknown column (did you mean 'gender'?)"),
    ("gender,i1,i2\nflicka,2,3\npojke,4,x\n", "row 3, column 'i2': text 'x' in numeric item 'i2'"),
    ("gender,i1\nflicka,2\npojke,7\n", "row 3, column 'i1': code 7 is outside the scale of 'i1' (1-6)"),
    ("gender,use\nflicka,0\n", "row 2, column 'use': code 0 is outside the scale of 'use' (1-4)"),
    ("gender,i1\nkvinna,2\n",
     "row 2, column 'gender': 'kvinna' is not a code or label of 'gender' (1 flicka, 2 pojke)"),
    ("gender|i1|i2\nflicka|2|3\n",
     "row 1: only one column 'gender|i1|i2' separated by '|'; separate the columns with ',' or ';'"),
    ("gender,i1,i2\nflicka;2;3\n",
     "row 2: 1 field, but the header has 3 (this row seems to use ';' as delimiter)"),
    ("gender,i1\nflicka,2,3\n", "row 2: 3 fields, but the header has 2"),
    ("gender,i1\n", "row 1: the file has a header row but no responses"),
    ("i1,i1\n1,2\n", "row 1, column 'i1': this column appears twice"),
])
def test_malformed_csv_one_line_exit_1(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    assert fails("--responses", str(path)) == f"{path}: {message}\n"


def test_bom_only_file_is_empty(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    assert fails("--responses", str(path)) == \
        f"{path}: the file is empty (expected a header row of item ids)\n"


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    err = fails("--responses", str(path))
    assert err.startswith(f"{path}: cannot read the file") and err.count("\n") == 1


def test_unknown_by_column():
    assert fails("--responses", str(RESPONSES), "--by", "skola") == (
        f"{RESPONSES}: --by: cannot break down by 'skola': only by the instrument's declared group "
        "columns (gender, school)\n")


def test_undeclared_column_of_the_file_is_refused_as_breakdown():
    # "id" is a column of the file, but no declared group: a case number or
    # any other column must never become a breakdown
    assert fails("--responses", str(RESPONSES), "--by", "id") == (
        f"{RESPONSES}: --by: cannot break down by 'id': only by the instrument's declared group "
        "columns (gender, school)\n")


def test_bad_compare_file(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("gender,i1\nflicka,9\n")
    assert fails("--responses", str(RESPONSES), "--compare", str(path)) == \
        f"{path}: row 2, column 'i1': code 9 is outside the scale of 'i1' (1-6)\n"


def test_bad_instrument_prints_file_line_messages(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = INSTRUMENT.read_text().replace("reversed: [i2, i4, i6, i8]", "reversed: [i2, i4, i6, i9]")
    bad.write_text(text)
    err = fails("--responses", str(RESPONSES), instrument=bad)
    lines = err.splitlines()
    assert lines and all(line.startswith(f"{bad}:") for line in lines)
    line_no = next(k for k, l in enumerate(text.splitlines(), 1) if "reversed:" in l)
    assert any(f"{bad}:{line_no}:" in line and "i9" in line for line in lines)


@pytest.mark.parametrize("column, message", [
    ("att1", "unknown column (did you mean 'att01'?)"),
    ("att13", "unknown column: no item 'att13' (items att01-att12)"),
])
def test_misspelt_item_of_the_cannabis_instrument(tmp_path, column, message):
    root = Path(__file__).parents[2]
    path = tmp_path / "c.csv"
    path.write_text(f"school,use,{column}\nEkbackeskolan,1,3\n")
    assert fails("--responses", str(path), instrument=root / "instruments" / "cannabis-attityd.yaml") \
        == f"{path}: row 1, column '{column}': {message}\n"


CANNABIS = Path(__file__).resolve().parents[2] / "instruments" / "cannabis-attityd.yaml"
RESTRICTIVE = [f"att{j:02d}" for j in range(1, 9)]


def _cannabis_wave(path: Path, shift: int) -> Path:
    """Twelve respondents answering the restrictive items (codes 1-6)."""
    rows = [",".join(RESTRICTIVE)]
    for r in range(12):
        rows.append(",".join(str(1 + (r + j + shift) % 6) for j in range(8)))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _changed_cannabis(tmp_path: Path, old: str, new: str) -> Path:
    text = CANNABIS.read_text(encoding="utf-8")
    changed = text.replace(old, new).replace('version: "2018.1"', 'version: "2099.1"')
    assert changed.count("2099.1") == 1 and new in changed
    path = tmp_path / "cannabis-changed.yaml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_compare_with_another_instrument_version_refused_when_reversal_differs(tmp_path):
    other = _changed_cannabis(tmp_path, "reversed: [att02, att04, att06, att08]",
                              "reversed: [att02, att04, att06, att07]")
    now, before = _cannabis_wave(tmp_path / "now.csv", 0), _cannabis_wave(tmp_path / "before.csv", 2)
    err = fails("--responses", str(now), "--compare", str(before), "--compare-instrument", str(other),
                instrument=CANNABIS)
    assert err.count("\n") == 1
    assert err.startswith(f"{before}: cannot compare waves: scale 'restrictive' is defined differently")
    assert "reversed items ['att02', 'att04', 'att06', 'att08'] vs ['att02', 'att04', 'att06', 'att07']" in err


def test_compare_with_another_instrument_version_with_the_same_scales(tmp_path):
    # a changed label only: the scales score the same way, so the waves compare
    other = _changed_cannabis(tmp_path, "sv: Restriktiv hållning till cannabis (1–6, högt = restriktiv)",
                              "sv: Restriktiv hållning (1–6)")
    now, before = _cannabis_wave(tmp_path / "now.csv", 0), _cannabis_wave(tmp_path / "before.csv", 2)
    report = score("--responses", str(now), "--compare", str(before), "--compare-instrument", str(other),
                   instrument=CANNABIS)
    comp = report["comparison"]["scales"]["restrictive"]

    def scores(shift: int) -> list[float]:
        out = []
        for r in range(12):
            x = [1 + (r + j + shift) % 6 for j in range(8)]
            out.append(sum(7 - v if j % 2 else v for j, v in enumerate(x)) / 8)
        return out
    from scipy import stats

    ref = stats.ttest_ind(scores(0), scores(2), equal_var=False)
    assert comp["previous"]["n"] == 12
    assert comp["welch"]["t"] == pytest.approx(ref.statistic, abs=1e-10)
    assert comp["welch"]["p"] == pytest.approx(ref.pvalue, abs=1e-12)


def test_compare_instrument_without_compare_is_an_error(tmp_path):
    now = _cannabis_wave(tmp_path / "now.csv", 0)
    assert fails("--responses", str(now), "--compare-instrument", str(CANNABIS), instrument=CANNABIS) == \
        "--compare-instrument needs --compare OTHER.csv\n"


def test_table_format_lists_the_wave_comparison_per_group():
    proc = run("--instrument", str(INSTRUMENT), "--responses", str(RESPONSES), "--compare", str(RESPONSES),
               "--by", "school", "--format", "table")
    assert proc.returncode == 0, proc.stderr
    # a wave against itself: no difference; g = 0 with the half-width 1.96 * sqrt(2 / n)
    for school, n in (("A", 25), ("B", 23), ("C", 8)):
        half = 1.959963984540054 * (2 / n) ** 0.5
        line = next(l for l in proc.stdout.splitlines() if l.strip().startswith(f"school={school}: n {n},"))
        # no change carries no sign (surveys.formatting, as on the results page)
        assert "diff 0.00," in line and "p = 1.000" in line
        assert line.endswith(f"Hedges' g = 0.00 ({-half:.2f}–{half:.2f})")
