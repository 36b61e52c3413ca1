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


def _alpha(k: int, trace: np.ndarray, total: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((k >= 2) & (np.asarray(total) > tol), k / (k - 1) * (1 - trace / total), np.nan)


def alpha_from_covariance(C: np.ndarray, n: int) -> Reliability:
    """Alpha, corrected item-total r and alpha if deleted from a k x k
    covariance matrix of (reverse-coded) items over ``n`` respondents."""
    C = np.asarray(C, dtype=np.float64)
    k = C.shape[0]
    if n < 2 or k < 2:
        nan = np.full(k, np.nan)
        return Reliability(float("nan"), int(n), nan, nan.copy())
    # Variances below this are rounding noise of a constant (zero variance).
    tol = 1e-10 * max(1.0, float(np.nanmax(np.abs(np.diag(C)))) if np.isfinite(C).any() else 1.0)
    diag = np.where(np.diag(C) > tol, np.diag(C), 0.0)
    total = C.sum()
    total = total if total > tol else 0.0
    rows = C.sum(axis=1)
    alpha = float(_alpha(k, diag.sum(), total))
    rest_var = total - 2 * rows + diag  # variance of the sum of the other items
    rest_var = np.where(rest_var > tol, rest_var, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r_drop = np.where((diag > 0) & (rest_var > 0), (rows - diag) / np.sqrt(diag * rest_var), np.nan)
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


@dataclass(frozen=True)
class CrossProducts:
    """Per group: row count, column sums and cross-product matrix of the
    rows, after subtracting a common shift (which leaves covariances alone
    and keeps the sums small). The last group holds rows without a group."""

    n: np.ndarray  # (G + 1,)
    sums: np.ndarray  # (G + 1, k)
    products: np.ndarray  # (G + 1, k, k)

    def covariance(self, g: int | None = None) -> tuple[np.ndarray, int]:
        """Covariance (n - 1) of group ``g``, or of all rows when None."""
        if g is None:
            n, s, p = int(self.n.sum()), self.sums.sum(axis=0), self.products.sum(axis=0)
        else:
            n, s, p = int(self.n[g]), self.sums[g], self.products[g]
        if n < 2:
            k = self.sums.shape[1]
            return np.full((k, k), np.nan), n
        return (p - np.outer(s, s) / n) / (n - 1), n


def cross_products(values: np.ndarray, rows: np.ndarray, codes: np.ndarray, n_groups: int) -> CrossProducts:
    """Group-wise sums and cross products of ``values[rows]``.

    The selected rows are gathered once in group order (a stable sort of
    the small integer codes), so each group is a contiguous slice and the
    loop runs over groups, not respondents.
    """
    k = values.shape[1]
    c = codes[rows]
    c = np.where(c >= 0, c, n_groups)
    c = c.astype(np.int16 if n_groups < 2**15 - 1 else np.int64)  # int16: radix sort
    idx = np.flatnonzero(rows)[np.argsort(c, kind="stable")]
    L = np.take(values, idx, axis=0)  # np.take gathers rows much faster than values[idx]
    if L.shape[0]:
        L -= L[0].copy()  # a shift by one data row keeps the figures near zero
    n = np.bincount(c, minlength=n_groups + 1)
    ends = np.cumsum(n)
    sums = np.zeros((n_groups + 1, k))
    prods = np.zeros((n_groups + 1, k, k))
    ones = np.ones(0)
    for g in range(n_groups + 1):
        if n[g] == 0:
            continue
        blk = L[ends[g] - n[g]:ends[g]]
        if ones.size != blk.shape[0]:
            ones = np.ones(blk.shape[0])
        sums[g] = ones @ blk
        prods[g] = blk.T @ blk
    return CrossProducts(n, sums, prods)
