"""Trygghetsindex: hand-worked classing, index, level and goal distance."""
from __future__ import annotations

import numpy as np
import pytest

from scoring.index import classify, distance_to_goal, index_table, index_value, level_of, problem_counts
from surveys.dataset import Dataset

from scoring_builders import index_instrument, report_json_of

CUTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
LEVELS = [2, 3.9, 6]


@pytest.mark.parametrize("share, cls", [
    (0.0, 0), (0.099, 0), (0.1, 1), (0.15, 1), (0.2, 2), (0.299, 2), (0.3, 3), (0.45, 4),
    (0.5, 5), (0.599, 5), (0.6, 6), (1.0, 6),
])
def test_class_by_rising_cut_points(share, cls):
    assert classify(np.array([share]), CUTS)[0] == cls


def test_class_per_variable_cut_points_and_nan():
    cuts = np.array([CUTS, [0.01, 0.02, 0.03, 0.05, 0.07, 0.1]])
    got = classify(np.array([[0.05, 0.05], [np.nan, 0.2]]), cuts)
    assert got[0].tolist() == [0, 4]
    assert np.isnan(got[1, 0]) and got[1, 1] == 6


def test_index_is_mean_class_over_variables_with_enough_answers():
    classes = np.array([2.0, 4.0, 6.0])
    # third variable has 3 answers (< 5): left out -> (2 + 4) / 2
    assert index_value(classes, np.array([10, 5, 3]), 5) == 3.0
    assert np.isnan(index_value(classes, np.array([1, 2, 3]), 5))


@pytest.mark.parametrize("value, level", [(0, 0), (1.67, 0), (2.0, 0), (2.01, 1), (3.9, 1), (3.95, 2), (4, 2),
                                          (6, 2)])
def test_levels(value, level):
    assert level_of(value, LEVELS) == level


def test_distance_to_goal():
    assert distance_to_goal(1.5, 2) == 0.0
    assert distance_to_goal(4.75, 2) == pytest.approx(2.75)
    assert distance_to_goal(float("nan"), 2) is None


def test_problem_counts_by_group():
    X = np.array([[1, 2], [1, np.nan], [2, 1], [1, 1]], dtype=float)
    group = np.array([0, 0, 1, 1])
    p, a = problem_counts(X, [(1,), (1,)], group, 2)
    assert p.tolist() == [[2, 0], [1, 2]]
    assert a.tolist() == [[2, 1], [2, 2]]
    t = index_table(p, a, np.array([CUTS, CUTS]), 1)
    # group 0: shares 1.0 (class 6) and 0.0 (class 0) -> 3; group 1: 0.5, 1.0 -> 5, 6 -> 5.5
    assert t.index.tolist() == [3.0, 5.5]


def test_index_in_report_hand_worked():
    """Area A: 10 respondents, v1 problem for 3 (30 % -> class 3), v2 for 6
    (60 % -> 6), v3 for none (class 0): index 3. Area B: 8 respondents.
    Area C: 2 respondents: hidden; B, the smallest shown area, is hidden
    too, since A + B + C make the city, which is shown."""
    inst = index_instrument()

    def area(name, n, v1, v2, v3, v3_answers=None):
        rows = np.full((n, 3), 2.0)
        rows[:v1, 0] = 1
        rows[:v2, 1] = 1
        rows[:v3, 2] = 1
        if v3_answers is not None:
            rows[v3_answers:, 2] = np.nan
        return rows, [name] * n

    parts = [area("A", 10, 3, 6, 0), area("B", 8, 1, 2, 0, v3_answers=4), area("C", 2, 0, 0, 0)]
    X = np.vstack([p[0] for p in parts])
    labels = np.array(sum((p[1] for p in parts), []))
    data = Dataset(["v1", "v2", "v3"], X, {"area": labels})
    out = report_json_of(inst, data)["indices"]["trygghetsindex"]
    groups = {g["by"]["area"]: g for g in out["groups"]}
    a = groups["A"]
    assert not a["suppressed"] and a["index"] == 3.0 and a["level"] == 1
    assert a["variables"]["v1"]["class"] == 3 and a["variables"]["v2"]["class"] == 6
    assert a["variables_at_4_6"] == ["v2"]
    assert a["distance_to_goal"] == pytest.approx(1.0)
    assert groups["C"]["suppressed"] and groups["C"]["index"] is None
    assert groups["B"]["suppressed"]  # secondary: A + B + C is the city total
    # city: v1 4/20 (class 2), v2 8/20 (class 4), v3 0/16 (class 0) -> 2
    assert out["overall"]["index"] == pytest.approx(2.0)
    assert out["overall"]["level"] == 0 and out["overall"]["variables_at_4_6"] == ["v2"]
    assert out["overall"]["baseline"]["diff"] == pytest.approx(2.0 - 1.67)
    assert out["goal_met"] is False


def test_city_index_hidden_below_the_minimum():
    data = Dataset(["v1", "v2", "v3"], np.ones((4, 3)), {"area": np.array(["A"] * 4)})
    out = report_json_of(index_instrument(), data)["indices"]["trygghetsindex"]
    assert out["overall"]["suppressed"] and out["overall"]["index"] is None
    assert out["groups"][0]["suppressed"]
