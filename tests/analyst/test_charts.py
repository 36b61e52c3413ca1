"""The server-rendered SVG dot chart: labels fit, figures match the rows."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from webapp.analyst.charts import LABEL_CHARS, Reference, Row, dot_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_long_labels_are_shortened_but_kept_whole_in_the_description() -> None:
    long = "Nämner: konflikter mellan boende i trapphus och på gårdar"
    svg = ET.fromstring(str(dot_chart("Teman", [Row(long, 0.4, 0.3, 0.5), Row("Kort", None)], 0, 1,
                                      [Reference(0.5, "Mål")])))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert labels == [long[:LABEL_CHARS - 1].rstrip() + "…", "Kort"]
    assert long in svg.find(f"{SVG}desc").text and "Kort: –" in svg.find(f"{SVG}desc").text
    # the plot starts right of the label area: the dot at 0.4 lies right of where the labels end
    label_x = float(next(t.get("x") for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"))
    (dot,) = svg.iter(f"{SVG}circle")
    assert float(dot.get("cx")) > label_x + 8
    width = float(re.match(r"0 0 (\S+)", svg.get("viewBox")).group(1))
    assert len(labels[0]) * 6.6 < label_x < width


def test_dot_and_interval_sit_at_their_values() -> None:
    svg = ET.fromstring(str(dot_chart("Skala", [Row("Alla", 3.5, 3.0, 4.0)], 1, 6)))
    (dot,) = svg.iter(f"{SVG}circle")
    interval = next(line for line in svg.iter(f"{SVG}line") if line.get("stroke-width") == "2")
    x1, x2, cx = float(interval.get("x1")), float(interval.get("x2")), float(dot.get("cx"))
    assert abs((cx - x1) - (x2 - cx)) < 0.2          # 3.5 is the middle of 3.0-4.0
    assert abs((x2 - x1) / (4.0 - 3.0) * (6 - 1) - 440) < 0.5   # the axis spans the plot width


def test_line_chart_points_sit_at_their_values_and_marks_follow_significance() -> None:
    from webapp.analyst.charts import LINE_PLOT_HEIGHT, Point, line_chart

    svg = ET.fromstring(str(line_chart("Trend", [Point("2014", 2.0, 1.5, 2.5), Point("2016", None),
                                                 Point("2018", 5.0, 4.0, 6.0, marked=True)], 1, 6)))
    dots = list(svg.iter(f"{SVG}circle"))
    assert len(dots) == 2  # the hidden 2016 has none
    y14, y18 = (float(d.get("cy")) for d in dots)
    assert abs((y14 - y18) - 3 / 5 * LINE_PLOT_HEIGHT) < 0.2   # 2.0 -> 5.0 on a 1-6 axis
    x14, x18 = (float(d.get("cx")) for d in dots)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts.count("*") == 1 and "–" in texts
    # no line joins across the hidden wave
    assert not any(abs(float(line.get("x1")) - x14) < 0.1 and abs(float(line.get("x2")) - x18) < 0.1
                   for line in svg.iter(f"{SVG}line"))
    assert "2016: –" in svg.find(f"{SVG}desc").text and "2018: 5 (4–6) *" in svg.find(f"{SVG}desc").text
