"""Render a :class:`ReportDocument` as HTML (a Jinja2 template of this
package) and as a tagged PDF with WeasyPrint (PDF/UA-1: structure tags,
document language, title shown by the viewer, alt text on every chart).

Charts are the results page's SVG dot charts (``webapp.analyst.charts``),
drawn from the document's rows: the table under each chart holds the same
figures.
"""
from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from surveys.yearly_report.document import FigureSection, IndexSection, ReportDocument
from surveys.yearly_report.texts import HIDDEN, Texts

#: The PDF variant WeasyPrint writes: PDF/UA-1 (tagged, /Lang, /MarkInfo,
#: DisplayDocTitle).
PDF_VARIANT = "pdf/ua-1"

_ENV = Environment(loader=PackageLoader("surveys.yearly_report", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _charts() -> Any:
    # The analyst side's SVG charts (labels sized to fit, <title>/<desc>).
    from webapp.analyst import charts

    return charts


def figure_chart(section: FigureSection, t: Texts) -> Markup:
    """The section's rows as a dot chart with their intervals, the
    baseline and the target as reference lines."""
    charts = _charts()
    rows = [charts.Row(r.label if r.group is None else f"{t.group(r.group)}: {r.label}", r.value,
                       *(r.ci or (None, None)), note=HIDDEN) for r in section.rows]
    refs = []
    if section.baseline is not None:
        refs.append(charts.Reference(section.baseline.value, t("baseline")))
    if section.target is not None:
        refs.append(charts.Reference(section.target, t("target"), colour="#1d6b2f"))
    if section.kind == "share":
        ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    else:
        ticks = [float(v) for v in range(int(section.lo), int(section.hi) + 1)]
    unit = " %" if section.unit == "%" else ""
    return charts.dot_chart(t("chart_of", title=section.title), rows, section.lo, section.hi, refs, ticks, unit,
                            fmt=t.short)


def index_chart(section: IndexSection, t: Texts) -> Markup:
    """The index per area on 0–6, each dot in its level's colour, with the
    goal and the city baseline as reference lines."""
    charts = _charts()

    def colour(level: int | None) -> str:
        levels = section.levels
        return levels[level].colour if level is not None and level < len(levels) else "#777777"

    rows = [charts.Row(a.label, a.index, colour=colour(a.level), note=HIDDEN)
            for a in (section.city, *section.areas)]
    refs = []
    if section.baseline is not None:
        refs.append(charts.Reference(section.baseline.value, f"{t('baseline')} {section.baseline.year or ''}"))
    if section.goal_max is not None:
        refs.append(charts.Reference(section.goal_max, f"{t('goal')} ≤", colour="#1d6b2f", dashed=False))
    return charts.dot_chart(t("chart_of", title=section.title), rows, 0.0, 6.0, refs,
                            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], fmt=t.short)


def render_html(doc: ReportDocument) -> str:
    """The report as one HTML page (print CSS included, no outside files)."""
    t = Texts(doc.lang)
    charts = {s.id: figure_chart(s, t) for s in doc.sections}
    charts.update({s.id: index_chart(s, t) for s in doc.indices})
    return _ENV.get_template("report.html").render(doc=doc, t=t, charts=charts, hidden=HIDDEN)


def render_pdf(doc: ReportDocument, html: str | None = None) -> bytes:
    """The report as a tagged PDF (PDF/UA-1)."""
    from weasyprint import HTML

    return HTML(string=html if html is not None else render_html(doc)).write_pdf(pdf_variant=PDF_VARIANT)
