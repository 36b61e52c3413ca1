"""The yearly report as data: a frozen :class:`ReportDocument` built from a
wave's scored report(s), its comparison wave, its trend, its counts and its
instrument.

:func:`build_document` is the only place that reads the scored report (the
typed model of ``scoring.model``); the renderer reads the document. Every
figure in it has already passed the disclosure step (the model's ``None``
is a hidden figure). No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence

from surveys.yearly_report.texts import Texts

if TYPE_CHECKING:
    from scoring import model
    from scoring.trend import Trend
    from surveys.instrument import Instrument

Status = Literal["on_track", "not_on_track", "unclear"]
Interval = tuple[float, float]


@dataclass(frozen=True)
class WaveInfo:
    """A wave as the report names it."""

    slug: str
    label: str


@dataclass(frozen=True)
class Counts:
    """How many took part: from the store's progress counts and the data."""

    mode: str  # "codes" or "open"
    submitted: int
    imported: int
    in_progress: int
    codes_issued: int
    codes_spent: int
    #: ISO weeks ("2018-W10") of the first and last submission, if any.
    first_week: str | None = None
    last_week: str | None = None

    @property
    def response_rate(self) -> float | None:
        """Codes used (spent) over codes issued, in percent; None without codes."""
        return 100.0 * self.codes_spent / self.codes_issued if self.codes_issued else None


@dataclass(frozen=True)
class Goal:
    """One goal of the summary: where it started, where it should go, where
    it is now (with its interval when there is one)."""

    name: str
    unit: str  # "" or "%"
    baseline: float | None
    baseline_year: int | None
    baseline_assumed: bool
    target: float
    now: float | None
    ci: Interval | None
    #: "at_most": the goal is a ceiling for the value itself (trygghetsindex ≤ 2).
    kind: Literal["towards", "at_most"] = "towards"

    @property
    def status(self) -> Status:
        """On track, not on track or unclear (the rule the summary states)."""
        if self.now is None:
            return "unclear"
        if self.kind == "at_most":
            return "on_track" if self.now <= self.target else "not_on_track"
        if self.baseline is None or self.ci is None:
            return "unclear"
        up = self.target >= self.baseline
        low, high = self.ci
        if (low >= self.target) if up else (high <= self.target):
            return "on_track"  # reached
        if (low > self.baseline) if up else (high < self.baseline):
            return "on_track"
        if (high < self.baseline) if up else (low > self.baseline):
            return "not_on_track"
        return "unclear"


@dataclass(frozen=True)
class Row:
    """One line of a section's table and the same line of its chart."""

    label: str
    #: The breakdown column of a group row; None for the overall row.
    group: str | None
    n: int | None
    value: float | None
    ci: Interval | None
    sd: float | None = None
    #: A share's denominator (who answered the item).
    of: int | None = None

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Change:
    """The overall change since the comparison wave."""

    previous_n: int | None
    previous: float | None
    diff: float | None
    p: float | None
    effect: float | None = None  # Hedges' g for a scale


@dataclass(frozen=True)
class BaselineTest:
    value: float
    year: int | None
    assumed: bool
    diff: float | None
    p: float | None


@dataclass(frozen=True)
class FigureSection:
    """A scale or a declared share: its chart and its table."""

    id: str
    kind: Literal["scale", "share"]
    title: str
    unit: str
    lo: float
    hi: float
    rows: tuple[Row, ...]
    baseline: BaselineTest | None
    target: float | None
    change: Change | None
    #: Why the overall share is hidden ("small_numerator"), if it is.
    note: str | None = None

    @property
    def has_hidden(self) -> bool:
        return any(r.hidden for r in self.rows)


@dataclass(frozen=True)
class IndexLevel:
    max: float
    label: str
    colour: str


@dataclass(frozen=True)
class AreaIndex:
    label: str
    n: int | None
    index: float | None
    level: int | None
    level_label: str | None
    #: Labels of the variables classed 4–6 (None: hidden).
    at_4_6: tuple[str, ...] | None
    change: float | None = None

    @property
    def hidden(self) -> bool:
        return self.index is None


@dataclass(frozen=True)
class IndexSection:
    id: str
    title: str
    city: AreaIndex
    areas: tuple[AreaIndex, ...]
    levels: tuple[IndexLevel, ...]
    goal_max: float | None
    baseline: BaselineTest | None
    previous_city: float | None

    @property
    def has_hidden(self) -> bool:
        return any(a.hidden for a in self.areas)


@dataclass(frozen=True)
class ThemeCell:
    pct: float | None
    change: float | None = None


@dataclass(frozen=True)
class ThemeSection:
    """Share naming each theme per area (rows: themes; columns: areas)."""

    id: str
    title: str
    areas: tuple[str, ...]
    area_n: tuple[int | None, ...]
    themes: tuple[str, ...]
    cells: tuple[tuple[ThemeCell, ...], ...]  # [theme][area]
    compared: bool

    @property
    def has_hidden(self) -> bool:
        return any(c.pct is None for row in self.cells for c in row)


