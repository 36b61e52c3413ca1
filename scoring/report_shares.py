"""The ``shares``, ``declared_shares`` and ``themes`` sections of the report."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .disclosure import Breakdown, code_table_hidden, share_shown
from .inference import binomial_test, holm, progress_to_target, two_proportions, wilson_interval
from .jsonsafe import num, pct
from .model import (CodeShare, CodeTable, DeclaredShare, Note, ShareBaseline, ShareCell, ShareRestTest, ShareTarget,
                    ThemeCell, ThemeShare)
from .shares import code_counts, grouped_share

if TYPE_CHECKING:
    from surveys.instrument import Share


def code_table(item: str, counts: np.ndarray, codes, n: int, min_n: int, exclusive: bool = True) -> CodeTable:
    """The share of each code (as text) of ``item``; None for a code that fails
    the numerator rule (k and n - k each 0 or at least min_n) and, when the
    codes are ``exclusive`` (they sum to n), for as many more as keep the
    hidden ones from being recovered; all None when n < min_n."""
    counts = np.asarray(counts)
    lo, hi = wilson_interval(counts, n)
    hidden = code_table_hidden(counts, n, min_n) if exclusive else ~share_shown(counts, n, min_n)
    out = {}
    for c, k, a, b, h in zip(codes, counts, lo, hi, hidden):
        if n < min_n or h:
            out[str(c)] = CodeShare(None, None, None)
        else:
            out[str(c)] = CodeShare(int(k), pct(k / n), (pct(a), pct(b)))
    return CodeTable(item, out)


def item_shares(item: str, x: np.ndarray, codes, min_n: int) -> CodeTable:
    """Shares of every response code of a single-choice item."""
    counts, n = code_counts(x, codes)
    return code_table(item, counts, codes, n, min_n)


def multi_answered(block: np.ndarray) -> np.ndarray:
    """Respondents who answered a multi item (any of its 0/1 columns present)."""
    return ~np.isnan(block).all(axis=1)


def multi_shares(item: str, block: np.ndarray, codes, min_n: int) -> CodeTable:
    """Share naming each option of a multi item among those who answered it."""
    answered = multi_answered(block)
    n = int(answered.sum())
    counts = (block[answered] == 1).sum(axis=0)
    return code_table(item, counts, codes, n, min_n, exclusive=False)


def declared_share(share: "Share", x: np.ndarray, cells: Breakdown | None, min_n: int) -> DeclaredShare:
    """A declared share (e.g. never tried): overall with baseline (exact
    binomial test) and target, and per cell with a test against the rest.
    Overall and per cell, a share is shown only when it passes the
    numerator rule, decided jointly over every published table."""
    answered = ~np.isnan(x)
    hit = np.isin(x, np.asarray(share.codes, dtype=np.float64))
    k, n = int(hit.sum()), int(answered.sum())
    shown = bool(share_shown(k, n, min_n))
    lo, hi = wilson_interval(k, n)
    p = k / n if n else np.nan
    baseline = target = None
    if share.baseline is not None and shown:
        b = share.baseline
        baseline = ShareBaseline(b.value, 100.0 * b.value, b.year, b.assumption, pct(p - b.value),
                                 num(binomial_test(k, n, b.value)))
    if share.target is not None and shown:
        t = share.target
        progress = None
        if share.baseline is not None:
            progress = num(progress_to_target(p, share.baseline.value, t.value))
        target = ShareTarget(t.value, 100.0 * t.value, t.year, progress)
    groups = _share_cells(x, share.codes, cells, min_n, overall_shown=shown) if cells is not None else ()
    return DeclaredShare(
        id=share.id, item=share.item, codes=tuple(share.codes), label=dict(share.label.values),
        suppressed=not shown,
        note=None if shown else (Note.SMALL_NUMERATOR if n >= min_n else Note.SMALL_GROUP),
        n=k if shown else None, of=n if shown else None,
        pct=pct(p) if shown else None, ci95=(pct(lo), pct(hi)) if shown else None,
        baseline=baseline, target=target, groups=groups)


def _share_cells(x: np.ndarray, codes, breakdown: Breakdown, min_n: int,
                 overall_shown: bool) -> tuple[ShareCell, ...]:
    cells = breakdown.cells
    answered = ~np.isnan(x)
    k, n = grouped_share(x, codes, cells.codes, cells.size)
    group_hidden = breakdown.hidden(answered)
    hidden = group_hidden | breakdown.share_hidden(answered, np.isin(x, np.asarray(codes, dtype=np.float64)))
    K, N = int(k.sum()), int(n.sum())
    lo, hi = wilson_interval(k, n)
    # the test against the rest uses the overall counts: only when those are shown
    tests = [None if hidden[g] or not overall_shown else
             two_proportions(int(k[g]), int(n[g]), K - int(k[g]), N - int(n[g]))
             for g in range(cells.size)]
    p_holm = holm([np.nan if t is None else t.p for t in tests])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = k / n  # NaN (null) for a cell where nobody answered
    out = []
    for g, labels in enumerate(cells.labels):
        by = dict(zip(cells.columns, labels))
        if hidden[g]:
            out.append(ShareCell(by, True, Note.SMALL_GROUP if group_hidden[g] else Note.SMALL_NUMERATOR,
                                 None, None, None, None, None))
            continue
        t = tests[g]
        out.append(ShareCell(by, False, None, int(k[g]), int(n[g]), pct(share[g]), (pct(lo[g]), pct(hi[g])),
                             None if t is None else
                             ShareRestTest(t.test, pct(t.diff), num(t.p), num(p_holm[g]))))
    return tuple(out)


def theme_cells(block: np.ndarray, codes, breakdown: Breakdown,
                min_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: respondents who answered the multi item, counts naming each
    option (cells x options), the hidden cells and the hidden options
    (cells x options: the numerator rule per option)."""
    cells = breakdown.cells
    answered = multi_answered(block)
    g = cells.codes[answered]
    n = np.bincount(g, minlength=cells.size)
    named = np.stack([np.bincount(g, weights=(block[answered, j] == 1), minlength=cells.size)
                      for j in range(len(codes))], axis=1).astype(np.int64) if len(codes) else \
        np.zeros((cells.size, 0), dtype=np.int64)
    hidden = breakdown.hidden(answered)
    option_hidden = np.zeros((cells.size, len(codes)), dtype=bool)
    for j in range(len(codes)):
        option_hidden[:, j] = hidden | breakdown.share_hidden(answered, answered & (block[:, j] == 1))
    return n, named, hidden, option_hidden


def themes(block: np.ndarray, codes, breakdown: Breakdown, min_n: int) -> tuple[ThemeCell, ...]:
    """Share naming each theme of a multi item, per cell (e.g. per area);
    a theme named by too few (or all but too few) of a cell is None."""
    n, named, hidden, option_hidden = theme_cells(block, codes, breakdown, min_n)
    cells = breakdown.cells
    out = []
    for g, labels in enumerate(cells.labels):
        by = dict(zip(cells.columns, labels))
        if hidden[g]:
            out.append(ThemeCell(by, True, None, None))
            continue
        out.append(ThemeCell(by, False, int(n[g]), {
            str(c): ThemeShare(None, None, True) if option_hidden[g, j] else
            ThemeShare(int(named[g, j]), pct(named[g, j] / n[g]) if n[g] else None, False)
            for j, c in enumerate(codes)}))
    return tuple(out)
