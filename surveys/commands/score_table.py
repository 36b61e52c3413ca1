"""Plain-text rendering of a scored report (``scoring.model.Report``) for
``survey-engine score --format table``.

Scales (overall and per group, baseline and target), declared shares, theme
shares of ``multi`` items, indices per area, and the comparison with an
earlier wave when there is one. Suppressed cells say so instead of figures;
figures become text through ``surveys.formatting.Formatter``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from surveys.formatting import HIDDEN as DASH, Formatter

if TYPE_CHECKING:
    from scoring.model import (CodeTable, DeclaredShare, IndexCell, IndexResult, Report, ScaleCell, ScaleChange,
                               ScaleOverall, ScaleResult, ShareCell, ShareChange)
    from surveys.instrument import Instrument

HIDDEN = "(hidden: too few)"


def render_report(report: "Report", instrument: "Instrument | None" = None, lang: str = "sv") -> str:
    """The report as aligned plain-text tables."""
    f = Formatter(lang)
    inst = report.instrument
    min_n = report.suppression_min_n
    out = [f"{inst.id} {inst.version} (sha256 {inst.sha256[:12]}…): {report.n_respondents} respondents"
           + (f"; cells under {min_n} are hidden" if min_n else "")]
    for scale_id, scale in report.scales.items():
        out += ["", *_scale(scale_id, scale, report, f)]
    if report.declared_shares:
        out += ["", *_declared_shares(report, f)]
    for item_id, shares in report.shares.items():
        if instrument is not None and _is_multi(instrument, item_id):
            out += ["", *_multi(item_id, shares, instrument, f)]
    for index_id, index in report.indices.items():
        out += ["", *_index(index_id, index, report, f)]
    return "\n".join(out)


def _by(by: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k}={'(no answer)' if v is None else v}" for k, v in by.items())


def _table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Left-align the first column, right-align the others."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return (indent + "  ".join([first, *rest])).rstrip()
    return [line(header), *(line(r) for r in rows)]


def _scale(scale_id: str, scale: "ScaleResult", report: "Report", f: Formatter) -> list[str]:
    title = f"Scale {scale_id}: {f.text(scale.label)}"
    what = (f"{scale.method} of {len(scale.items)} items"
            + (f", {len(scale.reversed)} reversed" if scale.reversed else "")
            + f", at least {scale.min_answered} answered")
    o = scale.overall
    rows = [_scale_row("all", o, f), *(_scale_row(_by(g.by), g, f) for g in scale.groups)]
    lines = [title, f"  ({what})",
             *_table(["group", "n", "mean", "sd", "95% CI", "alpha"], rows)]
    b = o.baseline
    if b and not o.suppressed:
        year = f" ({b.year})" if b.year else ""
        lines.append(f"  baseline {b.value}{year}: diff {f.signed(b.diff)}, t = {f.number(b.t)}, "
                     f"{f.p_text(b.p)}, d = {f.number(b.cohens_d)}")
    t = o.target
    if t and not o.suppressed and t.progress is not None:
        lines.append(f"  target {t.value}: progress {f.number(100 * t.progress, 0)} % of the way from the baseline")
    comp = report.comparison.scales.get(scale_id) if report.comparison is not None else None
    if comp:
        lines.append("  earlier wave: " + _comparison_text(comp, f))
        for g in comp.groups:
            lines.append(f"    {_by(g.by or {})}: " + _comparison_text(g, f))
    return lines


def _scale_row(name: str, c: "ScaleOverall | ScaleCell", f: Formatter) -> list[str]:
    if c.suppressed:
        return [name, HIDDEN, "", "", "", ""]
    return [name, str(c.n), f.number(c.mean), f.number(c.sd), f.interval(c.ci95), f.number(c.alpha)]


def _comparison_text(comp: "ScaleChange", f: Formatter) -> str:
    if comp.suppressed or not comp.previous:
        return HIDDEN
    prev, welch = comp.previous, comp.welch
    text = f"n {prev.n}, mean {f.number(prev.mean)}, diff {f.signed(comp.diff)}"
    if welch:
        text += f", Welch t = {f.number(welch.t)}, {f.p_text(welch.p)}"
    if comp.hedges_g is not None:
        text += f", Hedges' g = {f.number(comp.hedges_g)} ({f.interval(comp.hedges_g_ci95)})"
    return text


def _declared_shares(report: "Report", f: Formatter) -> list[str]:
    rows = []
    comparison = report.comparison.declared_shares if report.comparison is not None else {}
    for share_id, s in report.declared_shares.items():
        rows.append(_share_row(share_id, s, comparison.get(share_id), f, bool(comparison)))
        for g in s.groups:
            rows.append(_share_row("  " + _by(g.by), g, None, f, bool(comparison)))
    header = ["share", "n/of", "%", "95% CI", "baseline"]
    if comparison:
        header.append("earlier wave")
    return ["Shares", *_table(header, rows)]


def _share_row(name: str, s: "DeclaredShare | ShareCell", comp: "ShareChange | None", f: Formatter,
               compared: bool) -> list[str]:
    if s.suppressed:
        row = [name, HIDDEN, "", "", ""]
    else:
        b = getattr(s, "baseline", None)
        base = ""
        if b:
            base = (f"{f.number(b.pct, 1)} %{' (' + str(b.year) + ')' if b.year else ''}"
                    f"{' assumed' if b.assumption else ''}, {f.p_text(b.p)}")
        row = [name, f"{s.n}/{s.of}", f.number(s.pct, 1), f.interval(s.ci95, 1), base]
    if comp is not None:
        if comp.suppressed or not comp.previous:
            row.append(HIDDEN)
        else:
            row.append(f"{f.number(comp.previous.pct, 1)} %, diff {f.signed(comp.diff_pct, 1)}, "
                       f"{f.p_text(comp.p)}")
    elif compared:
        row.append("")
    return row


def _is_multi(instrument: "Instrument", item_id: str) -> bool:
    try:
        return instrument.item(item_id).kind == "multi"
    except KeyError:
        return False


def _multi(item_id: str, shares: "CodeTable", instrument: "Instrument", f: Formatter) -> list[str]:
    scale = instrument.response_scale(instrument.item(item_id))
    rows = []
    for code, s in shares.codes.items():
        label = scale.label(int(code), f.lang) if scale and code.lstrip("-").isdigit() else code
        rows.append([f"{code} {label}", f.number(s.n), f.number(s.pct, 1),
                     f.interval(s.ci95, 1)])
    return [f"{item_id}: share naming each option", *_table(["option", "n", "%", "95% CI"], rows)]


def _index(index_id: str, index: "IndexResult", report: "Report", f: Formatter) -> list[str]:
    goal = index.goal_max
    lines = [f"Index {index_id}: {f.text(index.label)}"
             + (f" (goal: at most {goal} in every area)" if goal is not None else "")]
    comp = report.comparison.indices.get(index_id) if report.comparison is not None else None
    prev = {tuple(sorted(g.by.items())): g for g in comp.groups} if comp else {}
    header = ["area", "n", "index", "level", "variables at 4-6"]
    if comp:
        header.append("change")

    def row(name: str, c: "IndexCell", change: float | None) -> list[str]:
        if c.suppressed:
            r = [name, HIDDEN, "", "", ""]
        else:
            r = [name, str(c.n), f.number(c.index), f.text(c.level_label), str(len(c.variables_at_4_6 or ()))]
        if comp:
            r.append(DASH if change is None else f.signed(change))
        return r
    o = index.overall
    rows = [row("all", o, comp.change if comp else None)]
    for g in index.groups:
        p = prev.get(tuple(sorted((g.by or {}).items())))
        rows.append(row(_by(g.by or {}), g, p.change if p else None))
    lines += _table(header, rows)
    b = o.baseline
    if b and o.index is not None:
        year = f" ({b.year})" if b.year else ""
        lines.append(f"  baseline {b.value}{year}: diff {f.signed(b.diff)}")
    return lines
