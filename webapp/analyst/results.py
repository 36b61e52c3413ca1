"""Turn a scored report (``scoring.report.score_report``) into what the
results page shows: tables whose hidden cells read "–", and SVG charts with
the same figures."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import gettext as _

from surveys.instrument import Instrument, Text
from webapp.analyst.charts import Reference, Row, dot_chart

HIDDEN = "–"


def fmt(value: Any, digits: int = 2, unit: str = "") -> str:
    """A figure for a table cell: "–" when hidden or missing, decimal comma
    never (the analyst interface uses points, as the downloads do)."""
    if value is None:
        return HIDDEN
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return f"{value}{unit}"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return str(value)


def signed(value: Any, digits: int = 2, unit: str = "") -> str:
    """A change with its sign ("+0.40", "-1.00"); "–" when hidden or missing."""
    if value is None:
        return HIDDEN
    return f"{'+' if value > 0 else ''}{fmt(float(value), digits, unit)}"


def fmt_ci(ci: Any, digits: int = 2, unit: str = "") -> str:
    if not ci or ci[0] is None:
        return HIDDEN
    return f"{ci[0]:.{digits}f}–{ci[1]:.{digits}f}{unit}"


def fmt_p(p: Any) -> str:
    if p is None:
        return HIDDEN
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def label(values: Mapping[str, str] | None, lang: str) -> str:
    return Text(values).get(lang) if values and values.get("sv") else ""


def by_text(by: Mapping[str, str | None]) -> str:
    """A cell's labels; ``None`` is the cell of those who gave no answer."""
    return ", ".join(_("No answer") if v is None else str(v) for v in by.values())


@dataclass
class Section:
    """One block of the results page: a heading, a chart, a table, notes."""

    title: str
    header: list[str]
    rows: list[list[str]]
    chart: Any = None
    notes: list[str] = field(default_factory=list)
    has_hidden: bool = False


def scale_sections(report: Mapping[str, Any], lang: str) -> list[Section]:
    sections = []
    for scale_id, s in report.get("scales", {}).items():
        o = s["overall"]
        base, target = o.get("baseline"), o.get("target")
        lo, hi = s["range"]
        title = label(s.get("label"), lang) or scale_id
        header = [_("Group"), "n", _("Mean"), _("95 % CI"), "SD", _("alpha"),
                  _("Baseline"), _("Difference"), "p", _("Target"), _("Progress to target"),
                  _("p vs the rest (Holm)")]
        rows = [[_("All"), fmt(o["n"]), fmt(o["mean"]), fmt_ci(o["ci95"]), fmt(o["sd"]),
                 fmt(o.get("alpha")), fmt(base and base.get("value")),
                 fmt(base and base.get("diff")), fmt_p(base and base.get("p")),
                 fmt(target and target.get("value")),
                 fmt(target and target.get("progress") is not None
                     and target["progress"] * 100, 0, " %"), ""]]
        chart_rows = [Row(_("All"), o["mean"], *(o["ci95"] or (None, None)))]
        hidden = o["mean"] is None
        for g in s.get("groups", []):
            hidden |= bool(g["suppressed"])
            rest = g.get("vs_rest") or {}
            rows.append([by_text(g["by"]), fmt(g["n"]), fmt(g["mean"]), fmt_ci(g["ci95"]),
                         fmt(g["sd"]), fmt(g.get("alpha")), "", "", "", "", "",
                         fmt_p(rest.get("p_holm")) if not g["suppressed"] else HIDDEN])
            chart_rows.append(Row(by_text(g["by"]), g["mean"], *(g["ci95"] or (None, None))))
        refs = []
        if base:
            refs.append(Reference(base["value"], _("Baseline")))
        if target:
            refs.append(Reference(target["value"], _("Target"), colour="#1d6b2f"))
        ticks = [float(t) for t in range(int(lo), int(hi) + 1)]
        chart = dot_chart(title, chart_rows, float(lo), float(hi), refs, ticks)
        sections.append(Section(title, header, rows, chart, has_hidden=hidden))
    return sections


