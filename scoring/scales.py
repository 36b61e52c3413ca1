"""Per-respondent scale scores: reverse coding, minimum answered, mean/sum/correct."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def reverse_code(x: np.ndarray | float, lo: float, hi: float) -> np.ndarray | float:
    """Reverse-code a response on the range ``lo..hi``: ``lo + hi - x`` (NaN stays NaN)."""
    return lo + hi - x


@dataclass(frozen=True)
class ItemBlock:
    """The items of one scale, prepared once for every computation on them.

    ``values`` holds the raw codes with missing answers set to 0 (so that
    matrix products skip them) and ``missing`` marks those cells.
    """

    values: np.ndarray  # n x k float64, NaN replaced by 0
    missing: np.ndarray  # n x k bool

    @classmethod
    def from_matrix(cls, X: np.ndarray, copy: bool = True) -> "ItemBlock":
        """A block from ``X`` (respondents x items, NaN = not answered).

        With ``copy=False`` a float64 ``X`` is filled in place (the caller
        hands over an array it owns, e.g. a fancy-indexed column selection).
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError("the item matrix must be two-dimensional")
        missing = np.isnan(X)
        if copy:
            values = np.where(missing, 0.0, X)
        else:
            values = X
            np.copyto(values, 0.0, where=missing)
        return cls(values=values, missing=missing)

    @property
    def k(self) -> int:
        return int(self.values.shape[1])

    def answered(self, columns: np.ndarray | None = None) -> np.ndarray:
        """Number of answered items per respondent (over ``columns`` when a 0/1
        vector of the items to count is given)."""
        ones = np.ones(self.k, dtype=np.uint8) if columns is None else np.asarray(columns, dtype=np.uint8)
        # uint8 matrix-vector product: one fast pass instead of sum(axis=1).
        n_missing = self.missing.view(np.uint8) @ ones
        return int(ones.sum()) - n_missing.astype(np.int64)


def scale_scores_from_block(
    block: ItemBlock,
    reversed_mask: np.ndarray,
    lo: float,
    hi: float,
    min_answered: int,
    method: str = "mean",
    answered: np.ndarray | None = None,
) -> np.ndarray:
    """Scale score per respondent from a prepared block; see :func:`scale_scores`.

    ``answered`` may pass ``block.answered()`` when the caller has it already.
    """
    rev = np.asarray(reversed_mask, dtype=bool)
    if rev.shape != (block.k,):
        raise ValueError("reversed_mask must have one entry per item")
    if answered is None:
        answered = block.answered()
    # sum of reverse-coded answers = sum(sign * x) + (lo + hi) * (answered reversed items)
    signs = np.where(rev, -1.0, 1.0)
    total = block.values @ signs
    if rev.any():
        total += (lo + hi) * block.answered(rev)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    ok = answered >= max(int(min_answered), 1)
    if method == "mean":
        return np.where(ok, mean, np.nan)
    if method == "sum":
        # Prorated: the mean of the answered items times the number of items,
        # which equals the plain sum when every item is answered.
        return np.where(ok, mean * block.k, np.nan)
    raise ValueError(f"unknown scale method {method!r}")


def scale_scores(
    X: np.ndarray,
    reversed_mask: np.ndarray | None,
    lo: float,
    hi: float,
    min_answered: int,
    method: str = "mean",
) -> np.ndarray:
    """Scale score per respondent.

    ``X`` is respondents x items (NaN = not answered) on the range ``lo..hi``;
    items flagged in ``reversed_mask`` are reverse-coded (``lo + hi - x``).
    ``method`` ``mean`` gives the mean of the answered items, ``sum`` the
    prorated sum; a respondent with fewer than ``min_answered`` answered
    items gets NaN.
    """
    X = np.asarray(X, dtype=np.float64)
    if reversed_mask is None:
        reversed_mask = np.zeros(X.shape[1], dtype=bool)
    return scale_scores_from_block(ItemBlock.from_matrix(X), reversed_mask, lo, hi, min_answered, method)


def correct_counts(X: np.ndarray, key: np.ndarray, min_answered: int = 1) -> np.ndarray:
    """Knowledge score: the number of items answered with their ``key`` code.

    An unanswered item counts as not correct; a respondent with fewer than
    ``min_answered`` answered items gets NaN.
    """
    X = np.asarray(X, dtype=np.float64)
    key = np.asarray(key, dtype=np.float64)
    if key.shape != (X.shape[1],):
        raise ValueError("key must have one code per item")
    correct = (X == key).sum(axis=1).astype(np.float64)
    answered = (~np.isnan(X)).sum(axis=1)
    return np.where(answered >= max(int(min_answered), 1), correct, np.nan)
