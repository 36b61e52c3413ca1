"""Server-rendered SVG charts: one dot (with its 95 % interval) per row on a
horizontal axis, with vertical reference lines (baseline, target, goal).

Colours are SVG presentation attributes, not inline styles, so the app's
Content-Security-Policy (no inline styles) allows them. Every chart has a
``<title>`` and ``<desc>``; the page shows the same figures as a table.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

from markupsafe import Markup

from surveys.formatting import Formatter

ROW_HEIGHT = 28
#: Row labels longer than this are shortened with "…" (the table and the
#: chart's <desc> carry them in full).
LABEL_CHARS = 40
#: Rough width of one character of the 13 px label font.
CHAR_WIDTH = 6.6
#: Advance widths in em of a wide sans-serif (DejaVu Sans, the usual Linux
#: fallback, is among the widest): an estimate that errs on the wide side, so
#: a right-aligned label never runs off the left edge of the chart.
_NARROW = frozenset("iljI.,:;'|!()[]{} ")
_SEMI = frozenset("ftr-\"/*")
_WIDE = frozenset("mwMWÅÄÖ%@&")
PLOT_WIDTH = 440
TOP = 34
BOTTOM = 30


@dataclass(frozen=True)
class Row:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    colour: str = "#1f4e79"
    #: Shown instead of the dot when the value is hidden (small group).
    note: str = "–"
    #: This row's own reference (e.g. a share's baseline), drawn as a diamond.
    marker: float | None = None


@dataclass(frozen=True)
class Reference:
    value: float
    label: str
    colour: str = "#8a1c1c"
    dashed: bool = True


#: Ticks, references and the <desc> figures: trailing zeros dropped.
_fmt = Formatter().short


def text_width(text: str, size: float = 13) -> float:
    """A generous estimate of ``text``'s width in px at font ``size``."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.36
        elif ch in _SEMI:
            em += 0.48
        elif ch in _WIDE or ch.isupper():
            em += 1.0 if ch in _WIDE else 0.78
        else:
            em += 0.66
    return em * size


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def dot_chart(title: str, rows: list[Row], lo: float, hi: float,
              references: list[Reference] | None = None, ticks: list[float] | None = None,
              unit: str = "", fmt: Callable[[float], str] = _fmt) -> Markup:
    """An accessible SVG dot-and-interval chart of ``rows`` on [lo, hi];
    ``fmt`` writes its figures (e.g. with a decimal comma)."""
    references = references or []
    ticks = ticks if ticks is not None else [lo + (hi - lo) * k / 5 for k in range(6)]
    height = TOP + ROW_HEIGHT * max(len(rows), 1) + BOTTOM
    labels = [_shorten(r.label) for r in rows]
    label_width = round(max([8 * CHAR_WIDTH, *(text_width(t) for t in labels)]) + 16)
    width = label_width + PLOT_WIDTH + 20

    def x(v: float) -> float:
        v = min(max(v, lo), hi)
        return label_width + (v - lo) / (hi - lo) * PLOT_WIDTH

    desc = "; ".join(
        f"{r.label}: {fmt(r.value) + unit if r.value is not None else r.note}"
        + (f" ({fmt(r.marker)}{unit})" if r.marker is not None else "") for r in rows)
    desc += "".join(f"; {ref.label}: {fmt(ref.value)}{unit}" for ref in references)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"]
    bottom = height - BOTTOM
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{TOP - 6}" x2="{x(t):.1f}" y2="{bottom}" '
                   f'stroke="#ddd" stroke-width="1"/>'
                   f'<text x="{x(t):.1f}" y="{bottom + 16}" font-size="12" '
                   f'text-anchor="middle" fill="#333">{escape(fmt(t) + unit)}</text>')
    for k, ref in enumerate(references):
        dash = ' stroke-dasharray="5 3"' if ref.dashed else ""
        caption = f"{ref.label} {fmt(ref.value)}{unit}"
        # centred on its line, but moved inwards where it would leave the chart
        half = text_width(caption, 11) / 2
        cx = min(max(x(ref.value), half + 2), width - half - 2)
        out.append(f'<line x1="{x(ref.value):.1f}" y1="{TOP - 6}" x2="{x(ref.value):.1f}" '
                   f'y2="{bottom}" stroke="{ref.colour}" stroke-width="2"{dash}/>'
                   f'<text x="{cx:.1f}" y="{12 + 12 * (k % 2)}" font-size="11" '
                   f'text-anchor="middle" fill="{ref.colour}">{escape(caption)}</text>')
    for i, (r, text) in enumerate(zip(rows, labels)):
        y = TOP + ROW_HEIGHT * i + ROW_HEIGHT / 2
        out.append(f'<text x="{label_width - 8}" y="{y + 4:.1f}" font-size="13" '
                   f'text-anchor="end" fill="#111">{escape(text)}</text>')
        if r.value is None:
            out.append(f'<text x="{label_width + 6}" y="{y + 4:.1f}" font-size="13" '
                       f'fill="#555">{escape(r.note)}</text>')
            continue
        if r.low is not None and r.high is not None:
            out.append(f'<line x1="{x(r.low):.1f}" y1="{y:.1f}" x2="{x(r.high):.1f}" '
                       f'y2="{y:.1f}" stroke="{r.colour}" stroke-width="2"/>')
        if r.marker is not None:
            mx = x(r.marker)
            out.append(f'<path d="M{mx:.1f} {y - 8:.1f} L{mx + 6:.1f} {y:.1f} L{mx:.1f} {y + 8:.1f} '
                       f'L{mx - 6:.1f} {y:.1f} Z" fill="none" stroke="#8a1c1c" stroke-width="2"/>')
        out.append(f'<circle cx="{x(r.value):.1f}" cy="{y:.1f}" r="6" fill="{r.colour}"/>')
    out.append("</svg>")
    # Every text in the SVG went through escape() above; the rest are numbers and fixed colours.
    return Markup("".join(out))  # nosec B704