@dataclass(frozen=True)
class Method:
    """What the method annex states."""

    counts: Counts
    min_n: int
    instrument_id: str
    instrument_version: str
    sha256: str
    reconstructed: int
    questions: int
    assumed_baselines: tuple[str, ...]
    breakdowns: tuple[str, ...]


@dataclass(frozen=True)
class ReportDocument:
    """Everything the yearly report shows, in one language."""

    lang: str
    title: str
    wave: WaveInfo
    previous: WaveInfo | None
    n_respondents: int
    goals: tuple[Goal, ...]
    sections: tuple[FigureSection, ...]
    indices: tuple[IndexSection, ...]
    themes: tuple[ThemeSection, ...]
    method: Method
    #: The trend over the comparable waves (two or more), when one was given.
    trend: "Trend | None" = None


def _text(values: Mapping[str, str] | None, lang: str, fallback: str) -> str:
    if not values:
        return fallback
    return values.get(lang) or values.get("sv") or fallback


def _interval(ci: Sequence[float | None] | None) -> Interval | None:
    return None if not ci or ci[0] is None or ci[1] is None else (float(ci[0]), float(ci[1]))


def _by_label(by: Mapping[str, str | None], t: Texts) -> str:
    return ", ".join(t("no_answer") if v is None else str(v) for v in by.values())


def build_document(instrument: "Instrument", wave: WaveInfo, report: "model.Report",
                   breakdowns: Mapping[str, "model.Report"], counts: Counts,
                   previous: WaveInfo | None = None, lang: str = "sv",
                   trend: "Trend | None" = None) -> ReportDocument:
    """The report of ``wave`` in ``lang`` ("sv" or "en"; ValueError otherwise).

    ``report`` is the wave's scored report (``scoring.model.Report``) without
    a breakdown, compared with ``previous`` when that is given;
    ``breakdowns`` maps a group column to the report broken down by it (each
    through the disclosure step).
    """
    t = Texts(lang)
    sections = [*_scale_sections(report, breakdowns, lang, t), *_share_sections(report, breakdowns, lang, t)]
    indices = _index_sections(report, instrument, lang, t)
    title = f"{t('report')}: {instrument.title.get(lang)}"
    return ReportDocument(
        lang=lang, title=title, wave=wave, previous=previous if report.comparison is not None else None,
        n_respondents=int(report.n_respondents), goals=_goals(sections, indices, t),
        sections=tuple(sections), indices=tuple(indices),
        themes=tuple(_theme_sections(report, instrument, lang, t)),
        method=_method(instrument, report, counts, breakdowns, lang), trend=trend)


def _rows(entry_of: Callable[[Any], Any], report: "model.Report",
          breakdowns: Mapping[str, "model.Report"], make: Callable[..., Row], t: Texts) -> tuple[Row, ...]:
    """The overall row, then each breakdown's group rows."""
    rows = [make(entry_of(report), t("all"), None)]
    for column, broken in breakdowns.items():
        entry = entry_of(broken)
        for g in entry.groups if entry is not None else ():
            rows.append(make(g, _by_label(g.by, t), column))
    return tuple(rows)


def _scale_sections(report: "model.Report", breakdowns: Mapping[str, "model.Report"], lang: str,
                    t: Texts) -> list[FigureSection]:
    out = []
    changes = report.comparison.scales if report.comparison is not None else {}
    for scale_id, s in report.scales.items():
        def entry_of(r: "model.Report", scale_id: str = scale_id) -> "model.ScaleResult | None":
            return r.scales.get(scale_id)

        def make(cell: Any, label: str, group: str | None) -> Row:
            fig = cell.overall if group is None else cell  # a ScaleResult overall, else a ScaleCell
            return Row(label, group, fig.n, fig.mean, _interval(fig.ci95), fig.sd)

        o = s.overall
        c = changes.get(scale_id)
        change = None
        if c is not None:
            change = Change(c.previous.n if c.previous else None, c.previous.mean if c.previous else None,
                            c.diff, c.welch.p if c.welch else None, c.hedges_g)
        base = None if o.baseline is None else BaselineTest(
            float(o.baseline.value), o.baseline.year, bool(o.baseline.assumption), o.baseline.diff, o.baseline.p)
        lo, hi = s.range
        out.append(FigureSection(
            scale_id, "scale", _text(s.label, lang, scale_id), "", float(lo), float(hi),
            _rows(entry_of, report, breakdowns, make, t), base,
            o.target.value if o.target is not None else None, change))
    return out


def _share_sections(report: "model.Report", breakdowns: Mapping[str, "model.Report"], lang: str,
                    t: Texts) -> list[FigureSection]:
    out = []
    changes = report.comparison.declared_shares if report.comparison is not None else {}
    for share_id, s in report.declared_shares.items():
        def entry_of(r: "model.Report", share_id: str = share_id) -> "model.DeclaredShare | None":
            return r.declared_shares.get(share_id)

        def make(cell: Any, label: str, group: str | None) -> Row:
            return Row(label, group, cell.n, cell.pct, _interval(cell.ci95), of=cell.of)

        c = changes.get(share_id)
        change = None
        if c is not None and not c.suppressed:
            change = Change(c.previous.of if c.previous else None, c.previous.pct if c.previous else None,
                            c.diff_pct, c.p)
        base = None if s.baseline is None else BaselineTest(
            float(s.baseline.pct), s.baseline.year, bool(s.baseline.assumption), s.baseline.diff_pct, s.baseline.p)
        out.append(FigureSection(
            share_id, "share", _text(s.label, lang, share_id), "%", 0.0, 100.0,
            _rows(entry_of, report, breakdowns, make, t), base,
            s.target.pct if s.target is not None else None, change,
            s.note.value if s.note is not None else None))
    return out


