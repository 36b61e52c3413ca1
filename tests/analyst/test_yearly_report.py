"""The yearly report (issue 16, item 4) from the demo database: the figures
read back from the PDF's text equal the JSON of the same wave (means, CIs,
shares, n, the index per area, hidden cells), the PDF's accessibility
properties, the route's access rules, audit entry and refusals.

The demo waves are built once for the module by ``survey-engine demo``
(2,576 cannabis pupils of 2014 and 2,412 of 2018, trygghet 2014 and 2018 by
area, medborgardialog 2015-2017 with themes per area); the module adds a
small wave (the 8 pupils the demo lets answer through codes) and an empty one.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from pypdf import PdfReader

from .conftest import PASSWORD, Client

pytestmark = pytest.mark.slow

EXE = str(Path(sys.executable).parent / "survey-engine")
SECRET = "yearly-report-test-secret"


class Demo:
    def __init__(self, url: str, app: Any, admin: Any, analyst: Any) -> None:
        self.url, self.app, self.admin, self.analyst = url, app, admin, analyst
        self.store = app.extensions["store"]
        self._pdfs: dict[tuple[str, str], bytes] = {}
        self._clients: dict[str, Client] = {}

    def client(self, email: str) -> Client:
        """A client logged in as ``email`` (once: logins are rate limited)."""
        if email not in self._clients:
            c = Client(self.app)
            assert c.login(email, PASSWORD).status_code == 302
            self._clients[email] = c
        return self._clients[email]

    def pdf(self, slug: str, lang: str) -> bytes:
        """The report as the route serves it to the admin (made once per wave and language)."""
        if (slug, lang) not in self._pdfs:
            r = self.client(self.admin.email).get(f"/analyst/{slug}/report.pdf?lang={lang}")
            assert r.status_code == 200, r.get_data(as_text=True)[:500]
            assert r.mimetype == "application/pdf"
            self._pdfs[(slug, lang)] = r.data
        return self._pdfs[(slug, lang)]

    def api(self, path: str) -> Any:
        from surveys import accounts

        token = accounts.create_api_token(self.store, self.admin.id)
        r = self.app.test_client().get(f"/api/v1/surveys/{path}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        return r.get_json()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from surveys import accounts
    from webapp import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    done = subprocess.run([EXE, "demo", "--quiet"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    store = app.extensions["store"]
    admin = accounts.create_user(store, "admin@example.se", "admin", PASSWORD)
    analyst = accounts.create_user(store, "a@example.se", "analyst", PASSWORD)
    accounts.grant_survey(store, analyst.id, "trygghet-2014")
    _small_and_empty_waves(store)
    yield Demo(url, app, admin, analyst)
    store.engine.dispose()


def _small_and_empty_waves(store: Any) -> None:
    """cannabis-pilot: the 8 pupils the demo lets answer cannabis-2018 through
    codes, imported into a wave of their own; trygghet-2022: no answers yet."""
    from surveys import synthetic
    from surveys.commands.demo import first_pupils

    can = store.survey("cannabis-2018")
    pupils = first_pupils(synthetic.cannabis_wave(store.instrument(can.instrument_sha256),
                                                  synthetic.CANNABIS_2018))
    store.create_survey(slug="cannabis-pilot", instrument_sha256=can.instrument_sha256, label="Pilot",
                        mode="codes", presets=can.presets, year=2018)
    store.import_responses("cannabis-pilot", pupils)
    store.create_survey(slug="trygghet-2022", instrument_sha256=store.survey("trygghet").instrument_sha256,
                        label="Trygghet 2022", mode="open", presets={}, year=2022)


def text_of(pdf: bytes) -> str:
    """The PDF's text, whitespace collapsed (table cells end up space-separated)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"(\w)-\n(\w)", r"\1-\2", text)  # a word wrapped at its hyphen
    return re.sub(r"\s+", " ", text)


def f2(x: float) -> str:
    return f"{x:.2f}"


def ci2(ci: list[float], digits: int = 2, unit: str = "") -> str:
    return f"{ci[0]:.{digits}f}–{ci[1]:.{digits}f}{unit}"


# ---------------------------------------------------------------- figures
def test_scale_figures_in_the_pdf_equal_the_json(demo: Demo) -> None:
    """cannabis-2014: the restrictive scale overall and per school, grade and
    gender, against the API's JSON of the same wave (hidden cells as –)."""
    text = text_of(demo.pdf("cannabis-2014", "en"))
    overall = demo.api("cannabis-2014/results")["scales"]["restrictive"]["overall"]
    assert overall["n"] == 2506 and abs(overall["mean"] - 3.72) < 0.01
    assert f"All {overall['n']} {f2(overall['mean'])} {ci2(overall['ci95'])} {f2(overall['sd'])}" in text
    labels = {"school": "School", "grade": "Grade", "gender": "Gender"}
    hidden = 0
    for column, name in labels.items():
        groups = demo.api(f"cannabis-2014/results?by={column}")["scales"]["restrictive"]["groups"]
        assert groups
        for g in groups:
            value = next(iter(g["by"].values()))
            label = f"{name}: {'No answer' if value is None else value}"
            if g["suppressed"]:
                hidden += 1
                assert f"{label} – – – –" in text
            else:
                assert f"{label} {g['n']} {f2(g['mean'])} {ci2(g['ci95'])} {f2(g['sd'])}" in text, label
    # the baseline 3.72 and the target 4.72 of the summary
    assert "3.72 (2014) 4.72" in text
    if hidden:
        assert "– means hidden: fewer than 5 respondents" in text