def _text(x: float, y: float, text: str, size: int = 13, anchor: str = "middle", fill: str = "#111",
          bold: bool = False) -> str:
    """An SVG text element (``text`` escaped)."""
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{weight} text-anchor="{anchor}" '
            f'fill="{fill}">{escape(text)}</text>')


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: int = 2) -> str:
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"/>')


@dataclass(frozen=True)
class Point:
    """One wave of a line chart: its x label (the year), the figure (None:
    hidden) with its 95 % interval, and whether the change into it from the
    point before is statistically significant (marked with an asterisk)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    marked: bool = False
    note: str = "–"


LINE_PLOT_HEIGHT = 160
#: Horizontal room per wave: wide enough for a year and its asterisk.
LINE_STEP = 96


def line_chart(title: str, points: list[Point], lo: float, hi: float, ticks: list[float] | None = None,
               unit: str = "", marked_text: str = "*") -> Markup:
    """An accessible SVG line chart of ``points`` (oldest first) on [lo, hi]:
    a dot per wave with its 95 % interval, a line between neighbouring shown
    figures, ``marked_text`` above a point whose change from the point before
    is significant. Every label is measured, so none is cut off."""
    ticks = ticks if ticks is not None else [lo + (hi - lo) * k / 4 for k in range(5)]
    tick_width = max(text_width(_fmt(t) + unit, 12) for t in ticks)
    left = round(tick_width + 14)
    label_half = max([text_width(p.label, 13) / 2 for p in points] + [LINE_STEP / 2])
    plot_width = LINE_STEP * max(len(points) - 1, 1)
    width = round(left + label_half + plot_width + label_half + 8)
    top, bottom = 26, 26 + LINE_PLOT_HEIGHT
    height = bottom + 30

    def x(i: int) -> float:
        return left + label_half + (LINE_STEP * i if len(points) > 1 else plot_width / 2)

    def y(v: float) -> float:
        v = min(max(v, lo), hi)
        return bottom - (v - lo) / (hi - lo) * LINE_PLOT_HEIGHT

    desc = "; ".join(
        f"{p.label}: " + (p.note if p.value is None else _fmt(p.value) + unit
                          + (f" ({_fmt(p.low)}–{_fmt(p.high)}{unit})" if p.low is not None and p.high is not None
                             else "")) + (f" {marked_text}" if p.marked else "") for p in points)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"]
    for t in ticks:
        out.append(_line(left, y(t), width - 4, y(t), "#ddd", 1))
        out.append(_text(left - 6, y(t) + 4, _fmt(t) + unit, 12, "end", "#333"))
    for i in range(1, len(points)):
        a, b = points[i - 1], points[i]
        if a.value is not None and b.value is not None:
            out.append(_line(x(i - 1), y(a.value), x(i), y(b.value), "#1f4e79"))
    for i, p in enumerate(points):
        out.append(_text(x(i), bottom + 20, p.label))
        if p.value is None:
            out.append(_text(x(i), (top + bottom) / 2, p.note, fill="#555"))
            continue
        if p.low is not None and p.high is not None:
            out.append(_line(x(i), y(p.high), x(i), y(p.low), "#1f4e79"))
        out.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="5" fill="#1f4e79"/>')
        if p.marked:
            top_of = y(p.high) if p.high is not None else y(p.value)
            out.append(_text(x(i) + 8, max(top_of - 4, 14), marked_text, 16, "start", "#8a1c1c", bold=True))
    out.append("</svg>")
    # Every text in the SVG went through escape() above; the rest are numbers and fixed colours.
    return Markup("".join(out))  # nosec B704
