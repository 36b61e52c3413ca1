"""The summary-statistics implementations checked against scipy.stats run
on the raw data."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scoring.descriptives import describe, grouped_moments, t_interval
from scoring.groups import group_vs_rest
from scoring.descriptives import moments
from scoring.inference import holm, one_sample_t, two_proportions, welch_t, wilson_interval
from scoring.scales import correct_counts

RNG = np.random.default_rng(42)


def test_t_interval_matches_scipy():
    x = RNG.normal(3.5, 1.2, 57)
    d = describe(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert d.ci95 == pytest.approx((lo, hi), abs=1e-12)
    assert d.sd == pytest.approx(x.std(ddof=1), abs=1e-12)


def test_one_sample_t_matches_ttest_1samp():
    x = RNG.normal(3.9, 1.0, 80)
    _, t, _ = one_sample_t(x.mean(), x.std(ddof=1), x.size, 3.72)
    ref = stats.ttest_1samp(x, 3.72)
    assert float(t.t) == pytest.approx(ref.statistic, abs=1e-10)
    assert float(t.p) == pytest.approx(ref.pvalue, abs=1e-12)


def test_welch_matches_ttest_ind():
    a, b = RNG.normal(3.5, 1, 40), RNG.normal(3.9, 1.6, 25)
    t = welch_t(a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size)
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert float(t.t) == pytest.approx(ref.statistic, abs=1e-10)
    assert float(t.p) == pytest.approx(ref.pvalue, abs=1e-12)
    assert float(t.df) == pytest.approx(ref.df, abs=1e-9)


def test_group_vs_rest_matches_ttest_ind_per_group():
    x = RNG.normal(3.7, 1.1, 300)
    x[RNG.random(300) < 0.1] = np.nan
    codes = RNG.integers(0, 6, 300)
    gm = grouped_moments(x, codes, 6)
    res = group_vs_rest(gm, moments(x))
    for g in range(6):
        ref = stats.ttest_ind(x[codes == g], x[codes != g], equal_var=False, nan_policy="omit")
        assert res.test.p[g] == pytest.approx(ref.pvalue, abs=1e-10)
        assert res.test.t[g] == pytest.approx(ref.statistic, abs=1e-9)


def test_grouped_t_interval_matches_scipy():
    x = RNG.normal(0, 1, 100)
    codes = RNG.integers(0, 3, 100)
    gm = grouped_moments(x, codes, 3)
    lo, hi = t_interval(gm.mean, gm.sd, gm.n)
    for g in range(3):
        v = x[codes == g]
        ref = stats.t.interval(0.95, v.size - 1, loc=v.mean(), scale=stats.sem(v))
        assert (lo[g], hi[g]) == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("k, n", [(0, 10), (3, 10), (48, 60), (60, 60), (1, 2576)])
def test_wilson_matches_binomtest(k, n):
    ref = stats.binomtest(k, n).proportion_ci(method="wilson")
    lo, hi = wilson_interval(k, n)
    assert (float(lo), float(hi)) == pytest.approx((ref.low, ref.high), abs=1e-12)


def test_two_proportion_z_when_counts_are_large():
    res = two_proportions(120, 400, 90, 410)
    p1, p2, pooled = 120 / 400, 90 / 410, 210 / 810
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / 400 + 1 / 410))
    assert res.test == "z"
    assert res.p == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1e-12)
    assert res.diff == pytest.approx(p1 - p2)


def test_two_proportion_fisher_when_an_expected_count_is_small():
    res = two_proportions(1, 20, 6, 22)
    assert res.test == "fisher"
    assert res.p == pytest.approx(stats.fisher_exact([[1, 19], [6, 16]]).pvalue, abs=1e-12)


def test_holm_hand_worked():
    # sorted 0.01, 0.02, 0.04 (m = 3): 0.03, 0.04, max(0.04, 0.04) = 0.04
    assert holm([0.04, 0.01, 0.02]).tolist() == pytest.approx([0.04, 0.03, 0.04])
    # monotone and capped at 1; NaN left out
    out = holm([0.5, np.nan, 0.6])
    assert out[0] == pytest.approx(1.0) and np.isnan(out[1]) and out[2] == pytest.approx(1.0)


def test_knowledge_score_counts_correct_answers():
    X = np.array([[1, 2, 3], [1, 1, 1], [np.nan, np.nan, 2], [2, 2, 2.0]])
    key = np.array([1, 2, 2])
    assert correct_counts(X, key, min_answered=2)[[0, 1, 3]].tolist() == [2, 1, 2]
    assert np.isnan(correct_counts(X, key, min_answered=2)[2])
