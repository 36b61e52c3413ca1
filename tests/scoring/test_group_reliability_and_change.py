"""Per group cell: Cronbach's alpha, corrected item-total r and alpha if
deleted (checked against np.corrcoef and the textbook formula of alpha), and
the wave comparison per cell (checked against scipy's Welch test)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from surveys.dataset import Dataset

from scoring_builders import fixture_dataset, fixture_instrument, report_json_of


def _reverse_coded(X: np.ndarray) -> np.ndarray:
    """i2, i4, i6, i8 reversed on 1-6: 7 - x."""
    R = X[:, :8].copy()
    R[:, 1::2] = 7 - R[:, 1::2]
    return R


def _alpha(R: np.ndarray) -> float:
    """Cronbach's alpha: k/(k-1) * (1 - sum of item variances / variance of the sum)."""
    k = R.shape[1]
    return k / (k - 1) * (1 - R.var(axis=0, ddof=1).sum() / R.sum(axis=1).var(ddof=1))


def test_group_cells_carry_item_total_r_and_alpha_if_deleted():
    data = fixture_dataset()
    report = report_json_of(fixture_instrument(min_n=5), data, by=("school",))
    json.dumps(report, allow_nan=False)
    groups = {g["by"]["school"]: g for g in report["scales"]["attityd"]["groups"]}
    R = _reverse_coded(data.matrix)
    school = data.groups["school"]
    # alpha_n is a count of its own: C's 3 would follow from the overall 27
    # minus A's and B's 12, so one of those (the first of equal size) is hidden too
    assert groups["A"]["alpha_n"] is None and groups["A"]["alpha"] is None
    for name in ("B",):
        cell = groups[name]
        L = R[(school == name) & ~np.isnan(R).any(axis=1)]  # listwise: every item answered
        assert cell["alpha_n"] == L.shape[0] == 12
        assert cell["alpha"] == pytest.approx(_alpha(L), abs=1e-12)
        rel = cell["item_reliability"]
        assert [r["item"] for r in rel] == [f"i{j}" for j in range(1, 9)]
        for j, r in enumerate(rel):
            others = np.delete(L, j, axis=1)
            assert r["r_drop"] == pytest.approx(np.corrcoef(L[:, j], others.sum(axis=1))[0, 1], abs=1e-12)
            assert r["alpha_if_deleted"] == pytest.approx(_alpha(others), abs=1e-12)
    # school C: 8 scale scores are shown, but only 3 answered every item (< 5)
    c = groups["C"]
    assert c["suppressed"] is False and c["n"] == 8
    assert c["alpha"] is None and c["alpha_n"] is None and c["item_reliability"] is None


def test_hidden_group_cells_have_null_reliability():
    # min 9: school C (8) is hidden, and B (23, smaller than A's 25) with it
    report = report_json_of(fixture_instrument(min_n=9), fixture_dataset(), by=("school",))
    groups = {g["by"]["school"]: g for g in report["scales"]["attityd"]["groups"]}
    for name in ("B", "C"):
        assert groups[name]["suppressed"] is True
        assert groups[name]["item_reliability"] is None and groups[name]["alpha"] is None
    assert groups["A"]["suppressed"] is False and groups["A"]["n"] == 25
    # A's alpha_n (12) with the overall 27 would give C's 3 who answered every item
    assert groups["A"]["alpha_n"] is None


def _later_wave(data: Dataset) -> Dataset:
    later = Dataset(data.columns, data.matrix.copy(), dict(data.groups))
    x = later.matrix[:, 0]
    later.matrix[:, 0] = np.where(np.isnan(x), np.nan, np.minimum(x + 1, 6))
    later.matrix[:, 2] = np.where(np.isnan(later.matrix[:, 2]), np.nan, np.maximum(later.matrix[:, 2] - 2, 1))
    return later


def _scores(data: Dataset) -> np.ndarray:
    R = _reverse_coded(data.matrix)
    return np.where((~np.isnan(R)).sum(axis=1) >= 6, np.nanmean(R, axis=1), np.nan)


