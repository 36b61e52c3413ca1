"""Property tests (hypothesis) of the scoring core."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.inference import progress_to_target
from scoring.reliability import cronbach_alpha
from scoring.scales import reverse_code, scale_scores
from surveys.dataset import Dataset

from scoring_builders import fixture_dataset, fixture_instrument, report_json_of

codes = st.integers(1, 6).map(float)
matrices = st.integers(6, 40).flatmap(
    lambda n: arrays(np.float64, (n, 4), elements=st.one_of(codes, st.just(np.nan))))


def _approx_equal(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _approx_equal(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _approx_equal(x, y)
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a))
    else:
        assert a == b


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_reordering_respondents_changes_nothing(rnd):
    data = fixture_dataset()
    order = list(range(data.n))
    rnd.shuffle(order)
    shuffled = Dataset(data.columns, data.matrix[order], {k: v[order] for k, v in data.groups.items()})
    inst = fixture_instrument()
    for by in [("school",), ("school", "gender")]:
        _approx_equal(report_json_of(inst, data, by=by), report_json_of(inst, shuffled, by=by))


@given(arrays(np.float64, (7, 3), elements=st.one_of(codes, st.just(np.nan))), st.integers(0, 3), st.integers(4, 9))
def test_reverse_coding_twice_is_identity(X, lo, width):
    hi = lo + width
    twice = reverse_code(reverse_code(X, lo, hi), lo, hi)
    assert np.array_equal(np.isnan(twice), np.isnan(X))
    assert np.array_equal(twice[~np.isnan(X)], X[~np.isnan(X)])


@settings(max_examples=60, deadline=None)
@given(matrices, st.integers(0, 3), st.floats(-5, 5).filter(lambda c: c != 0))
def test_alpha_unchanged_by_adding_a_constant_to_an_item(X, item, c):
    before = cronbach_alpha(X)
    Y = X.copy()
    Y[:, item] += c
    after = cronbach_alpha(Y)
    if np.isnan(before.alpha):
        assert np.isnan(after.alpha)
    else:
        assert abs(before.alpha - after.alpha) < 1e-9
        np.testing.assert_allclose(before.r_drop, after.r_drop, atol=1e-9)


@given(st.floats(-10, 10), st.floats(-10, 10))
def test_progress_is_zero_at_baseline_and_one_at_target(baseline, target):
    if abs(target - baseline) < 1e-6:
        assert np.isnan(progress_to_target(baseline, baseline, baseline))
        return
    assert abs(progress_to_target(baseline, baseline, target)) < 1e-12
    assert abs(progress_to_target(target, baseline, target) - 1) < 1e-9


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_scale_score_is_mean_of_answered_reverse_coded_items(X):
    rev = np.array([False, True, False, True])
    got = scale_scores(X, rev, 1, 6, 3)
    for row, value in zip(X, got):
        answered = [(7 - v if r else v) for v, r in zip(row, rev) if not np.isnan(v)]
        if len(answered) >= 3:
            assert abs(value - sum(answered) / len(answered)) < 1e-12
        else:
            assert np.isnan(value)
