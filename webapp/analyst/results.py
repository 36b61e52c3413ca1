"""Turn a scored report (``scoring.model.Report``) into what the results
page shows: tables whose hidden cells read "–", and SVG charts with the same
figures. Figures become text through ``surveys.formatting.Formatter``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import gettext as _

from scoring.model import Interval, Report, ScaleChange
from surveys.formatting import HIDDEN, Formatter
from surveys.instrument import Instrument
from webapp.analyst.charts import Reference, Row, dot_chart


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


def _ci_ends(ci: Interval | None) -> tuple[float | None, float | None]:
    return ci if ci is not None else (None, None)


def scale_sections(report: Report, lang: str) -> list[Section]:
    """One section per scale: overall and per cell, against baseline and target."""
    f = Formatter(lang)
    sections = []
    for scale_id, s in report.scales.items():
        o = s.overall
        base, target = o.baseline, o.target
        lo, hi = s.range
        title = f.text(s.label) or scale_id
        header = [_("Group"), "n", _("Mean"), _("95 % CI"), "SD", _("alpha"),
                  _("Baseline"), _("Difference"), "p", _("Target"), _("Progress to target"),
                  _("p vs the rest (Holm)")]
        progress = None if target is None or target.progress is None else target.progress * 100
        rows = [[_("All"), f.number(o.n), f.number(o.mean), f.interval(o.ci95), f.number(o.sd),
                 f.number(o.alpha), f.number(base and base.value), f.number(base and base.diff),
                 f.p(base and base.p), f.number(target and target.value), f.number(progress, 0, " %"), ""]]
        chart_rows = [Row(_("All"), o.mean, *_ci_ends(o.ci95))]
        hidden = o.mean is None
        for g in s.groups:
            hidden |= g.suppressed
            rows.append([by_text(g.by), f.number(g.n), f.number(g.mean), f.interval(g.ci95),
                         f.number(g.sd), f.number(g.alpha), "", "", "", "", "",
                         f.p(g.vs_rest and g.vs_rest.p_holm) if not g.suppressed else HIDDEN])
            chart_rows.append(Row(by_text(g.by), g.mean, *_ci_ends(g.ci95)))
        refs = []
        if base:
            refs.append(Reference(base.value, _("Baseline")))
        if target:
            refs.append(Reference(target.value, _("Target"), colour="#1d6b2f"))
        ticks = [float(t) for t in range(int(lo), int(hi) + 1)]
        chart = dot_chart(title, chart_rows, float(lo), float(hi), refs, ticks)
        sections.append(Section(title, header, rows, chart, has_hidden=hidden))
    return sections


def _share_count(n: int | None, of: int | None, f: Formatter) -> str:
    return f.number(n) + (f" / {of}" if of else "")


def share_section(report: Report, lang: str) -> Section | None:
    """The declared shares, overall and per cell, against baseline and target."""
    if not report.declared_shares:
        return None
    f = Formatter(lang)
    header = [_("Share"), _("Group"), "n", _("Percent"), _("95 % CI"), _("Baseline"),
              _("Difference"), "p", _("Target")]
    rows, chart_rows, notes, hidden = [], [], [], False
    for share_id, s in report.declared_shares.items():
        name = f.text(s.label) or share_id
        base, target = s.baseline, s.target
        base_text = HIDDEN
        if base:
            base_text = f"{f.number(base.pct, 0)} % ({base.year or ''})"
            if base.assumption:
                base_text += " *"
                notes.append(_("* %(name)s: the baseline is an assumption, not a published "
                               "figure.", name=name))
        rows.append([name, _("All"), _share_count(s.n, s.of, f), f.percent(s.pct),
                     f.interval(s.ci95, 1, " %"), base_text, f.percent(base and base.diff_pct),
                     f.p(base and base.p), f.percent(target and target.pct)])
        hidden |= s.pct is None
        chart_rows.append(Row(name, s.pct, *_ci_ends(s.ci95), marker=base.pct if base else None))
        for g in s.groups:
            hidden |= g.suppressed
            rows.append([name, by_text(g.by), _share_count(g.n, g.of, f), f.percent(g.pct),
                         f.interval(g.ci95, 1, " %"), "", "", f.p(g.vs_rest and g.vs_rest.p_holm), ""])
    notes.insert(0, _("The diamond in the chart marks the 2014 baseline share."))
    chart = dot_chart(_("Shares against the baseline"), chart_rows, 0.0, 100.0,
                      ticks=[0, 20, 40, 60, 80, 100], unit=" %")
    return Section(_("Shares against the baseline and target"), header, rows, chart, notes,
                   hidden)


def index_sections(report: Report, instrument: Instrument, lang: str) -> list[Section]:
    """One section per index: the city and each area with its level and change."""
    f = Formatter(lang)
    variables = {v.id: v.label.get(lang) for i in instrument.indices.values() for v in i.variables}
    comparison = report.comparison
    out = []
    for index_id, ix in report.indices.items():
        levels = ix.levels

        def colour(level: int | None) -> str:
            return levels[level].colour if level is not None and level < len(levels) else "#777"

        def at_4_6(names: tuple[str, ...] | None) -> str:
            return HIDDEN if names is None else (", ".join(variables.get(v, v) for v in names) or "–")

        o = ix.overall
        change = comparison.indices.get(index_id) if comparison is not None else None
        changes = {by_text(g.by): g.change for g in change.groups} if change else {}
        header = [_("Area"), "n", _("Index"), _("Level"), _("Variables at 4–6")]
        if change:
            header.append(_("Change"))
        rows = [[_("Whole city"), f.number(o.n), f.number(o.index), f.text(o.level_label) or HIDDEN,
                 ", ".join(variables.get(v, v) for v in o.variables_at_4_6 or ()) or "–",
                 *([f.signed(change.change)] if change else [])]]
        chart_rows = [Row(_("Whole city"), o.index, colour=colour(o.level))]
        hidden = False
        for g in ix.groups:
            hidden |= g.suppressed
            rows.append([by_text(g.by), f.number(g.n), f.number(g.index), f.text(g.level_label) or HIDDEN,
                         at_4_6(g.variables_at_4_6),
                         *([f.signed(changes.get(by_text(g.by)))] if change else [])])
            chart_rows.append(Row(by_text(g.by), g.index, colour=colour(g.level)))
        refs = []
        notes = []
        if change:
            notes.append(_("Change: the index now minus the index of the earlier wave "
                           "(%(value)s for the whole city).", value=f.number(change.previous)))
        base = o.baseline
        if base:
            refs.append(Reference(base.value, _("City %(year)s", year=base.year or "")))
            notes.append(_("The city value is %(value)s against %(base)s in %(year)s "
                           "(difference %(diff)s).", value=f.number(o.index),
                           base=f.number(base.value), year=base.year or "", diff=f.number(base.diff)))
        if ix.goal_max is not None:
            refs.append(Reference(ix.goal_max, _("Goal ≤"), colour="#1d6b2f", dashed=False))
            met = ix.goal_met
            notes.append(_("Goal: an index of at most %(goal)s in every area.",
                           goal=f.number(ix.goal_max)) + " " +
                         (_("Met in every area shown.") if met else
                          _("Not met in every area.") if met is False else ""))
        for lv in levels:
            notes.append(f"{f.text(lv.label)}: ≤ {lv.max}")
        title = f.text(ix.label) or index_id
        chart = dot_chart(title, chart_rows, 0.0, 6.0, refs, [0, 1, 2, 3, 4, 5, 6])
        out.append(Section(title, header, rows, chart, notes, hidden))
    return out


def theme_sections(report: Report, instrument: Instrument, lang: str) -> list[Section]:
    """One table per multi item: the share of each area naming each theme, and the change."""
    f = Formatter(lang)
    change = report.comparison.themes if report.comparison is not None else {}
    out = []
    for item_id, block in report.themes.items():
        item = instrument.item(item_id)
        scale = instrument.response_scale(item)
        codes = [(str(o.code), o.label.get(lang)) for o in (scale.options if scale else ())]
        header = [_("Area"), "n", *[c[1] for c in codes]]
        item_change = change.get(item_id)
        changes = {by_text(g.by): g for g in item_change.groups} if item_change else {}
        rows, hidden = [], False
        for g in block.groups:
            hidden |= g.suppressed
            name = by_text(g.by)
            cells = []
            for code, _lbl in codes:
                if g.suppressed:
                    cells.append(HIDDEN)
                    continue
                text = f.number(g.shares[code].pct, 0, " %")
                ch = changes.get(name)
                if ch is not None:
                    delta = None if ch.suppressed or not ch.change_pct else ch.change_pct[code].change_pct
                    text += f" ({f.signed(delta, 0, ' %')})"
                cells.append(text)
            rows.append([name, f.number(g.n), *cells])
        notes = [_("In brackets: the change in percentage points since the earlier wave.")] \
            if item_change else []
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


def comparison_section(report: Report, lang: str) -> Section | None:
    """The change of every scale (overall and per cell) and declared share since the earlier wave."""
    comp = report.comparison
    if comp is None:
        return None
    f = Formatter(lang)
    rows = []
    for scale_id, c in comp.scales.items():
        scale = report.scales[scale_id]
        name = f.text(scale.label) or scale_id
        rows.append(_change_row(name, c, scale.overall.mean, f))
        current = {by_text(g.by): g for g in scale.groups}
        for g in c.groups:
            now = current.get(by_text(g.by))
            rows.append(_change_row(f"{name}: {by_text(g.by)}", g,
                                    None if g.suppressed or now is None else now.mean, f))
    for share_id, c in comp.declared_shares.items():
        entry = report.declared_shares[share_id]
        name = f.text(entry.label) or share_id
        prev = c.previous
        rows.append([name, f.number(prev and prev.of), f.percent(prev and prev.pct),
                     f.percent(entry.pct), f.percent(c.diff_pct), "", f.p(c.p), "", ""])
    header = [_("Scale or share"), _("Earlier n"), _("Earlier"), _("Now"), _("Difference"), "t",
              "p", "Hedges g", _("95 % CI of g")]
    return Section(_("Change since the earlier wave"), header, rows,
                   has_hidden=any(HIDDEN in r for r in rows))


def _change_row(name: str, c: ScaleChange, now: float | None, f: Formatter) -> list[str]:
    prev, welch = c.previous, c.welch
    return [name, f.number(prev and prev.n), f.number(prev and prev.mean), f.number(now),
            f.number(c.diff), f.number(welch and welch.t), f.p(welch and welch.p), f.number(c.hedges_g),
            f.interval(c.hedges_g_ci95)]