def test_share_figures_in_the_pdf_equal_the_json(demo: Demo) -> None:
    text = text_of(demo.pdf("cannabis-2014", "en"))
    shares = demo.api("cannabis-2014/results")["declared_shares"]
    assert shares
    for share in shares.values():
        if share["pct"] is None:
            assert "All – – –" in text
            continue
        line = f"All {share['n']} of {share['of']} {share['pct']:.1f} % {ci2(share['ci95'], 1, ' %')}"
        assert line in text, line
    by_school = demo.api("cannabis-2014/results?by=school")["declared_shares"]["never"]["groups"]
    for g in by_school:
        label = f"School: {g['by']['school']}"
        if g["pct"] is None:
            assert f"{label} – – –" in text
        else:
            assert f"{label} {g['n']} of {g['of']} {g['pct']:.1f} % {ci2(g['ci95'], 1, ' %')}" in text


def test_index_per_area_in_the_pdf_equals_the_json(demo: Demo) -> None:
    """trygghet-2014: the trygghetsindex per area with its level and the
    variables at 4–6, against the JSON; the areas above 2 are not on track."""
    text = text_of(demo.pdf("trygghet-2014", "en"))
    index = demo.api("trygghet-2014/results")["indices"]["trygghetsindex"]
    from surveys.loader import instruments_dir, load_instrument

    names = {v.id: v.label.get("en") for v in
             load_instrument(instruments_dir() / "trygghet.yaml").indices["trygghetsindex"].variables}
    city = index["overall"]
    assert f"Whole city {city['n']} {f2(city['index'])} {city['level_label']['en']}" in text
    shown = 0
    for g in index["groups"]:
        area = g["by"]["area"]
        if g["suppressed"]:
            assert f"{area} – – – –" in text
            continue
        shown += 1
        at = ", ".join(names[v] for v in g["variables_at_4_6"]) or "none"
        assert f"{area} {g['n']} {f2(g['index'])} {g['level_label']['en']} {at}" in text, area
        status = "On track" if g["index"] <= 2 else "Not on track"
        assert f"Safety index at most 2.00: {area} – ≤ 2.00 {f2(g['index'])} – {status}" in text.replace("✓ ", "") \
            .replace("✗ ", ""), area
    assert shown >= 4
    assert "Stadskärnan (centrum)" in text


def test_themes_per_area_with_change_in_the_pdf_equal_the_json(demo: Demo) -> None:
    """medborgardialog-2016 compared with 2015: the share naming each theme
    per area and its change in points, in Swedish (decimal comma, whole %)."""
    text = text_of(demo.pdf("medborgardialog-2016", "sv"))
    report = demo.api("medborgardialog-2016/results?compare=medborgardialog-2015")
    assert "Jämförs med: Medborgardialog 2015" in text
    themes = report["themes"]["unsafe_themes"]["groups"]
    change = {g["by"]["area"]: g for g in report["comparison"]["themes"]["unsafe_themes"]["groups"]}
    lighting = []
    for g in themes:
        now = g["shares"]["1"]["pct"]
        delta = change[g["by"]["area"]]["change_pct"]["1"]["change_pct"]
        lighting.append(f"{now:.0f} % ({'+' if delta > 0 else ''}{delta:.0f})")
    assert "Dålig belysning " + " ".join(lighting) in text


def test_small_wave_hides_small_cells_like_the_json(demo: Demo) -> None:
    """cannabis-pilot (8 pupils): its small groups and small numerators are
    hidden in the report as in the JSON."""
    text = text_of(demo.pdf("cannabis-pilot", "en"))
    report = demo.api("cannabis-pilot/results?by=gender")
    restrictive = text[text.index("Restrictive attitude to cannabis (1–6, high = restrictive) Against"):
                       text.index("Knowledge about cannabis (number correct out of 8) Compared")]
    for g in report["scales"]["restrictive"]["groups"]:
        label = f"Gender: {next(iter(g['by'].values())) or 'No answer'}"
        assert (f"{label} – – – –" in restrictive) == g["suppressed"], label
    dont_know = demo.api("cannabis-pilot/results")["declared_shares"]["would_try_dont_know"]
    assert dont_know["pct"] is None
    assert "Does not know whether they would try cannabis" in text
    assert "The table below gives the same figures" not in text  # alt text is not page text