def share_section(report: Mapping[str, Any], lang: str) -> Section | None:
    shares = report.get("declared_shares", {})
    if not shares:
        return None
    header = [_("Share"), _("Group"), "n", _("Percent"), _("95 % CI"), _("Baseline"),
              _("Difference"), "p", _("Target")]
    rows, chart_rows, notes, hidden = [], [], [], False
    for share_id, s in shares.items():
        name = label(s.get("label"), lang) or share_id
        base, target = s.get("baseline"), s.get("target")
        base_text = HIDDEN
        if base:
            base_text = f"{base['pct']:.0f} % ({base.get('year') or ''})"
            if base.get("assumption"):
                base_text += " *"
                notes.append(_("* %(name)s: the baseline is an assumption, not a published "
                               "figure.", name=name))
        rows.append([name, _("All"), fmt(s["n"]) + (f" / {s['of']}" if s["of"] else ""),
                     fmt(s["pct"], 1, " %"), fmt_ci(s["ci95"], 1, " %"), base_text,
                     fmt(base and base.get("diff_pct"), 1, " %"), fmt_p(base and base.get("p")),
                     fmt(target and target.get("pct"), 1, " %")])
        hidden |= s["pct"] is None
        chart_rows.append(Row(name, s["pct"], *(s["ci95"] or (None, None)),
                              marker=base["pct"] if base else None))
        for g in s.get("groups", []):
            hidden |= bool(g["suppressed"])
            rows.append([name, by_text(g["by"]),
                         fmt(g["n"]) + (f" / {g['of']}" if g["of"] else ""),
                         fmt(g["pct"], 1, " %"), fmt_ci(g["ci95"], 1, " %"), "", "",
                         fmt_p(g["vs_rest"] and g["vs_rest"].get("p_holm")), ""])
    notes.insert(0, _("The diamond in the chart marks the 2014 baseline share."))
    chart = dot_chart(_("Shares against the baseline"), chart_rows, 0.0, 100.0,
                      ticks=[0, 20, 40, 60, 80, 100], unit=" %")
    return Section(_("Shares against the baseline and target"), header, rows, chart, notes,
                   hidden)


def index_sections(report: Mapping[str, Any], instrument: Instrument, lang: str) -> list[Section]:
    out = []
    for index_id, ix in report.get("indices", {}).items():
        levels = ix.get("levels", [])
        variables = {v.id: v.label.get(lang) for i in instrument.indices.values()
                     for v in i.variables}

        def colour(level: int | None) -> str:
            return levels[level]["colour"] if level is not None and level < len(levels) else "#777"

        o = ix["overall"]
        change = (report.get("comparison") or {}).get("indices", {}).get(index_id)
        changes = {by_text(g["by"]): g["change"] for g in (change or {}).get("groups", [])}
        header = [_("Area"), "n", _("Index"), _("Level"), _("Variables at 4–6")]
        if change:
            header.append(_("Change"))
        rows = [[_("Whole city"), fmt(o["n"]), fmt(o["index"]),
                 label(o.get("level_label"), lang) or HIDDEN,
                 ", ".join(variables.get(v, v) for v in o.get("variables_at_4_6") or []) or "–",
                 *([signed(change["change"])] if change else [])]]
        chart_rows = [Row(_("Whole city"), o["index"], colour=colour(o.get("level")))]
        hidden = False
        for g in ix.get("groups", []):
            hidden |= bool(g["suppressed"])
            at = g.get("variables_at_4_6")
            rows.append([by_text(g["by"]), fmt(g["n"]), fmt(g["index"]),
                         label(g.get("level_label"), lang) or HIDDEN,
                         HIDDEN if at is None else (", ".join(variables.get(v, v) for v in at)
                                                    or "–"),
                         *([signed(changes.get(by_text(g["by"])))] if change else [])])
            chart_rows.append(Row(by_text(g["by"]), g["index"], colour=colour(g.get("level"))))
        refs = []
        notes = []
        if change:
            notes.append(_("Change: the index now minus the index of the earlier wave "
                           "(%(value)s for the whole city).", value=fmt(change.get("previous"))))
        base = o.get("baseline")
        if base:
            refs.append(Reference(base["value"], _("City %(year)s", year=base.get("year") or "")))
            notes.append(_("The city value is %(value)s against %(base)s in %(year)s "
                           "(difference %(diff)s).", value=fmt(o["index"]),
                           base=fmt(base["value"]), year=base.get("year") or "",
                           diff=fmt(base["diff"])))
        if ix.get("goal_max") is not None:
            refs.append(Reference(ix["goal_max"], _("Goal ≤"), colour="#1d6b2f", dashed=False))
            met = ix.get("goal_met")
            notes.append(_("Goal: an index of at most %(goal)s in every area.",
                           goal=fmt(ix["goal_max"])) + " " +
                         (_("Met in every area shown.") if met else
                          _("Not met in every area.") if met is False else ""))
        for lv in levels:
            notes.append(f"{label(lv['label'], lang)}: ≤ {lv['max']}")
        title = label(ix.get("label"), lang) or index_id
        chart = dot_chart(title, chart_rows, 0.0, 6.0, refs, [0, 1, 2, 3, 4, 5, 6])
        out.append(Section(title, header, rows, chart, notes, hidden))
    return out


