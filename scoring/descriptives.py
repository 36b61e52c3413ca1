"""Descriptive figures: n, mean, sample SD and the Student t interval."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Moments:
    """n, mean and sum of squared deviations from the mean (arrays or scalars)."""

    n: np.ndarray
    mean: np.ndarray
    ss: np.ndarray

    @property
    def sd(self) -> np.ndarray:
        """Sample SD (n - 1); NaN where n < 2."""
        n = np.asarray(self.n, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n >= 2, np.sqrt(np.asarray(self.ss) / (n - 1)), np.nan)


def moments(x: np.ndarray) -> Moments:
    """Moments of the non-missing values of ``x``."""
    x = np.asarray(x, dtype=np.float64)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return Moments(np.int64(0), np.float64(np.nan), np.float64(np.nan))
    mean = x.mean()
    d = x - mean
    return Moments(np.int64(n), np.float64(mean), np.float64(d @ d))


def grouped_moments(x: np.ndarray, codes: np.ndarray, n_groups: int) -> Moments:
    """Moments of ``x`` per group; ``codes`` are 0..n_groups-1 (or -1 = no
    group). NaN values are left out. Two bincount passes, no Python loop."""
    x = np.asarray(x, dtype=np.float64)
    codes = np.asarray(codes)
    keep = ~np.isnan(x) & (codes >= 0)
    c = codes[keep]
    v = x[keep]
    n = np.bincount(c, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(c, weights=v, minlength=n_groups) / n
    d = v - mean[c]
    ss = np.bincount(c, weights=d * d, minlength=n_groups)
    return Moments(n, mean, ss)


def t_interval(mean, sd, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student t confidence interval for a mean (vectorised; NaN where n < 2)."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        half = stats.t.ppf(0.5 + level / 2, df) * np.asarray(sd) / np.sqrt(n)
    return np.asarray(mean) - half, np.asarray(mean) + half


@dataclass(frozen=True)
class Descriptives:
    n: int
    mean: float
    sd: float
    ci95: tuple[float, float]


def describe(x: np.ndarray) -> Descriptives:
    """n, mean, sample SD and 95 % t interval of the non-missing values of ``x``."""
    m = moments(x)
    lo, hi = t_interval(m.mean, m.sd, m.n)
    return Descriptives(int(m.n), float(m.mean), float(m.sd), (float(lo), float(hi)))
