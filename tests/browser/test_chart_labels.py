"""Chart labels in real Chromium fonts: every text of a dot chart lies inside
the SVG's viewBox (today's area names such as "Stadskärnan (centrum)" lost
their first letters when the label column was estimated too narrow)."""
from __future__ import annotations

import base64

import pytest

from webapp.analyst.charts import Reference, Row, dot_chart

pytestmark = [pytest.mark.browser]

LABELS = [
    "Stadskärnan (centrum)",
    "Skiftinge",
    "Årby",
    "Fröslunda",
    "Lagersberg",
    "WWWWWWWWWWWWWWWWWWWWWWWWW",  # the widest letters
    "Nämner: konflikter mellan boende i trapphus och på gårdar",  # shortened with …
    "Övriga områden, män 65–85 år",
]

BOXES = """
const svg = document.querySelector('svg');
const [x0, y0, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
return [...svg.querySelectorAll('text')].map(t => {
  const b = t.getBBox();
  return {text: t.textContent, x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height,
          x0: x0, y0: y0, x1: x0 + w, y1: y0 + h};
});
"""


def test_every_chart_text_lies_inside_the_viewbox(driver):
    rows = [Row(label, 0.2 + 0.1 * (i % 6), 0.1, 0.9) for i, label in enumerate(LABELS)]
    rows.append(Row("Liten grupp", None, note="– (färre än 5)"))
    svg = dot_chart("Trygghetsindex per område", rows, 0, 1,
                    [Reference(0.5, "Mål"), Reference(0.72, "Basår 2014"), Reference(1.0, "Högsta nivå")])
    page = f'<!doctype html><html lang="sv"><meta charset="utf-8"><body>{svg}</body></html>'
    driver.get("data:text/html;base64," + base64.b64encode(page.encode("utf-8")).decode("ascii"))
    boxes = driver.execute_script(BOXES)
    assert len(boxes) >= len(rows)
    for b in boxes:
        assert b["x"] >= b["x0"] - 0.5 and b["right"] <= b["x1"] + 0.5, b
        assert b["y"] >= b["y0"] - 0.5 and b["bottom"] <= b["y1"] + 0.5, b
    assert any(b["text"] == "Stadskärnan (centrum)" for b in boxes)


def test_every_trend_chart_text_lies_inside_the_viewbox(driver):
    """The trend's line chart: year labels, percent ticks, the significance
    mark at the last point and a hidden figure's note all inside."""
    from webapp.analyst.charts import Point, line_chart

    points = [Point("2014", 99.0, 97.5, 100.0), Point("2016", None, note="– (dold)"),
              Point("2018", 100.0, 98.0, 100.0, marked=True), Point("2020 (höst)", 0.0, 0.0, 2.0, marked=True)]
    svg = line_chart("Andel som aldrig använt cannabis", points, 0, 100, [0, 25, 50, 75, 100], " %")
    page = f'<!doctype html><html lang="sv"><meta charset="utf-8"><body>{svg}</body></html>'
    driver.get("data:text/html;base64," + base64.b64encode(page.encode("utf-8")).decode("ascii"))
    boxes = driver.execute_script(BOXES)
    assert {"2014", "2016", "2018", "2020 (höst)", "100 %", "*", "– (dold)"} <= {b["text"] for b in boxes}
    for b in boxes:
        assert b["x"] >= b["x0"] - 0.5 and b["right"] <= b["x1"] + 0.5, b
        assert b["y"] >= b["y0"] - 0.5 and b["bottom"] <= b["y1"] + 0.5, b
