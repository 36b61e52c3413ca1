"""What the results page shows of a trend (``scoring.trend.Trend``): per
series a line chart and a table of the same figures, the change from the
wave before with its p-value, and an asterisk where that change is
statistically significant."""
from __future__ import annotations

from flask_babel import gettext as _

from scoring.trend import Trend, TrendSeries
from surveys.formatting import HIDDEN, Formatter
from webapp.analyst.charts import Point, line_chart
from webapp.analyst.results import Section

#: The mark of a significant change, in the chart and the table.
MARK = "*"


def trend_sections(trend: Trend, lang: str) -> list[Section]:
    """One section per series of ``trend`` (none for a single wave)."""
    if len(trend.waves) < 2:
        return []
    return [_series_section(s, lang) for s in trend.series]


def _series_section(series: TrendSeries, lang: str) -> Section:
    f = Formatter(lang)
    digits, unit = (1, " %") if series.unit == "%" else (2, "")
    title = f.text(series.label) or series.id
    header = [_("Wave"), _("Year"), "n", _("Percent") if series.unit == "%" else
              (_("Index") if series.kind == "index" else _("Mean")), _("95 % CI"),
              _("Change since the wave before"), "p"]
    rows, points, hidden = [], [], False
    for k, point in enumerate(series.points):
        step = series.steps[k - 1] if k else None
        hidden |= point.value is None
        change = ""
        p_text = ""
        if step is not None:
            change = f.signed(step.change, digits, unit) + (f" {MARK}" if step.significant else "")
            p_text = f.p(step.p) if step.test else ("" if step.change is not None else HIDDEN)
        rows.append([point.wave.label, str(point.wave.year), f.number(point.n), f.number(point.value, digits, unit),
                     f.interval(point.ci95, digits, unit) if series.kind != "index" else "", change, p_text])
        low, high = point.ci95 or (None, None)
        points.append(Point(str(point.wave.year), point.value, low, high,
                            marked=bool(step and step.significant)))
    ticks = None
    if series.kind == "share":
        ticks = [0, 25, 50, 75, 100]
    elif series.high - series.low <= 10 and float(series.low).is_integer():
        ticks = [float(t) for t in range(int(series.low), int(series.high) + 1)]
    chart = line_chart(title, points, series.low, series.high, ticks, " %" if series.unit == "%" else "", MARK)
    notes = [_("The index has no test of change; the change is the index now minus the index of the wave "
               "before.")] if series.kind == "index" else []
    return Section(title, header, rows, chart, notes, hidden)
