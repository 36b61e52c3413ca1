"""The ``shares``, ``declared_shares`` and ``themes`` sections of the report."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .groups import Cells
from .inference import binomial_test, holm, progress_to_target, two_proportions, wilson_interval
from .jsonsafe import num, pct
from .shares import code_counts, grouped_share
from .suppression import suppress

if TYPE_CHECKING:
    from surveys.instrument import Share


def code_table(counts: np.ndarray, codes, n: int, min_n: int) -> dict[str, Any]:
    """{code: {n, pct, ci95}} with percentages; all null when n < min_n."""
    lo, hi = wilson_interval(counts, n)
    out = {}
    for c, k, a, b in zip(codes, counts, lo, hi):
        if n < min_n:
            out[str(c)] = {"n": None, "pct": None, "ci95": None}
        else:
            out[str(c)] = {"n": int(k), "pct": pct(k / n), "ci95": [pct(a), pct(b)]}
    return out


def item_shares(x: np.ndarray, codes, min_n: int) -> dict[str, Any]:
    """Shares of every response code of a single-choice item."""
    counts, n = code_counts(x, codes)
    return code_table(counts, codes, n, min_n)


def multi_answered(block: np.ndarray) -> np.ndarray:
    """Respondents who answered a multi item (any of its 0/1 columns present)."""
    return ~np.isnan(block).all(axis=1)


def multi_shares(block: np.ndarray, codes, min_n: int) -> dict[str, Any]:
    """Share naming each option of a multi item among those who answered it."""
    answered = multi_answered(block)
    n = int(answered.sum())
    counts = (block[answered] == 1).sum(axis=0)
    return code_table(counts, codes, n, min_n)


def declared_share(share: "Share", x: np.ndarray, cells: Cells | None, min_n: int) -> dict[str, Any]:
    """A declared share (e.g. never tried): overall with baseline (exact
    binomial test) and target, and per cell with a test against the rest."""
    answered = ~np.isnan(x)
    hit = np.isin(x, np.asarray(share.codes, dtype=np.float64))
    k, n = int(hit.sum()), int(answered.sum())
    shown = n >= min_n
    lo, hi = wilson_interval(k, n)
    p = k / n if n else np.nan
    entry: dict[str, Any] = {
        "item": share.item, "codes": list(share.codes), "label": dict(share.label.values),
        "suppressed": not shown,
        "n": k if shown else None, "of": n if shown else None,
        "pct": pct(p) if shown else None, "ci95": [pct(lo), pct(hi)] if shown else None,
        "baseline": None, "target": None, "groups": [],
    }
    if share.baseline is not None and shown:
        b = share.baseline
        entry["baseline"] = {"value": b.value, "pct": 100.0 * b.value, "year": b.year, "assumption": b.assumption,
                             "diff_pct": pct(p - b.value), "p": num(binomial_test(k, n, b.value))}
    if share.target is not None and shown:
        t = share.target
        progress = None
        if share.baseline is not None:
            progress = num(progress_to_target(p, share.baseline.value, t.value))
        entry["target"] = {"value": t.value, "pct": 100.0 * t.value, "year": t.year, "progress": progress}
    if cells is not None:
        entry["groups"] = _share_cells(x, share.codes, cells, min_n)
    return entry


def _share_cells(x: np.ndarray, codes, cells: Cells, min_n: int) -> list[dict[str, Any]]:
    k, n = grouped_share(x, codes, cells.codes, cells.size)
    hidden = suppress(n, min_n, cells.constraints())
    K, N = int(k.sum()), int(n.sum())
    lo, hi = wilson_interval(k, n)
    tests = [None if hidden[g] else two_proportions(int(k[g]), int(n[g]), K - int(k[g]), N - int(n[g]))
             for g in range(cells.size)]
    p_holm = holm([np.nan if t is None else t.p for t in tests])
    out = []
    for g, labels in enumerate(cells.labels):
        by = dict(zip(cells.columns, labels))
        if hidden[g]:
            out.append({"by": by, "suppressed": True, "n": None, "of": None, "pct": None, "ci95": None,
                        "vs_rest": None})
            continue
        t = tests[g]
        out.append({"by": by, "suppressed": False, "n": int(k[g]), "of": int(n[g]), "pct": pct(k[g] / n[g]),
                    "ci95": [pct(lo[g]), pct(hi[g])],
                    "vs_rest": {"test": t.test, "diff_pct": pct(t.diff), "p": num(t.p), "p_holm": num(p_holm[g])}})
    return out


def theme_cells(block: np.ndarray, codes, cells: Cells, min_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: respondents who answered the multi item, counts naming each
    option (cells x options), and the hidden flags."""
    answered = multi_answered(block) & (cells.codes >= 0)
    g = cells.codes[answered]
    n = np.bincount(g, minlength=cells.size)
    named = np.stack([np.bincount(g, weights=(block[answered, j] == 1), minlength=cells.size)
                      for j in range(len(codes))], axis=1).astype(np.int64) if len(codes) else \
        np.zeros((cells.size, 0), dtype=np.int64)
    return n, named, suppress(n, min_n, cells.constraints())


def themes(block: np.ndarray, codes, cells: Cells, min_n: int) -> list[dict[str, Any]]:
    """Share naming each theme of a multi item, per cell (e.g. per area)."""
    n, named, hidden = theme_cells(block, codes, cells, min_n)
    out = []
    for g, labels in enumerate(cells.labels):
        by = dict(zip(cells.columns, labels))
        if hidden[g]:
            out.append({"by": by, "suppressed": True, "n": None, "shares": None})
            continue
        out.append({"by": by, "suppressed": False, "n": int(n[g]),
                    "shares": {str(c): {"n": int(named[g, j]), "pct": pct(named[g, j] / n[g])}
                               for j, c in enumerate(codes)}})
    return out
