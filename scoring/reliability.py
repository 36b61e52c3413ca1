"""Reliability: raw Cronbach's alpha (listwise), corrected item-total r,
alpha if item deleted."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reliability:
    #: Raw (unstandardised) alpha; NaN when it cannot be computed.
    alpha: float
    #: Respondents who answered every item (listwise).
    n: int
    #: Corrected item-total correlation of each item (with the other items' sum).
    r_drop: np.ndarray
    #: Alpha of the scale without each item.
    alpha_if_deleted: np.ndarray


def _alpha(k: int, trace: np.ndarray, total: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((k >= 2) & (total > 0), k / (k - 1) * (1 - trace / total), np.nan)


def alpha_from_covariance(C: np.ndarray, n: int) -> Reliability:
    """Alpha, corrected item-total r and alpha if deleted from a k x k
    covariance matrix of (reverse-coded) items over ``n`` respondents."""
    C = np.asarray(C, dtype=np.float64)
    k = C.shape[0]
    if n < 2 or k < 2:
        nan = np.full(k, np.nan)
        return Reliability(float("nan"), int(n), nan, nan.copy())
    diag = np.diag(C)
    total = C.sum()
    rows = C.sum(axis=1)
    alpha = float(_alpha(k, diag.sum(), total))
    rest_var = total - 2 * rows + diag  # variance of the sum of the other items
    with np.errstate(invalid="ignore", divide="ignore"):
        r_drop = (rows - diag) / np.sqrt(diag * rest_var)
    if k >= 3:
        if_deleted = _alpha(k - 1, diag.sum() - diag, rest_var)
    else:
        if_deleted = np.full(k, np.nan)
    return Reliability(alpha, int(n), r_drop, np.asarray(if_deleted, dtype=np.float64))


def listwise_covariance(values: np.ndarray, complete: np.ndarray, signs: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Covariance (n - 1) of the rows flagged ``complete``.

    ``signs`` (+1/-1 per item) gives the covariance after reverse coding:
    ``lo + hi - x`` only flips the sign of an item's deviations.
    """
    L = values[complete]
    n = L.shape[0]
    k = values.shape[1]
    if n < 2:
        return np.full((k, k), np.nan), n
    L -= L.mean(axis=0)
    C = (L.T @ L) / (n - 1)
    if signs is not None:
        C *= np.outer(signs, signs)
    return C, n


def cronbach_alpha(X: np.ndarray, reversed_mask: np.ndarray | None = None) -> Reliability:
    """Raw Cronbach's alpha of the items in ``X`` (respondents x items, NaN =
    not answered) over the respondents who answered every item."""
    X = np.asarray(X, dtype=np.float64)
    complete = ~np.isnan(X).any(axis=1)
    signs = None if reversed_mask is None else np.where(np.asarray(reversed_mask, bool), -1.0, 1.0)
    C, n = listwise_covariance(X, complete, signs)
    return alpha_from_covariance(C, n)


def grouped_alpha(values: np.ndarray, complete: np.ndarray, codes: np.ndarray, n_groups: int,
                  signs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Raw alpha per group over the listwise-complete rows: (alpha, n) arrays.

    The complete rows are sorted by group once, so each group is a
    contiguous slice; the loop runs over groups, not respondents.
    """
    k = values.shape[1]
    sel = complete & (codes >= 0)
    c = codes[sel]
    order = np.argsort(c, kind="stable")
    L = values[sel][order]
    L -= L.mean(axis=0)  # centring once keeps the cross products small
    counts = np.bincount(c, minlength=n_groups)
    ends = np.cumsum(counts)
    alphas = np.full(n_groups, np.nan)
    s = np.ones(k) if signs is None else np.asarray(signs, dtype=np.float64)
    for g in range(n_groups):
        m = counts[g]
        if m < 2:
            continue
        block = L[ends[g] - m:ends[g]]
        sums = block.sum(axis=0)
        C = (block.T @ block - np.outer(sums, sums) / m) / (m - 1)
        C *= np.outer(s, s)
        alphas[g] = _alpha(k, np.trace(C), C.sum())
    return alphas, counts
