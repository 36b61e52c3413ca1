"""Shares: counts of response codes overall and per group."""
from __future__ import annotations

import numpy as np


def code_counts(x: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Count of each code in ``codes`` among the answered values of ``x`` and
    the number answered: (counts, n)."""
    x = np.asarray(x, dtype=np.float64)
    answered = x[~np.isnan(x)]
    codes = np.asarray(codes, dtype=np.float64)
    if codes.size and codes.min() >= 0 and codes.max() <= 10_000 and np.array_equal(codes, np.rint(codes)):
        # small non-negative integer codes: one bincount pass
        iv = answered.astype(np.int64)
        valid = (iv == answered) & (iv >= 0) & (iv <= codes.max())
        counts = np.bincount(iv[valid], minlength=int(codes.max()) + 1)[codes.astype(np.int64)]
    else:
        s = np.sort(answered)
        counts = np.searchsorted(s, codes, side="right") - np.searchsorted(s, codes, side="left")
    return counts.astype(np.int64), int(answered.size)


def grouped_share(x: np.ndarray, in_codes: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: how many answered ``x`` with one of ``in_codes`` and how
    many answered at all (k, n). ``group`` codes -1 are left out."""
    x = np.asarray(x, dtype=np.float64)
    answered = ~np.isnan(x) & (group >= 0)
    hit = np.isin(x, np.asarray(in_codes, dtype=np.float64)) & answered
    n = np.bincount(group[answered], minlength=n_groups)
    k = np.bincount(group[hit], minlength=n_groups)
    return k, n


def grouped_code_counts(x: np.ndarray, codes: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """groups x codes counts and the answered n per group."""
    x = np.asarray(x, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.float64)
    answered = ~np.isnan(x) & (group >= 0)
    pos = np.searchsorted(np.sort(codes), x[answered])
    order = np.argsort(codes)
    valid = (pos < codes.size)
    valid[valid] = np.sort(codes)[pos[valid]] == x[answered][valid]
    g = group[answered][valid]
    col = order[pos[valid]]
    table = np.bincount(g * codes.size + col, minlength=n_groups * codes.size).reshape(n_groups, codes.size)
    n = np.bincount(group[answered], minlength=n_groups)
    return table, n
