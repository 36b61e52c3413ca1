"""Every route that publishes aggregates goes through the one disclosure
step, on the same wave (issue 11): the results page, the comparison page,
the JSON API, the scored downloads (JSON, XLSX, by the page and the API),
``survey-engine score`` and the progress page and API.

The wave has the issue's holes: two pupils skipped gender (overall minus the
shown gender groups would give them), a school of 4 (its cover must stay
hidden in every table), and one pupil who uses cannabis regularly (1 of 64:
a small numerator). A guard lists every route with a wave in its address,
so a new route must be added here (checked or said to publish no
aggregate) before the suite passes.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import html as html_lib
import openpyxl
import pytest

from surveys.importer import import_wave

from .conftest import SCHOOLS

RINMAN, ARBY, SKIFTINGE = SCHOOLS
SLUG = "cannabis-2018"

#: Routes with a wave in the address that publish no aggregate figure.
NO_AGGREGATES = {
    "analyst.survey", "analyst.open_wave", "analyst.close_wave", "analyst.codes", "analyst.slips_again",
    "analyst.import_csv", "analyst.downloads", "api.survey", "api.downloads",
    # wave administration: no figures
    "analyst.delete_wave", "analyst.set_retention",
    # raw rows for the analyst, paged (like the raw downloads: not aggregates)
    "api.responses",
    # a purged wave's frozen report: taken through score_report, and so through
    # the disclosure step, when the wave was purged (surveys/lifecycle.py)
    "analyst.results_snapshot",
}
#: Routes checked below.
CHECKED = {"analyst.results", "analyst.compare", "analyst.progress", "analyst.download", "api.results",
           "api.progress", "api.download", "api.trend", "analyst.report_pdf"}


def _pupils() -> list[tuple[str, str, int]]:
    """(school, gender, use): gender "" = not answered; use 4 = regularly."""
    rows = [(RINMAN, "1", 1)] * 15 + [(RINMAN, "2", 1)] * 14 + [(RINMAN, "2", 4)]
    rows += [(ARBY, "1", 2)] * 2 + [(ARBY, "2", 2)] * 2
    rows += [(SKIFTINGE, "1", 1)] * 14 + [(SKIFTINGE, "2", 2)] * 14 + [(SKIFTINGE, "", 3)] * 2
    return rows


def _csv() -> bytes:
    lines = ["school;grade;gender;use;" + ";".join(f"att{k:02d}" for k in range(1, 9))]
    for i, (school, gender, use) in enumerate(_pupils()):
        a = 1 + i % 6
        lines.append(f"{school};1;{gender};{use};" + ";".join(str(a if k % 2 else 7 - a) for k in range(1, 9)))
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def wave(env):
    for slug in (SLUG, "cannabis-2017"):
        if slug != SLUG:
            env.store.create_survey(slug=slug, instrument_sha256=env.store.survey(SLUG).instrument_sha256,
                                    label="2017", mode="codes", presets={"school": SCHOOLS})
        report = import_wave(env.store, slug, _csv(), name="wave.csv")
        assert report.imported == 64, report
    return env


# --------------------------------------------------------------- checks
def _check_gender(cells: dict, total: int) -> None:
    """The two without a gender are hidden, and so is one of the others:
    otherwise total - girls - boys gives them."""
    assert cells.get(None, "hidden") is None, cells
    shown = [v for k, v in cells.items() if k is not None and v is not None]
    assert len(shown) <= 1, cells
    assert sum(shown) != total - 2


def _check_school(cells: dict) -> None:
    assert cells[ARBY] is None, cells
    assert cells[RINMAN] is None or cells[SKIFTINGE] is None, cells


def _report_groups(report: dict, scale: str = "restrictive") -> dict:
    return {next(iter(g["by"].values())): g["n"] for g in report["scales"][scale]["groups"]}


def _check_report(report: dict) -> None:
    """A scored report (overall only): the regular-use share is hidden."""
    regular = report["declared_shares"]["regular"]
    assert regular["n"] is None and regular["pct"] is None and regular["note"] == "small_numerator"
    assert report["shares"]["use"]["4"]["n"] is None


def _html_rows(page: str) -> dict:
    """First column -> n of the page's first table (the first scale)."""
    table = re.search(r"<table class=\"figures\">(.*?)</table>", page, re.S).group(1)
    out = {}
    for head, first in re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td>', table, re.S):
        label = html_lib.unescape(head)
        out[None if label == "No answer" else label] = None if first == "–" else int(first)
    return out


