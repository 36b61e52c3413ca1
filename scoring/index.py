"""Trygghetsindex: problem shares classed 0-6 and averaged per area.

For each variable the measure is the share of its answers that fall in the
declared problem responses. Six rising cut points class the share: a share
at or above ``cut_points[k - 1]`` (and below ``cut_points[k]``) is class k,
below the first cut point class 0. An area's index is the mean class over
the variables with at least ``min_answers`` answers in that area.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def classify(shares: np.ndarray, cut_points: np.ndarray) -> np.ndarray:
    """Class 0-6 of each share; ``cut_points`` is (6,) for all shares or
    (variables, 6) with one row per variable (last axis of ``shares``).
    NaN shares give NaN."""
    shares = np.asarray(shares, dtype=np.float64)
    cuts = np.asarray(cut_points, dtype=np.float64)
    # broadcasting: (..., variables, 1) >= (6,) or (variables, 6)
    cls = (shares[..., None] >= cuts).sum(axis=-1).astype(np.float64)
    return np.where(np.isnan(shares), np.nan, cls)


def index_value(classes: np.ndarray, answered: np.ndarray, min_answers: int) -> np.ndarray:
    """Mean class over the variables (last axis) with at least
    ``min_answers`` answers; NaN when no variable qualifies."""
    classes = np.asarray(classes, dtype=np.float64)
    ok = (np.asarray(answered) >= min_answers) & ~np.isnan(classes)
    count = ok.sum(axis=-1)
    total = np.where(ok, classes, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def level_of(value: float, level_max: list[float]) -> int | None:
    """Index of the first level whose upper bound is at least ``value``
    (levels in rising order); None for NaN."""
    if value is None or np.isnan(value):
        return None
    for i, m in enumerate(level_max):
        if value <= m + 1e-12:
            return i
    return len(level_max) - 1


def distance_to_goal(value: float, goal_max: float | None) -> float | None:
    """How far the index is above the goal (0 when at or below it)."""
    if goal_max is None or value is None or np.isnan(value):
        return None
    return max(0.0, float(value) - goal_max)


@dataclass(frozen=True)
class IndexTable:
    """Per group (rows) and variable (columns): problem count, answered,
    share and class; plus the index per group."""

    problem: np.ndarray
    answered: np.ndarray
    share: np.ndarray
    classes: np.ndarray
    index: np.ndarray


def index_table(problem: np.ndarray, answered: np.ndarray, cut_points: np.ndarray, min_answers: int) -> IndexTable:
    """Index figures from counts: ``problem`` and ``answered`` are
    (groups, variables) counts; ``cut_points`` (variables, 6)."""
    problem = np.asarray(problem, dtype=np.float64)
    answered = np.asarray(answered, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(answered > 0, problem / answered, np.nan)
    classes = classify(share, cut_points)
    return IndexTable(problem, answered, share, classes, index_value(classes, answered, min_answers))


def problem_counts(X: np.ndarray, problem_sets: list[tuple[int, ...]], group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(groups, variables) counts of problem answers and of answers, from the
    respondents x variables matrix ``X`` (NaN = not answered)."""
    X = np.asarray(X, dtype=np.float64)
    v = X.shape[1]
    problem = np.zeros((n_groups, v), dtype=np.int64)
    answered = np.zeros((n_groups, v), dtype=np.int64)
    ok_group = group >= 0
    for j in range(v):
        col = X[:, j]
        a = ~np.isnan(col) & ok_group
        p = np.isin(col, np.asarray(problem_sets[j], dtype=np.float64)) & a
        answered[:, j] = np.bincount(group[a], minlength=n_groups)
        problem[:, j] = np.bincount(group[p], minlength=n_groups)
    return problem, answered
