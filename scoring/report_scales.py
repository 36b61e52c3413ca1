"""The ``scales`` section of the report: one scale, overall and per cell."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .descriptives import Moments, grouped_moments, moments, t_interval
from .disclosure import Breakdown, code_table_hidden
from .groups import group_vs_rest
from .inference import one_sample_t, progress_to_target
from .jsonsafe import count, interval, num
from .model import (ItemReliability, ItemStat, RestTest, ScaleBaseline, ScaleCell, ScaleOverall, ScaleResult,
                    ScaleTarget)
from .reliability import CrossProducts, alpha_from_covariance, cross_products
from .scales import ItemBlock, scale_scores_from_block
from .shares import columns_code_counts

if TYPE_CHECKING:
    from surveys.instrument import Scale


def scale_matrix(matrix: np.ndarray, col_index: dict[str, int], items, missing_codes: dict[str, tuple]) -> np.ndarray:
    """respondents x items copy of the scale's columns, with each item's
    "no answer" codes (e.g. 9 = vet inte) set to NaN."""
    X = np.take(matrix, [col_index[i] for i in items], axis=1)
    for j, item in enumerate(items):
        codes = missing_codes.get(item)
        if codes:
            col = X[:, j]
            col[np.isin(col, np.asarray(codes, dtype=np.float64))] = np.nan
    return X


def _pooled(m: Moments) -> Moments:
    """Moments of the union of the cells (respondents with every group label)."""
    n = np.asarray(m.n, dtype=np.float64)
    N = n.sum()
    if N == 0:
        return Moments(np.int64(0), np.float64(np.nan), np.float64(np.nan))
    means = np.where(n > 0, m.mean, 0.0)
    M = (n * means).sum() / N
    ss = np.where(n > 0, m.ss, 0.0).sum() + (n * (means - M) ** 2).sum()
    return Moments(np.int64(N), np.float64(M), np.float64(ss))


def score_scale(scale: "Scale", X: np.ndarray, cells: Breakdown | None,
                min_n: int) -> tuple[ScaleResult, np.ndarray]:
    """The report's result for one scale and the per-respondent scores.

    ``X`` (respondents x the scale's items, NaN = not answered) is owned by
    this function and overwritten.
    """
    k = X.shape[1]
    if scale.method == "correct":
        key = np.array([float(scale.key.get(i, np.nan)) for i in scale.items])
        answered_raw = ~np.isnan(X)
        X = np.where(answered_raw, (X == key).astype(np.float64), np.nan)
        lo, hi = 0.0, 1.0
        rev = np.zeros(k, dtype=bool)
    else:
        lo, hi = float(scale.response_min), float(scale.response_max)
        rev = np.array([i in scale.reversed for i in scale.items], dtype=bool)
    block = ItemBlock.from_matrix(X, copy=False)
    answered = block.answered()
    if scale.method == "correct":
        # number correct, not prorated: an unanswered item counts as not correct
        enough = answered >= max(int(scale.min_answered), 1)
        scores = np.where(enough, block.values.sum(axis=1), np.nan)
    else:
        scores = scale_scores_from_block(block, rev, lo, hi, scale.min_answered, scale.method, answered)
    signs = np.where(rev, -1.0, 1.0)
    complete = answered == k
    codes = cells.cells.codes if cells is not None else np.zeros(scores.size, dtype=np.int64)
    cp = cross_products(block.values, complete, codes, cells.cells.size if cells is not None else 1)

    m = moments(scores)
    C, n_list = cp.covariance()
    rel = alpha_from_covariance(C * np.outer(signs, signs), n_list)
    shown = int(m.n) >= min_n
    overall = _overall(m, rel.alpha if n_list >= min_n else np.nan, int(n_list), shown, scale)
    groups: tuple[ScaleCell, ...] = ()
    if cells is not None:
        groups = _group_cells(cells, scores, complete, cp, signs, min_n, list(scale.items))
    result = ScaleResult(
        id=scale.id, label=dict(scale.label.values), method=scale.method, items=tuple(scale.items),
        reversed=tuple(scale.reversed), min_answered=int(scale.min_answered),
        range=(0, k) if scale.method == "correct" else (lo, hi), overall=overall,
        item_stats=_item_stats(scale, block, lo, hi, rel, shown, min_n), groups=groups)
    return result, scores


def _overall(m: Moments, alpha: float, alpha_n: int, shown: bool, scale: "Scale") -> ScaleOverall:
    if not shown:
        return ScaleOverall(None, None, None, None, None, None, True, None, None)
    lo, hi = t_interval(m.mean, m.sd, m.n)
    return ScaleOverall(int(m.n), num(m.mean), num(m.sd), interval(lo, hi), num(alpha), alpha_n, False,
                        _baseline(scale, m), _target(scale, m))


def _baseline(scale: "Scale", m: Moments) -> ScaleBaseline | None:
    if scale.baseline is None:
        return None
    b = scale.baseline
    diff, test, d = one_sample_t(m.mean, m.sd, m.n, b.value)
    return ScaleBaseline(b.value, b.year, b.assumption, num(diff), num(test.t), num(test.df), num(test.p), num(d))


def _target(scale: "Scale", m: Moments) -> ScaleTarget | None:
    if scale.target is None:
        return None
    base = scale.baseline.value if scale.baseline else None
    progress = None if base is None else num(progress_to_target(m.mean, base, scale.target.value))
    return ScaleTarget(scale.target.value, scale.target.year, progress)


def _item_stats(scale: "Scale", block: ItemBlock, lo: float, hi: float, rel, shown: bool,
                min_n: int) -> tuple[ItemStat, ...]:
    """Per item: n, mean, SD and the answer distribution (from one bincount
    per item), with the corrected item-total r and alpha if deleted."""
    out = []
    n_missing = block.missing.sum(axis=0)
    codes = np.arange(int(lo), int(hi) + 1)
    if lo >= 0:
        full, _ = columns_code_counts(block.values, list(range(block.k)), int(hi))
        full[:, 0] -= n_missing  # missing answers sit at 0 in the block
        table = full[:, codes]
    else:
        table = np.array([[(block.values[:, j] == c).sum() for c in codes] for j in range(block.k)])
        table[:, codes == 0] -= n_missing[:, None]
    for j, item in enumerate(scale.items):
        counts = table[j]
        n = int(counts.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (counts * codes).sum() / n
            sd = np.sqrt((counts * (codes - mean) ** 2).sum() / (n - 1)) if n > 1 else np.nan
        code_hidden = code_table_hidden(counts, n, min_n)
        shown_mean, shown_sd = (num(mean), num(sd)) if shown else (None, None)
        pct_correct, distribution = None, None
        if scale.method == "correct":
            # a 0/1 item's mean is the share correct: the numerator rule applies
            ok = shown and not code_hidden.any()
            pct_correct = num(100.0 * mean) if ok else None
            if not ok:
                shown_mean = shown_sd = None
        elif shown:
            # each code's count passes the numerator rule (None where hidden)
            distribution = {str(int(c)): None if h else int(v) for c, v, h in zip(codes, counts, code_hidden)}
        out.append(ItemStat(item, item in scale.reversed, n if shown else None, shown_mean, shown_sd,
                            num(rel.r_drop[j]) if shown else None,
                            num(rel.alpha_if_deleted[j]) if shown else None, pct_correct, distribution))
    return tuple(out)


def _group_reliability(cp: CrossProducts, g: int, flip: np.ndarray, items: list[str],
                       min_n: int) -> tuple[Any, Any, tuple[ItemReliability, ...] | None]:
    """(alpha, alpha_n, per-item corrected item-total r and alpha if deleted)
    of cell ``g``; the figures are null when fewer than ``min_n`` respondents
    answered every item (alpha_n is then null too)."""
    C, m = cp.covariance(g)
    if m < min_n:
        return None, None, None
    rel = alpha_from_covariance(C * flip, m)
    per_item = tuple(ItemReliability(item, num(rel.r_drop[j]), num(rel.alpha_if_deleted[j]))
                     for j, item in enumerate(items))
    return num(rel.alpha), int(m), per_item


def _group_cells(breakdown: Breakdown, scores: np.ndarray, complete: np.ndarray, cp: CrossProducts,
                 signs: np.ndarray, min_n: int, items: list[str]) -> tuple[ScaleCell, ...]:
    cells = breakdown.cells
    size = cells.size
    gm = grouped_moments(scores, cells.codes, size)
    hidden = breakdown.hidden(~np.isnan(scores))
    # alpha_n (who answered every item) is a count of its own
    alpha_hidden = breakdown.hidden(complete)
    sd = gm.sd
    lo, hi = t_interval(gm.mean, sd, gm.n)
    flip = np.outer(signs, signs)
    rest = group_vs_rest(gm, _pooled(gm), eligible=~hidden)
    out = []
    for g, labels in enumerate(cells.labels):
        by = dict(zip(cells.columns, labels))
        if hidden[g]:
            out.append(ScaleCell(by, True, None, None, None, None, None, None, None, None))
            continue
        alpha, alpha_n, per_item = (None, None, None) if alpha_hidden[g] else \
            _group_reliability(cp, g, flip, items, min_n)
        out.append(ScaleCell(by, False, count(gm.n[g]), num(gm.mean[g]), num(sd[g]), interval(lo[g], hi[g]),
                             alpha, alpha_n, per_item,
                             RestTest(num(rest.test.t[g]), num(rest.test.df[g]), num(rest.test.p[g]),
                                      num(rest.p_holm[g]))))
    return tuple(out)