def _index_sections(report: "model.Report", instrument: "Instrument", lang: str, t: Texts) -> list[IndexSection]:
    out = []
    changes = report.comparison.indices if report.comparison is not None else {}
    for index_id, ix in report.indices.items():
        names = {v.id: v.label.get(lang) for v in instrument.indices[index_id].variables} \
            if index_id in instrument.indices else {}
        change = changes.get(index_id)
        by_change = {_by_label(g.by, t): g.change for g in change.groups} if change is not None else {}

        def area(cell: "model.IndexCell", label: str, delta: float | None) -> AreaIndex:
            hidden = cell.suppressed or cell.index is None
            if hidden:
                return AreaIndex(label, None, None, None, None, None, delta)
            at = cell.variables_at_4_6
            return AreaIndex(label, cell.n, cell.index, cell.level, _text(cell.level_label, lang, ""),
                             None if at is None else tuple(names.get(v, v) for v in at), delta)

        o = ix.overall
        areas = tuple(area(g, _by_label(g.by or {}, t), by_change.get(_by_label(g.by or {}, t)))
                      for g in ix.groups)
        base = None if o.baseline is None else BaselineTest(float(o.baseline.value), o.baseline.year, False,
                                                            o.baseline.diff, None)
        out.append(IndexSection(
            index_id, _text(ix.label, lang, index_id),
            area(o, t("whole_city"), change.change if change is not None else None), areas,
            tuple(IndexLevel(float(lv.max), _text(lv.label, lang, ""), lv.colour) for lv in ix.levels),
            ix.goal_max, base, change.previous if change is not None else None))
    return out


def _theme_sections(report: "model.Report", instrument: "Instrument", lang: str, t: Texts) -> list[ThemeSection]:
    out = []
    changes = report.comparison.themes if report.comparison is not None else {}
    for item_id, block in report.themes.items():
        item = instrument.item(item_id)
        scale = instrument.response_scale(item)
        options = [(str(o.code), o.label.get(lang)) for o in (scale.options if scale else ())]
        theme_change = changes.get(item_id)
        by_area = {_by_label(g.by, t): g for g in theme_change.groups} if theme_change is not None else {}
        cells = []
        for code, _label in options:
            row = []
            for g in block.groups:
                if g.suppressed or g.shares is None:
                    row.append(ThemeCell(None))
                    continue
                ch = by_area.get(_by_label(g.by, t))
                delta = None
                if ch is not None and not ch.suppressed and ch.change_pct:
                    delta = ch.change_pct[code].change_pct
                row.append(ThemeCell(g.shares[code].pct, delta))
            cells.append(tuple(row))
        out.append(ThemeSection(
            item_id, item.text.get(lang), tuple(_by_label(g.by, t) for g in block.groups),
            tuple(None if g.suppressed else g.n for g in block.groups), tuple(lbl for _c, lbl in options),
            tuple(cells), bool(theme_change is not None and theme_change.groups)))
    return out


def _goals(sections: Sequence[FigureSection], indices: Sequence[IndexSection], t: Texts) -> tuple[Goal, ...]:
    """Every scale and share with a target, and each area's index against its goal."""
    goals = []
    for s in sections:
        if s.target is None:
            continue
        overall = s.rows[0]
        base = s.baseline
        goals.append(Goal(s.title, s.unit, base.value if base else None, base.year if base else None,
                          bool(base and base.assumed), float(s.target), overall.value, overall.ci))
    for ix in indices:
        if ix.goal_max is None:
            continue
        base = ix.baseline
        for a in (ix.city, *ix.areas):
            goals.append(Goal(t("index_goal", index=ix.title, goal=t.num(ix.goal_max), area=a.label), "",
                              base.value if base and a is ix.city else None,
                              base.year if base and a is ix.city else None, False, float(ix.goal_max),
                              a.index, None, kind="at_most"))
    return tuple(goals)


def _method(instrument: "Instrument", report: "model.Report", counts: Counts,
            breakdowns: Mapping[str, "model.Report"], lang: str) -> Method:
    assumed = [_text(s.label, lang, k) for k, s in report.declared_shares.items()
               if s.baseline is not None and s.baseline.assumption]
    assumed += [_text(s.label, lang, k) for k, s in report.scales.items()
                if s.overall.baseline is not None and s.overall.baseline.assumption]
    inst = report.instrument
    items = instrument.items
    return Method(counts, int(report.suppression_min_n), inst.id, inst.version, inst.sha256,
                  sum(1 for i in items if i.reconstructed), len(items), tuple(assumed), tuple(breakdowns))
