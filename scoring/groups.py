"""Group breakdowns: label columns to integer codes, cells of one or two
columns, and group-vs-rest Welch tests with Holm adjustment."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .descriptives import Moments
from .inference import TTest, holm, welch_t

_FNV = np.uint64(0x100000001B3)


def _as_str_array(labels) -> np.ndarray:
    a = np.asarray(labels)
    if a.dtype.kind == "U":
        return np.ascontiguousarray(a)
    # object or other arrays: None / NaN become "" (missing)
    return np.array(["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in a.tolist()],
                    dtype=str)


def _hash_rows(a: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each fixed-width string (exactness is checked after)."""
    n = a.size
    width = a.dtype.itemsize
    raw = a.view(np.uint8).reshape(n, width)
    pad = (-width) % 8
    if pad:
        raw = np.concatenate([raw, np.zeros((n, pad), dtype=np.uint8)], axis=1)
    words = np.ascontiguousarray(raw).view(np.uint64)
    h = np.full(n, np.uint64(0xCBF29CE484222325))
    for j in range(words.shape[1]):
        h *= _FNV
        h ^= words[:, j]
    return h


def _codes_from_hash(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct hashes, code of each row) without an O(n log n) argsort."""
    uh = np.unique(h)
    m = uh.size
    # A small modulus that keeps the distinct hashes distinct turns the
    # lookup into one vectorised remainder and a table read (worth trying
    # only for the few labels of a group column).
    tries = range(m, 4 * m + 200) if m <= 4096 else range(0)
    for mod in tries:
        r = uh % np.uint64(mod)
        if np.unique(r).size == m:
            table = np.zeros(mod, dtype=np.int64)
            table[r.astype(np.int64)] = np.arange(m)
            return uh, table[(h % np.uint64(mod)).astype(np.int64)]
    return uh, np.searchsorted(uh, h).astype(np.int64)


def factorize(labels) -> tuple[list[str], np.ndarray]:
    """Distinct labels (sorted, without the missing label "") and an int64
    code per row (-1 = missing).

    Fast path for many rows and few labels: hash each fixed-width string,
    code the hashes, then verify the coding exactly against the strings
    (falling back to ``np.unique`` should two labels ever share a hash).
    """
    a = _as_str_array(labels)
    n = a.size
    if n == 0:
        return [], np.zeros(0, dtype=np.int64)
    if a.dtype.itemsize == 0:
        return [], np.full(n, -1, dtype=np.int64)
    h = _hash_rows(a)
    uh, codes = _codes_from_hash(h)
    reps = a[_first_index(codes, uh.size)]
    if not np.array_equal(a, reps[codes]):
        reps, codes = np.unique(a, return_inverse=True)
        codes = codes.astype(np.int64)
    order = np.argsort(reps, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    codes = rank[codes]
    uniques = reps[order].tolist()
    if uniques and uniques[0] == "":
        uniques = uniques[1:]
        codes = codes - 1  # "" sorts first, so it becomes -1
    return uniques, codes


def _first_index(codes: np.ndarray, m: int) -> np.ndarray:
    first = np.full(m, codes.size, dtype=np.int64)
    # reverse order so the smallest index is written last
    idx = np.arange(codes.size - 1, -1, -1)
    first[codes[::-1]] = idx
    return first


@dataclass(frozen=True)
class Cells:
    """The cells of a breakdown by one or two columns."""

    columns: tuple[str, ...]
    #: one tuple of labels per cell, in breakdown order
    labels: list[tuple[str, ...]]
    #: cell code per respondent (-1 = a label is missing)
    codes: np.ndarray
    #: for each column, the index of the cell's label in that column (cells x columns)
    parts: np.ndarray

    @property
    def size(self) -> int:
        return len(self.labels)


def make_cells(columns: dict[str, tuple[list[str], np.ndarray]]) -> Cells:
    """Cells from one or two factorized columns; only combinations that occur
    in the data are cells, ordered by the first column, then the second."""
    names = tuple(columns)
    if len(names) not in (1, 2):
        raise ValueError("a breakdown has one or two columns")
    if len(names) == 1:
        uniq, codes = columns[names[0]]
        return Cells(names, [(u,) for u in uniq], codes, np.arange(len(uniq))[:, None])
    (u1, c1), (u2, c2) = columns[names[0]], columns[names[1]]
    m2 = max(len(u2), 1)
    combined = np.where((c1 >= 0) & (c2 >= 0), c1 * m2 + c2, -1)
    present = np.flatnonzero(np.bincount(combined[combined >= 0], minlength=len(u1) * m2))
    remap = np.full(len(u1) * m2, -1, dtype=np.int64)
    remap[present] = np.arange(present.size)
    codes = np.where(combined >= 0, remap[np.maximum(combined, 0)], -1)
    parts = np.stack([present // m2, present % m2], axis=1)
    labels = [(u1[i], u2[j]) for i, j in parts]
    return Cells(names, labels, codes, parts)


@dataclass(frozen=True)
class VersusRest:
    test: TTest
    p_holm: np.ndarray


def group_vs_rest(cells: Moments, total: Moments, eligible: np.ndarray | None = None) -> VersusRest:
    """Welch test of each cell against everybody else, with Holm-adjusted p
    over the ``eligible`` cells (default: cells with n >= 2 and a rest >= 2).

    ``total`` are the moments over all respondents the cells come from; the
    rest's moments are derived from it: for any subset A,
    SS_A = sum_A (x - M)^2 - n_A (mean_A - M)^2.
    """
    n = np.asarray(cells.n, dtype=np.float64)
    N = float(total.n)
    M = float(total.mean)
    q_cell = np.asarray(cells.ss) + n * (np.asarray(cells.mean) - M) ** 2
    n_rest = N - n
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rest = (N * M - n * np.asarray(cells.mean)) / n_rest
        ss_rest = np.maximum(float(total.ss) - q_cell - n_rest * (mean_rest - M) ** 2, 0.0)
        sd_cell = np.sqrt(np.asarray(cells.ss) / (n - 1))
        sd_rest = np.sqrt(ss_rest / (n_rest - 1))
    test = welch_t(cells.mean, sd_cell, n, mean_rest, sd_rest, n_rest)
    ok = (n >= 2) & (n_rest >= 2)
    if eligible is not None:
        ok &= np.asarray(eligible, dtype=bool)
    p = np.where(ok, test.p, np.nan)
    return VersusRest(TTest(np.where(ok, test.t, np.nan), np.where(ok, test.df, np.nan), p), holm(p))