def theme_sections(report: Mapping[str, Any], instrument: Instrument, lang: str) -> list[Section]:
    out = []
    change = (report.get("comparison") or {}).get("themes", {})
    for item_id, block in report.get("themes", {}).items():
        item = instrument.item(item_id)
        scale = instrument.response_scale(item)
        codes = [(str(o.code), o.label.get(lang)) for o in (scale.options if scale else ())]
        header = [_("Area"), "n", *[c[1] for c in codes]]
        changes = {by_text(g["by"]): g for g in change.get(item_id, {}).get("groups", [])}
        rows, hidden = [], False
        for g in block["groups"]:
            hidden |= bool(g["suppressed"])
            name = by_text(g["by"])
            cells = []
            for code, _lbl in codes:
                if g["suppressed"]:
                    cells.append(HIDDEN)
                    continue
                text = fmt(g["shares"][code]["pct"], 0, " %")
                ch = changes.get(name)
                if ch is not None:
                    delta = None if ch["suppressed"] or not ch["change_pct"] else \
                        ch["change_pct"][code]["change_pct"]
                    text += f" ({'+' if delta and delta > 0 else ''}{fmt(delta, 0, ' %')})"
                cells.append(text)
            rows.append([name, fmt(g["n"]), *cells])
        notes = [_("In brackets: the change in percentage points since the earlier wave.")] \
            if change.get(item_id) else []
        out.append(Section(item.text.get(lang), header, rows, None, notes, hidden))
    return out


#: Free-text answers listed per item and page (the raw downloads hold them all).
FREE_TEXTS_PER_PAGE = 200


@dataclass
class FreeTexts:
    """One text item's answers on the results page: one page of them."""

    title: str
    answers: list[str]
    total: int
    first: int  # 1-based number of the first answer shown


def free_texts(instrument: Instrument, dataset: Any, lang: str, page: int = 0,
               per_page: int = FREE_TEXTS_PER_PAGE) -> list[FreeTexts]:
    """The free-text answers per text item (analysts only, never public),
    sorted, ``per_page`` of them from page ``page`` (0-based), so that one
    request never lists a whole national wave."""
    out = []
    page = max(0, page)
    for item_id, answers in dataset.texts.items():
        try:
            title = instrument.item(item_id).text.get(lang)
        except KeyError:
            title = item_id
        given = sorted(a.strip() for a in answers if a and a.strip())
        if given:
            start = min(page * per_page, max(0, (len(given) - 1) // per_page * per_page))
            out.append(FreeTexts(title, given[start:start + per_page], len(given), start + 1))
    return out


def comparison_section(report: Mapping[str, Any], lang: str) -> Section | None:
    comp = report.get("comparison")
    if not comp:
        return None
    rows = []
    for scale_id, c in comp.get("scales", {}).items():
        name = label(report["scales"][scale_id].get("label"), lang) or scale_id
        prev = c.get("previous") or {}
        welch = c.get("welch") or {}
        now = report["scales"][scale_id]["overall"]
        rows.append([name, fmt(prev.get("n")), fmt(prev.get("mean")), fmt(now.get("mean")),
                     fmt(c.get("diff")), fmt(welch.get("t")), fmt_p(welch.get("p")),
                     fmt(c.get("hedges_g")), fmt_ci(c.get("hedges_g_ci95"))])
        current = {by_text(g["by"]): g for g in report["scales"][scale_id].get("groups", [])}
        for g in c.get("groups", []):
            prev = g.get("previous") or {}
            welch = g.get("welch") or {}
            now = current.get(by_text(g["by"])) or {}
            rows.append([f"{name}: {by_text(g['by'])}", fmt(prev.get("n")), fmt(prev.get("mean")),
                         fmt(None if g["suppressed"] else now.get("mean")), fmt(g.get("diff")),
                         fmt(welch.get("t")), fmt_p(welch.get("p")), fmt(g.get("hedges_g")),
                         fmt_ci(g.get("hedges_g_ci95"))])
    for share_id, c in comp.get("declared_shares", {}).items():
        entry = report["declared_shares"][share_id]
        name = label(entry.get("label"), lang) or share_id
        prev = c.get("previous") or {}
        rows.append([name, fmt(prev.get("of")), fmt(prev.get("pct"), 1, " %"),
                     fmt(entry.get("pct"), 1, " %"), fmt(c.get("diff_pct"), 1, " %"), "",
                     fmt_p(c.get("p")), "", ""])
    header = [_("Scale or share"), _("Earlier n"), _("Earlier"), _("Now"), _("Difference"), "t",
              "p", "Hedges g", _("95 % CI of g")]
    return Section(_("Change since the earlier wave"), header, rows,
                   has_hidden=any(HIDDEN in r for r in rows))