def test_every_route_hides_small_groups_and_numerators(wave, logged_in, tmp_path) -> None:
    from surveys import accounts

    env = wave
    c = logged_in("admin")
    token = accounts.create_api_token(env.store, env.users["admin"].id)
    auth = {"Authorization": f"Bearer {token}"}
    seen: set[str] = set()

    # results page and the comparison page, by gender and by school
    for path, endpoint in ((f"/analyst/{SLUG}/results", "analyst.results"),
                           (f"/analyst/{SLUG}/compare/cannabis-2017", "analyst.compare")):
        rows = _html_rows(c.get(f"{path}?by=gender&lang=en").get_data(as_text=True))
        all_n = rows.pop("All")
        assert all_n == 64
        _check_gender(rows, 64)
        rows = _html_rows(c.get(f"{path}?by=school&lang=en").get_data(as_text=True))
        rows.pop("All")
        _check_school(rows)
        page = c.get(f"{path}?lang=en").get_data(as_text=True)
        assert "1 / 64" not in page and "1.6 %" not in page
        seen.add(endpoint)

    # the JSON API
    for by in ("gender", "school"):
        report = c.get(f"/api/v1/surveys/{SLUG}/results?by={by}", headers=auth).get_json()
        groups = _report_groups(report)
        _check_gender(groups, 64) if by == "gender" else _check_school(groups)
        _check_report(report)
    two_way = c.get(f"/api/v1/surveys/{SLUG}/results?by=school&by=gender", headers=auth).get_json()
    cells = {tuple(g["by"].values()): g["n"] for g in two_way["scales"]["restrictive"]["groups"]}
    assert cells[(ARBY, "Flicka")] is None and cells[(SKIFTINGE, None)] is None
    seen.add("api.results")

    # the trend (cannabis-2017, created later in the same year, comes after 2018): 1 of 64 stays
    # hidden in both waves, and so does the step between them
    trend = c.get("/api/v1/surveys/cannabis-2017/trend", headers=auth).get_json()
    assert [w["slug"] for w in trend["waves"]] == [SLUG, "cannabis-2017"]
    regular = next(s for s in trend["series"] if s["id"] == "regular")
    assert [(p["n"], p["value"], p["ci95"]) for p in regular["points"]] == [(None, None, None)] * 2
    assert [(t["change"], t["p"]) for t in regular["steps"]] == [(None, None)]
    assert "1 / 64" not in json.dumps(trend) and 1.5625 not in [p["value"] for p in regular["points"]]
    seen.add("api.trend")

    # scored downloads, by the page and by the API
    for prefix, endpoint, headers in ((f"/analyst/{SLUG}", "analyst.download", {}),
                                      (f"/api/v1/surveys/{SLUG}", "api.download", auth)):
        _check_report(json.loads(c.get(f"{prefix}/downloads/scores-json", headers=headers).data))
        book = openpyxl.load_workbook(io.BytesIO(c.get(f"{prefix}/downloads/scores-xlsx", headers=headers).data))
        figures = {row[0]: row[1] for row in book["all_figures"].iter_rows(values_only=True)}
        assert figures["declared_shares.regular.n"] in (None, "")
        assert figures["declared_shares.regular.pct"] in (None, "")
        seen.add(endpoint)

    # survey-engine score on the wave's raw answers
    raw = tmp_path / "raw.csv"
    raw.write_bytes(c.get(f"/analyst/{SLUG}/downloads/raw-csv").data)
    exe = Path(sys.executable).parent / "survey-engine"
    instrument = Path(__file__).resolve().parents[2] / "instruments" / "cannabis-attityd.yaml"
    for by in ("gender", "school"):
        out = subprocess.run([str(exe), "score", "--instrument", str(instrument), "--responses", str(raw),
                              "--by", by, "--format", "json"], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        report = json.loads(out.stdout)
        _check_report(report)
        groups = _report_groups(report)
        if by == "gender":
            _check_gender(groups, 64)
        else:  # the raw file holds the schools' codes
            _check_school({{"1": RINMAN, "2": ARBY, "3": SKIFTINGE}[k]: v for k, v in groups.items()})
    refused = subprocess.run([str(exe), "score", "--instrument", str(instrument), "--responses", str(raw),
                              "--by", "submitted_on"], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "only by the instrument's declared group columns" in refused.stderr

    # the yearly report (PDF): its breakdowns hide the same cells
    from pypdf import PdfReader

    pdf = c.get(f"/analyst/{SLUG}/report.pdf?lang=en")
    assert pdf.status_code == 200
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
    scale = text[text.index("Restrictive attitude to cannabis (1–6, high = restrictive) Against"):
                 text.index("Knowledge about cannabis")]
    gender = {None if k == "No answer" else k: None if v == "–" else int(v)
              for k, v in re.findall(r"Gender: (Pojke|Flicka|Annat|Vill inte svara|No answer) (–|\d+)", scale)}
    assert len(gender) >= 3
    _check_gender(gender, 64)
    _check_school({k: None if v == "–" else int(v)
                   for k, v in re.findall(rf"School: ({'|'.join(SCHOOLS)}) (–|\d+)", scale)})
    assert "1 of 64" not in text and "1.6 %" not in text
    seen.add("analyst.report_pdf")

    # progress page and API
    page = c.get(f"/analyst/{SLUG}/progress?lang=en").get_data(as_text=True)
    section = page[page.index("<h2>Gender</h2>"):]
    section = section[:section.index("</table>")]
    rows = {html_lib.unescape(h): (None if s == "–" else int(s)) for h, s in
            re.findall(r'<th scope="row">(.*?)</th><td class="num">(.*?)</td>', section)}
    _check_gender({None if k == "No answer" else k: v for k, v in rows.items()}, 64)
    seen.add("analyst.progress")
    progress = c.get(f"/api/v1/surveys/{SLUG}/progress", headers=auth).get_json()
    gender = {g["value"]: g["submitted"] for g in progress["groups"] if g["group"] == "gender"}
    _check_gender(gender, 64)
    school = {g["value"]: g["submitted"] for g in progress["groups"] if g["group"] == "school"}
    _check_school(school)
    seen.add("api.progress")

    assert seen == CHECKED


def test_no_route_with_a_wave_is_left_unchecked(env) -> None:
    """A new route with a wave in its address must be added to this test."""
    with_wave = {rule.endpoint for rule in env.app.url_map.iter_rules()
                 if "<slug>" in rule.rule and rule.endpoint.startswith(("analyst.", "api."))}
    assert with_wave <= NO_AGGREGATES | CHECKED, sorted(with_wave - NO_AGGREGATES - CHECKED)


@pytest.mark.parametrize("lang, message", [
    ("sv", "Resultaten kan inte delas upp efter submitted_on"),
    ("en", "Results cannot be broken down by submitted_on: only by the group questions and code tags"),
])
def test_undeclared_breakdowns_are_refused_in_the_analysts_language(wave, logged_in, lang, message) -> None:
    c = logged_in("admin")
    r = c.get(f"/analyst/{SLUG}/results?by=submitted_on&lang={lang}")
    assert r.status_code == 400 and message in html_lib.unescape(r.get_data(as_text=True))
