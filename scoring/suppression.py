"""Small-cell suppression.

Primary: a cell with fewer than ``min_n`` respondents is hidden.
Secondary: a hidden cell must not be recoverable from what is shown. When a
set of cells has a known sum (the whole breakdown, whose total is the overall
figure; with two columns also every row and every column, which a one-column
breakdown may show) and exactly one of them is hidden, that cell equals the
sum minus the shown cells, so the smallest shown cell of the set is hidden
too. The same holds for means, since n x mean is additive. With two columns
a final linear-algebra check catches patterns the set-by-set rule misses.
"""
from __future__ import annotations

import numpy as np


def primary(n: np.ndarray, min_n: int) -> np.ndarray:
    """Cells with fewer than ``min_n`` respondents (True = hidden)."""
    return np.asarray(n) < min_n


def _hide_smallest_shown(n: np.ndarray, hidden: np.ndarray, members: np.ndarray) -> bool:
    shown = members[~hidden[members]]
    if shown.size == 0:
        return False
    # smallest n first; ties go to the earlier cell so the result is deterministic
    pick = shown[np.lexsort((shown, np.asarray(n)[shown]))[0]]
    hidden[pick] = True
    return True


def derivable(hidden: np.ndarray, constraints: list[np.ndarray]) -> np.ndarray:
    """Hidden cells whose value follows from the known sums of ``constraints``
    and the shown cells (True = derivable).

    Cell j is derivable exactly when the unit vector e_j lies in the row space
    of the constraints restricted to the hidden cells, i.e. when every vector
    of that matrix's null space is zero at j.
    """
    hidden = np.asarray(hidden, dtype=bool)
    idx = np.flatnonzero(hidden)
    out = np.zeros(hidden.shape, dtype=bool)
    if idx.size == 0:
        return out
    pos = {c: i for i, c in enumerate(idx)}
    rows = []
    for members in constraints:
        row = np.zeros(idx.size)
        for c in members:
            if c in pos:
                row[pos[c]] = 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return out
    A = np.array(rows)
    _, s, vt = np.linalg.svd(A)
    rank = int((s > 1e-9 * max(s.max(), 1.0)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        out[idx] = True
    else:
        out[idx] = np.abs(null).max(axis=0) < 1e-9
    return out


def suppress(n: np.ndarray, min_n: int, constraints: list[np.ndarray] | None = None) -> np.ndarray:
    """Hidden cells (True) after primary and secondary suppression.

    ``n`` is the respondent count per cell; ``constraints`` lists the sets
    of cells whose sum is known (default: all cells together).
    """
    n = np.asarray(n)
    hidden = primary(n, min_n).copy()
    if constraints is None:
        constraints = [np.arange(n.size)]
    constraints = [np.asarray(c, dtype=np.int64) for c in constraints if len(c)]
    changed = True
    while changed:
        changed = False
        for members in constraints:
            if hidden[members].sum() == 1 and _hide_smallest_shown(n, hidden, members):
                changed = True
        if not changed and len(constraints) > 1:
            found = np.flatnonzero(derivable(hidden, constraints))
            for cell in found:
                for members in constraints:
                    if cell in members and _hide_smallest_shown(n, hidden, members):
                        changed = True
                        break
                if changed:
                    break
    return hidden
