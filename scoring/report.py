"""``score_report``: the typed report (``scoring.model``) of one wave, whose
JSON (``scoring.model_json``) is what ``survey-engine score --format json`` prints.

The only module that knows the instrument and the dataset; everything it
calls works on plain arrays. Every aggregate is suppressed (small cells).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence, Union

import numpy as np

from .disclosure import Breakdown, BreakdownError, Disclosure
from .comparison import (check_comparable, compare_scale, compare_scale_groups, compare_share, different_instruments,
                         scale_missing)
from .errors import IncomparableError, ScoringError
from .jsonsafe import num, pct
from .model import (CodeTable, Comparison, DeclaredShare, IndexCellChange, IndexChange, IndexResult, InstrumentRef,
                    Report, ScaleChange, ScaleResult, ShareChange, ThemeCellChange, ThemeChange, ThemeOptionChange,
                    Themes)
from .report_index import score_index
from .report_scales import scale_matrix, score_scale
from .report_shares import (code_table, declared_share, item_shares, multi_answered, multi_shares, theme_cells,
                            themes)
from .shares import columns_code_counts

if TYPE_CHECKING:
    from surveys.dataset import Dataset
    from surveys.instrument import Instrument, Share

Compare = Union["Dataset", tuple["Instrument", "Dataset"], None]


class _Wave:
    """One dataset read against an instrument: column lookup, missing codes,
    cached breakdowns."""

    def __init__(self, instrument: "Instrument", dataset: "Dataset") -> None:
        self.instrument = instrument
        self.dataset = dataset
        self.col = {c: j for j, c in enumerate(dataset.columns)}
        self.missing_codes: dict[str, tuple[int, ...]] = {}
        order: dict[str, list[str]] = {}
        for item in instrument.items:
            rs = instrument.response_scale(item)
            if rs is not None and rs.missing_codes:
                self.missing_codes[item.id] = tuple(rs.missing_codes)
            if item.group and rs is not None and item.options_from != "preset":
                order[item.group] = [o.label.get() for o in rs.options]
        #: the one disclosure-control step of every figure of this wave
        self.disclosure = Disclosure(dataset.groups, dataset.n, instrument.group_columns,
                                     instrument.suppression_min_n, instrument.nested_groups, order)

    def breakdown(self, by: Sequence[str]) -> Breakdown | None:
        return self.disclosure.breakdown(by) if by else None

    def same_breakdown(self, other: Breakdown | None) -> Breakdown | None:
        """This wave's breakdown by the columns of ``other`` (None when this
        wave cannot publish it)."""
        if other is None:
            return None
        try:
            return self.disclosure.breakdown(other.table)
        except BreakdownError:
            return None

    def has(self, column: str) -> bool:
        return column in self.col

    def column(self, item_id: str) -> np.ndarray:
        x = self.dataset.matrix[:, self.col[item_id]]
        codes = self.missing_codes.get(item_id)
        if codes:
            x = np.where(np.isin(x, np.asarray(codes, dtype=np.float64)), np.nan, x)
        return x

    def multi_block(self, item_id: str, codes: Sequence[int]) -> np.ndarray | None:
        names = [f"{item_id}_{c}" for c in codes]
        if not all(n in self.col for n in names):
            return None
        return self.dataset.matrix[:, [self.col[n] for n in names]]

    def scale_items(self, scale) -> np.ndarray:
        missing = [i for i in scale.items if i not in self.col]
        if missing:
            raise ScoringError(f"scale {scale.id!r}: the data has no column for {', '.join(missing)}")
        return scale_matrix(self.dataset.matrix, self.col, scale.items, self.missing_codes)


def score_report(instrument: "Instrument", dataset: "Dataset", by: Sequence[str] = (),
                 compare: Compare = None) -> Report:
    """Score ``dataset`` against ``instrument``: the typed report
    (``scoring.model``; ``scoring.model_json.report_to_json`` gives the JSON
    object of DESIGN.md).

    ``by`` names one or two declared group columns (two give the cross
    breakdown; a nested column alone comes with its parent); anything else
    raises :class:`scoring.disclosure.BreakdownError`. Every figure passes
    the wave's joint disclosure control (``scoring.disclosure``).
    ``compare`` is an earlier wave of the same instrument (a Dataset, or an
    (instrument, Dataset) pair when the instrument version differs); raises
    :class:`IncomparableError` when a scale is defined differently.
    """
    by = tuple(by)
    wave = _Wave(instrument, dataset)
    min_n = int(instrument.suppression_min_n)
    cells = wave.breakdown(by)
    if cells is not None:
        by = cells.table
    area_cells = cells
    if area_cells is None and "area" in wave.disclosure.columns:
        area_cells = wave.breakdown(("area",))

    previous = _previous_wave(instrument, compare)
    scales: dict[str, ScaleResult] = {}
    shares: dict[str, CodeTable] = {}
    declared: dict[str, DeclaredShare] = {}
    indices: dict[str, IndexResult] = {}
    theme_tables: dict[str, Themes] = {}
    scale_changes: dict[str, ScaleChange] = {}
    share_changes: dict[str, ShareChange] = {}
    index_changes: dict[str, IndexChange] = {}
    theme_changes: dict[str, ThemeChange] = {}

    for scale in instrument.scales.values():
        result, scores = score_scale(scale, wave.scale_items(scale), cells, min_n)
        scales[scale.id] = result
        if previous is not None:
            prev_scale = previous.instrument.scales.get(scale.id)
            if prev_scale is None:
                raise scale_missing(scale.id)
            check_comparable(scale, prev_scale)
            try:
                _, prev_scores = score_scale(prev_scale, previous.scale_items(prev_scale), None, min_n)
            except ScoringError as exc:
                raise IncomparableError(f"cannot compare waves: {exc}", "earlier_unscorable",
                                        scale=scale.id, detail=str(exc)) from None
            groups = _scale_group_change(previous, cells, result, scores, prev_scores, min_n)
            scale_changes[scale.id] = compare_scale(scores, prev_scores, min_n, groups)

    shares.update(_single_item_shares(wave, min_n))
    for item in instrument.items:
        rs = instrument.response_scale(item)
        if rs is None or item.group:
            continue
        codes = list(rs.codes)
        if item.kind == "multi":
            block = wave.multi_block(item.id, codes)
            if block is None:
                continue
            shares[item.id] = multi_shares(item.id, block, codes, min_n)
            if area_cells is not None:
                theme_tables[item.id] = Themes(item.id, tuple(area_cells.table),
                                               themes(block, codes, area_cells, min_n))
                if previous is not None:
                    theme_changes[item.id] = _theme_change(previous, item.id, codes, area_cells,
                                                           theme_tables[item.id], min_n)

    for share in instrument.shares.values():
        x = _share_values(wave, instrument, share)
        if x is None:
            continue
        declared[share.id] = declared_share(share, x, cells, min_n)
        y = _share_values(previous, instrument, share) if previous is not None else None
        if y is not None:
            hit = np.asarray(share.codes, dtype=np.float64)
            share_changes[share.id] = compare_share(
                int(np.isin(x, hit).sum()), int((~np.isnan(x)).sum()),
                int(np.isin(y, hit).sum()), int((~np.isnan(y)).sum()), min_n)

    for index in instrument.indices.values():
        items = [v.item for v in index.variables]
        if not all(wave.has(i) for i in items):
            continue
        X = np.column_stack([wave.column(i) for i in items])
        indices[index.id] = score_index(index, X, area_cells, min_n)
        if previous is not None and all(previous.has(i) for i in items):
            prev_cells = previous.same_breakdown(area_cells)
            Y = np.column_stack([previous.column(i) for i in items])
            index_changes[index.id] = _index_change(indices[index.id], score_index(index, Y, prev_cells, min_n))
    comparison = None
    if previous is not None:
        comparison = Comparison(previous.dataset.n, scale_changes, share_changes, index_changes, theme_changes)
    return Report(InstrumentRef(instrument.id, instrument.version, instrument.sha256), dataset.n, min_n,
                  tuple(by), scales, shares, declared, indices, theme_tables, comparison)


def _single_item_shares(wave: _Wave, min_n: int) -> dict[str, CodeTable]:
    """Shares of every code of every single-choice item (group items are
    breakdowns, not shares), small integer codes counted in one pass."""
    items = [i for i in wave.instrument.items
             if i.kind == "single" and not i.group and wave.has(i.id) and wave.instrument.response_scale(i)]
    out: dict[str, CodeTable] = {}
    small = [i for i in items if all(0 <= c <= 1000 for c in wave.instrument.response_scale(i).codes)]
    if small:
        max_code = max(max(wave.instrument.response_scale(i).codes) for i in small)
        table, answered = columns_code_counts(wave.dataset.matrix, [wave.col[i.id] for i in small], max_code)
        for j, item in enumerate(small):
            codes = list(wave.instrument.response_scale(item).codes)
            out[item.id] = code_table(item.id, table[j, codes], codes, int(answered[j]), min_n)
    for item in items:
        if item.id not in out:
            codes = list(wave.instrument.response_scale(item).codes)
            out[item.id] = item_shares(item.id, wave.dataset.matrix[:, wave.col[item.id]], codes, min_n)
    # keep questionnaire order
    return {i.id: out[i.id] for i in items}


def _previous_wave(instrument: "Instrument", compare: Compare) -> _Wave | None:
    if compare is None:
        return None
    if isinstance(compare, tuple):
        prev_instrument, prev_dataset = compare
        if prev_instrument.id != instrument.id:
            raise different_instruments(instrument.id, prev_instrument.id)
    else:
        prev_instrument, prev_dataset = instrument, compare
    return _Wave(prev_instrument, prev_dataset)


def _scale_group_change(previous: _Wave, cells, result: ScaleResult, scores: np.ndarray, prev_scores: np.ndarray,
                        min_n: int) -> tuple[ScaleChange, ...]:
    """Per cell of the breakdown present in both waves: the scale's wave
    comparison (empty without a breakdown or when the earlier wave lacks
    the breakdown's columns)."""
    prev = previous.same_breakdown(cells)
    if cells is None or prev is None:
        return ()
    hidden = np.array([g.suppressed for g in result.groups], dtype=bool)
    prev_hidden = prev.hidden(~np.isnan(prev_scores))
    return compare_scale_groups(scores, cells.cells, hidden, prev_scores, prev.cells, prev_hidden, min_n)


def _theme_change(previous: _Wave, item_id: str, codes, cells, current: Themes, min_n: int) -> ThemeChange:
    """Per cell (area): the previous wave's share naming each theme and the change."""
    block = previous.multi_block(item_id, codes)
    prev_cells = previous.same_breakdown(cells)
    if block is None or prev_cells is None:
        return ThemeChange(item_id, tuple(cells.table), ())
    n, named, hidden, option_hidden = theme_cells(block, codes, prev_cells, min_n)
    prev = {labels: g for g, labels in enumerate(prev_cells.cells.labels)}
    out = []
    for cur in current.groups:
        key = tuple(cur.by[c] for c in cells.table)
        g = prev.get(key)
        if cur.suppressed or g is None or hidden[g]:
            out.append(ThemeCellChange(cur.by, True, None, None))
            continue
        change = {}
        for j, c in enumerate(codes):
            now = cur.shares[str(c)].pct
            if option_hidden[g, j] or now is None:  # a small numerator on either side
                change[str(c)] = ThemeOptionChange(None, None)
                continue
            before = named[g, j] / n[g]
            change[str(c)] = ThemeOptionChange(pct(before), num(now - 100.0 * before))
        out.append(ThemeCellChange(cur.by, False, int(n[g]), change))
    return ThemeChange(item_id, tuple(cells.table), tuple(out))


def _index_change(current: IndexResult, previous: IndexResult) -> IndexChange:
    """The previous wave's index overall and per cell, and the change."""
    def diff(a, b):
        return None if a is None or b is None else a - b

    prev_groups = {tuple(sorted(g.by.items())): g for g in previous.groups}
    groups = []
    for g in current.groups:
        p = prev_groups.get(tuple(sorted(g.by.items())))
        before = None if p is None or p.suppressed else p.index
        now = None if g.suppressed else g.index
        groups.append(IndexCellChange(g.by, before, diff(now, before)))
    return IndexChange(previous.overall.index, diff(current.overall.index, previous.overall.index), tuple(groups))


def _share_values(wave: "_Wave | None", instrument: "Instrument", share: "Share") -> np.ndarray | None:
    """The values a declared share counts: the item's column, or for a
    ``multi`` item one value per respondent that is one of the share's codes
    where any of them was named, -1 where the item was answered without
    naming one, and NaN where it was not answered. None: not in the data."""
    if wave is None:
        return None
    if wave.has(share.item):
        return wave.column(share.item)
    item = next((i for i in instrument.items if i.id == share.item), None)
    scale = instrument.response_scale(item) if item is not None and item.kind == "multi" else None
    block = wave.multi_block(item.id, list(scale.codes)) if scale is not None else None
    if block is None:
        return None
    named = np.isin(np.asarray(scale.codes), np.asarray(share.codes))
    values = np.where((block[:, named] == 1).any(axis=1), float(share.codes[0]), -1.0)
    values[~multi_answered(block)] = np.nan
    return values
