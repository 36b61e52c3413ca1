"""The yearly report's HTML in Chromium: every text of every chart (area and
school names, reference captions, axis figures) lies inside its SVG's
viewBox, so no label is cut off in the PDF either (the same SVG)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser]

BOXES = """
return [...document.querySelectorAll('svg')].flatMap((svg, k) => {
  const [x0, y0, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  return [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {chart: k, text: t.textContent, x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height,
            x0: x0, y0: y0, x1: x0 + w, y1: y0 + h};
  });
});
"""


def _report_html(tmp_path: Path, instrument_id: str, lang: str) -> Path:
    """The report of the demo's first wave of ``instrument_id``, scored from its
    synthetic CSV (overall and by each declared group), as an HTML file."""
    from scoring.report import score_report
    from surveys import synthetic
    from surveys.csvio import read_responses_csv
    from surveys.loader import load_all
    from surveys.yearly_report import build_document, render_html
    from surveys.yearly_report.document import Counts, WaveInfo

    instruments = load_all()
    instrument = instruments[instrument_id]
    wave = next(w for w in synthetic.demo_waves(instruments) if w.instrument_id == instrument_id)
    csv = tmp_path / f"{wave.name}.csv"
    synthetic.write_csv(wave, instrument, csv)
    dataset = read_responses_csv(str(csv), instrument)
    report = score_report(instrument, dataset)
    nested = set(instrument.nested_groups)
    breakdowns = {c: score_report(instrument, dataset, by=(c,)) for c in instrument.group_columns
                  if c in dataset.groups and c not in nested} if instrument.scales or instrument.shares else {}
    counts = Counts("open", dataset.n, dataset.n, 0, 0, 0)
    doc = build_document(instrument, WaveInfo(wave.name, wave.name), report, breakdowns, counts, lang=lang)
    path = tmp_path / f"{wave.name}-{lang}.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("instrument_id, lang", [("trygghet", "sv"), ("cannabis-attityd", "en")])
def test_report_chart_texts_lie_inside_their_viewbox(driver, tmp_path: Path, instrument_id: str, lang: str) -> None:
    page = _report_html(tmp_path, instrument_id, lang)
    driver.get(page.as_uri())
    boxes = driver.execute_script(BOXES)
    assert len({b["chart"] for b in boxes}) >= 1
    for b in boxes:
        assert b["x"] >= b["x0"] - 0.5 and b["right"] <= b["x1"] + 0.5, b
        assert b["y"] >= b["y0"] - 0.5 and b["bottom"] <= b["y1"] + 0.5, b
    texts = {b["text"] for b in boxes}
    if instrument_id == "trygghet":
        assert "Stadskärnan (centrum)" in texts and "Hela staden" in texts
    else:
        assert any(t.startswith("School: ") for t in texts)
