"""Tests against a baseline, between waves and between groups.

Every function works on summary figures and is vectorised where that is
useful (group-vs-rest tests over many cells). scipy.stats supplies the
distributions and the exact tests.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class TTest:
    t: np.ndarray
    df: np.ndarray
    p: np.ndarray


def one_sample_t(mean, sd, n, mu: float) -> tuple[np.ndarray, TTest, np.ndarray]:
    """One-sample t test of a mean against ``mu``: (diff, test, Cohen's d),
    two-sided p, d = diff / SD."""
    n = np.asarray(n, dtype=np.float64)
    diff = np.asarray(mean, dtype=np.float64) - mu
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.asarray(sd) / np.sqrt(n)
        t = diff / se
        df = np.where(n >= 2, n - 1, np.nan)
        p = 2 * stats.t.sf(np.abs(t), df)
        d = diff / np.asarray(sd)
    return diff, TTest(t, df, p), d


def progress_to_target(mean, baseline: float, target: float):
    """Share of the way from baseline to target: 0 at the baseline, 1 at the
    target, negative when moving away (NaN if target equals baseline)."""
    if target == baseline:
        return np.nan * np.asarray(mean, dtype=np.float64)
    return (np.asarray(mean, dtype=np.float64) - baseline) / (target - baseline)


def welch_t(m1, s1, n1, m2, s2, n2) -> TTest:
    """Welch's unequal-variance t test from summary figures (two-sided)."""
    n1 = np.asarray(n1, dtype=np.float64)
    n2 = np.asarray(n2, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        v1 = np.asarray(s1, dtype=np.float64) ** 2 / n1
        v2 = np.asarray(s2, dtype=np.float64) ** 2 / n2
        t = (np.asarray(m1) - np.asarray(m2)) / np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        p = 2 * stats.t.sf(np.abs(t), df)
    return TTest(t, df, p)


def hedges_g(m1, s1, n1, m2, s2, n2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hedges' g (pooled-SD d times J = 1 - 3/(4(n1+n2) - 9)) with a normal
    95 % interval from the Hedges & Olkin variance (n1+n2)/(n1 n2) + g²/(2(n1+n2)).
    Returns (g, ci_lo, ci_hi)."""
    n1 = np.asarray(n1, dtype=np.float64)
    n2 = np.asarray(n2, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        sp = np.sqrt(((n1 - 1) * np.asarray(s1) ** 2 + (n2 - 1) * np.asarray(s2) ** 2) / (n1 + n2 - 2))
        d = (np.asarray(m1) - np.asarray(m2)) / sp
        g = (1 - 3 / (4 * (n1 + n2) - 9)) * d
        se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    return g, g - Z95 * se, g + Z95 * se


def wilson_interval(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n (no continuity
    correction; vectorised, NaN where n = 0)."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def binomial_test(k: int, n: int, p0: float) -> float:
    """Exact two-sided binomial test of k out of n against the share p0."""
    if n <= 0:
        return float("nan")
    return float(stats.binomtest(int(k), int(n), float(p0)).pvalue)


@dataclass(frozen=True)
class ProportionTest:
    #: ``fisher`` (Fisher's exact test) or ``z`` (two-proportion z test, pooled).
    test: str
    diff: float
    p: float
    #: [[k1, n1 - k1], [k2, n2 - k2]]
    table: list[list[int]]


def two_proportions(k1: int, n1: int, k2: int, n2: int, min_expected: float = 5.0) -> ProportionTest:
    """Compare two shares k1/n1 and k2/n2 (two-sided).

    The pooled two-proportion z test (the uncorrected chi-square test of the
    2x2 table) when every expected count is at least ``min_expected``,
    otherwise Fisher's exact test.
    """
    table = [[int(k1), int(n1 - k1)], [int(k2), int(n2 - k2)]]
    if n1 <= 0 or n2 <= 0:
        return ProportionTest("z", float("nan"), float("nan"), table)
    diff = k1 / n1 - k2 / n2
    arr = np.array(table, dtype=np.float64)
    expected = np.outer(arr.sum(axis=1), arr.sum(axis=0)) / arr.sum()
    if (expected < min_expected).any():
        return ProportionTest("fisher", float(diff), float(stats.fisher_exact(table).pvalue), table)
    res = stats.chi2_contingency(arr, correction=False)
    return ProportionTest("z", float(diff), float(res.pvalue), table)


def holm(p) -> np.ndarray:
    """Holm step-down adjusted p values (NaN entries are left out and stay NaN)."""
    p = np.asarray(p, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q, kind="stable")
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out