# ---------------------------------------------------------- accessibility
def _struct(node: Any) -> Iterator[Any]:
    node = node.get_object()
    yield node
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "keys") and "/S" in kid:
            yield from _struct(kid)


@pytest.mark.parametrize("slug, lang", [("trygghet-2014", "sv"), ("cannabis-2014", "en")])
def test_the_pdf_is_tagged_with_language_title_and_alt_texts(demo: Demo, slug: str, lang: str) -> None:
    reader = PdfReader(io.BytesIO(demo.pdf(slug, lang)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == lang
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    title = reader.metadata.title
    assert title.startswith("Årsrapport: " if lang == "sv" else "Yearly report: ")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and title.split(":")[0] in xmp
    elements = list(_struct(root["/StructTreeRoot"]))
    kinds = [str(e.get("/S")) for e in elements]
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    report = demo.api(f"{slug}/results")
    charts = len(report["scales"]) + len(report["declared_shares"]) + len(report["indices"])
    assert len(figures) == charts > 0
    for fig in figures:
        alt = str(fig.get("/Alt") or "")
        assert alt.startswith("Diagram: " if lang == "sv" else "Chart: "), alt
    for tag in ("/H1", "/H2", "/Table", "/TH", "/TD", "/P"):
        assert tag in kinds, tag
    first = reader.pages[0].extract_text()
    assert title.split(" – ")[0].split(": ")[0] in first  # real text, not an image of it


# ------------------------------------------------------------ the route
def test_access_audit_and_default_language(demo: Demo) -> None:
    from surveys import audit

    analyst = demo.client(demo.analyst.email)
    assert analyst.get("/analyst/cannabis-2014/report.pdf").status_code == 404  # not granted
    r = analyst.get("/analyst/trygghet-2014/report.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert PdfReader(io.BytesIO(r.data)).trailer["/Root"]["/Lang"] == "sv"  # the interface default
    assert "trygghet-2014-report-sv.pdf" in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"].startswith("no-store")
    entry = audit.entries(demo.store, limit=1, slug="trygghet-2014")[0]
    assert (entry.actor, entry.action, entry.detail) == ("a@example.se", "download", "report.pdf (sv)")
    assert Client(demo.app).get("/analyst/trygghet-2014/report.pdf").status_code in (302, 401)
    page = analyst.get("/analyst/trygghet-2014/results?lang=en").get_data(as_text=True)
    assert 'href="/analyst/trygghet-2014/report.pdf"' in page


@pytest.mark.parametrize("interface, path, status, message", [
    ("sv", "/analyst/trygghet-2022/report.pdf?lang=sv", 400, "Omgången trygghet-2022 har inga inskickade svar ännu"),
    ("sv", "/analyst/trygghet-2022/report.pdf?lang=en", 400, "The wave trygghet-2022 has no submitted answers yet"),
    ("sv", "/analyst/trygghet-2014/report.pdf?lang=ar", 400,
     "Årsrapporten skrivs på svenska (sv) eller engelska (en), inte på ar."),
    ("en", "/analyst/trygghet-2014/report.pdf?lang=ar", 400,
     "The yearly report is written in Swedish (sv) or English (en), not in ar."),
    ("sv", "/analyst/no-such-wave/report.pdf", 404, None),
])
def test_refusals_are_clear_pages(demo: Demo, interface: str, path: str, status: int, message: str | None) -> None:
    import html

    c = demo.client(demo.admin.email)
    c.get(f"/analyst/?lang={interface}")  # the interface language, remembered in the session
    r = c.get(path)
    assert r.status_code == status
    body = html.unescape(r.get_data(as_text=True))
    assert "Traceback" not in body
    if message:
        assert message in body


def test_trend_with_significance_markers_and_the_caution(demo: Demo) -> None:
    """medborgardialog 2015 -> 2016: each series' figures per wave as the trend
    API gives them, a marker where the step is significant, Brå's caution."""
    text = text_of(demo.pdf("medborgardialog-2016", "sv"))
    trend = demo.api("medborgardialog-2016/trend")
    assert [w["year"] for w in trend["waves"]] == [2015, 2016]
    assert "Utveckling över omgångarna" in text and "Brå avråder från att dra slutsatser" in text

    def sv_pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.1f}".replace(".", ",") + " %"

    marked = 0
    for series in trend["series"]:
        assert series["unit"] == "%"
        first, second = series["points"]
        step = series["steps"][0]
        mark = (" ↑*" if step["change"] > 0 else " ↓*") if step["significant"] else ""
        marked += bool(mark)
        row = f"{series['label']['sv']} {sv_pct(first['value'])} {sv_pct(second['value'])}{mark}"
        assert row in text, row
    assert text.count("*") >= marked
