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


def columns_code_counts(matrix: np.ndarray, columns: list[int], max_code: int,
                        chunk_rows: int = 1 << 14) -> tuple[np.ndarray, np.ndarray]:
    """Counts of the integer codes 0..max_code in several columns at once:
    (columns x (max_code + 1) counts, answered per column).

    Works through the rows in chunks so that each chunk of the selected
    columns stays in cache; a value that is not such a code is answered
    but counted under no code.
    """
    m = len(columns)
    width = max_code + 2  # the last bin collects answers that are no code
    counts = np.zeros(m * width, dtype=np.int64)
    answered = np.zeros(m, dtype=np.int64)
    offsets = np.arange(m, dtype=np.int64) * width
    cols = np.asarray(columns, dtype=np.int64)
    for start in range(0, matrix.shape[0], chunk_rows):
        block = np.take(matrix[start:start + chunk_rows], cols, axis=1)
        missing = np.isnan(block)
        answered += block.shape[0] - missing.sum(axis=0)
        np.copyto(block, -1.0, where=missing)
        iv = block.astype(np.int64)
        bad = (iv != block) | (iv < 0) | (iv > max_code)
        iv[bad] = max_code + 1
        iv += offsets
        counts += np.bincount(iv[~missing], minlength=m * width)
    return counts.reshape(m, width)[:, : max_code + 1], answered