def _hedges(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Hedges' g with the Hedges & Olkin normal 95 % interval, by hand."""
    n1, n2 = a.size, b.size
    sp = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    g = (1 - 3 / (4 * (n1 + n2) - 9)) * (a.mean() - b.mean()) / sp
    se = np.sqrt((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2)))
    return g, g - 1.959963984540054 * se, g + 1.959963984540054 * se


def test_wave_comparison_per_group_against_scipy():
    data = fixture_dataset()
    later = _later_wave(data)
    report = report_json_of(fixture_instrument(min_n=5), later, by=("school",), compare=data)
    json.dumps(report, allow_nan=False)
    comp = report["comparison"]["scales"]["attityd"]
    s1, s0 = _scores(later), _scores(data)
    school = data.groups["school"]
    assert [g["by"] for g in comp["groups"]] == [{"school": s} for s in "ABC"]
    for cell in comp["groups"]:
        name = cell["by"]["school"]
        a = s1[(school == name) & ~np.isnan(s1)]
        b = s0[(school == name) & ~np.isnan(s0)]
        ref = stats.ttest_ind(a, b, equal_var=False)
        assert cell["suppressed"] is False
        assert cell["welch"]["t"] == pytest.approx(ref.statistic, abs=1e-10)
        assert cell["welch"]["p"] == pytest.approx(ref.pvalue, abs=1e-12)
        assert cell["welch"]["df"] == pytest.approx(ref.df, abs=1e-9)
        assert cell["diff"] == pytest.approx(a.mean() - b.mean(), abs=1e-12)
        assert cell["previous"] == {"n": b.size, "mean": pytest.approx(b.mean(), abs=1e-12),
                                    "sd": pytest.approx(b.std(ddof=1), abs=1e-12)}
        g, lo, hi = _hedges(a, b)
        assert cell["hedges_g"] == pytest.approx(g, abs=1e-12)
        assert cell["hedges_g_ci95"] == pytest.approx([lo, hi], abs=1e-9)


def test_group_comparison_suppressed_when_either_wave_is_small():
    data = fixture_dataset()
    later = _later_wave(data)
    school = data.groups["school"]
    # the earlier wave keeps only 4 of school C's 8 respondents
    keep = ~((school == "C") & (np.cumsum(school == "C") > 4))
    earlier = Dataset(data.columns, data.matrix[keep], {k: v[keep] for k, v in data.groups.items()})
    report = report_json_of(fixture_instrument(min_n=5), later, by=("school",), compare=earlier)
    current = {g["by"]["school"]: g for g in report["scales"]["attityd"]["groups"]}
    assert not any(g["suppressed"] for g in current.values())  # all shown in the current wave
    comp = {g["by"]["school"]: g for g in report["comparison"]["scales"]["attityd"]["groups"]}
    # C is below 5 in the earlier wave; B (smaller than A) goes too, so that
    # C's earlier mean cannot be worked out from the overall comparison
    for name in ("B", "C"):
        assert comp[name]["suppressed"] is True
        assert all(v is None for k, v in comp[name].items() if k not in ("by", "suppressed"))
    s1, s0 = _scores(later), _scores(earlier)
    ref = stats.ttest_ind(s1[(school == "A") & ~np.isnan(s1)],
                          s0[(earlier.groups["school"] == "A") & ~np.isnan(s0)], equal_var=False)
    assert comp["A"]["suppressed"] is False
    assert comp["A"]["welch"]["p"] == pytest.approx(ref.pvalue, abs=1e-12)


def test_group_comparison_empty_without_breakdown_or_column():
    data = fixture_dataset()
    report = report_json_of(fixture_instrument(), _later_wave(data), compare=data)
    assert report["comparison"]["scales"]["attityd"]["groups"] == []
    no_school = Dataset(data.columns, data.matrix, {"gender": data.groups["gender"]})
    report = report_json_of(fixture_instrument(), _later_wave(data), by=("school",), compare=no_school)
    assert report["comparison"]["scales"]["attityd"]["groups"] == []
