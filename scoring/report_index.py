"""The ``indices`` section of the report (trygghetsindex)."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .disclosure import Breakdown, share_shown
from .index import distance_to_goal, index_table, level_of, problem_counts
from .jsonsafe import num
from .model import By, IndexBaseline, IndexCell, IndexResult, LevelBand, VariableFigures

if TYPE_CHECKING:
    from surveys.instrument import Index

#: Classes at or above this call for action (the 4-6 band).
ACT_CLASS = 4


def score_index(index: "Index", X: np.ndarray, breakdown: Breakdown | None, min_n: int) -> IndexResult:
    """City-wide and per-cell index figures. ``X`` is respondents x the
    index variables' items (NaN = not answered). A variable's share is
    shown only when it passes the numerator rule (jointly over the
    published tables); its class, a band, stays (docs/privacy.md)."""
    problem_masks = [(~np.isnan(X[:, j]), np.isin(X[:, j], np.asarray(v.problem, dtype=np.float64)))
                     for j, v in enumerate(index.variables)]
    problems = [tuple(v.problem) for v in index.variables]
    cuts = np.array([v.cut_points for v in index.variables], dtype=np.float64)
    level_max = [lv.max for lv in index.levels]
    n_all = X.shape[0]
    p_all, a_all = problem_counts(X, problems, np.zeros(n_all, dtype=np.int64), 1)
    city = index_table(p_all, a_all, cuts, index.min_answers)
    if n_all >= min_n:
        overall = _figures(index, city, 0, None, n_all, level_max, min_n, ~share_shown(p_all[0], a_all[0], min_n))
        if index.baseline is not None and overall.index is not None:
            overall = replace(overall, baseline=IndexBaseline(index.baseline.value, index.baseline.year,
                                                              overall.index - index.baseline.value))
    else:
        overall = _hidden(None)
    groups: tuple[IndexCell, ...] = ()
    goal_met = None
    if breakdown is not None:
        cells = breakdown.cells
        p, a = problem_counts(X, problems, cells.codes, cells.size)
        table = index_table(p, a, cuts, index.min_answers)
        n_resp = np.bincount(cells.codes, minlength=cells.size)
        hidden = breakdown.hidden(np.ones(n_all, dtype=bool))
        share_hidden = np.stack([breakdown.share_hidden(answered, problem) for answered, problem in problem_masks],
                                axis=1) if problem_masks else np.zeros((cells.size, 0), dtype=bool)
        groups = tuple(_hidden(dict(zip(cells.columns, labels))) if hidden[g] else
                       _figures(index, table, g, dict(zip(cells.columns, labels)), int(n_resp[g]), level_max,
                                min_n, share_hidden[g])
                       for g, labels in enumerate(cells.labels))
        shown = [c.index for c in groups if not c.suppressed and c.index is not None]
        goal_met = None if not shown or index.goal_max is None else all(v <= index.goal_max for v in shown)
    return IndexResult(
        id=index.id, label=dict(index.label.values), min_answers=index.min_answers, goal_max=index.goal_max,
        levels=tuple(LevelBand(lv.max, dict(lv.label.values), lv.colour) for lv in index.levels),
        overall=overall, groups=groups, by=tuple(breakdown.cells.columns) if breakdown is not None else (),
        goal_met=goal_met)


def _hidden(by: By | None) -> IndexCell:
    return IndexCell(by, True, None, None, None, None, None, None, None)


def _figures(index: "Index", table, g: int, by: By | None, n: int, level_max: list[float], min_n: int,
             share_hidden: np.ndarray) -> IndexCell:
    value = float(table.index[g])
    level = level_of(value, level_max)
    enough = table.answered[g] >= index.min_answers
    variables = {}
    for j, v in enumerate(index.variables):
        ok = table.answered[g, j] >= max(min_n, 1)
        variables[v.id] = VariableFigures(None if share_hidden[j] else int(table.answered[g, j]),
                                          num(table.share[g, j]) if ok and not share_hidden[j] else None,
                                          int(table.classes[g, j]) if ok and enough[j] else None)
    at_act = tuple(v.id for j, v in enumerate(index.variables)
                   if enough[j] and not np.isnan(table.classes[g, j]) and table.classes[g, j] >= ACT_CLASS)
    return IndexCell(by, False, n, num(value), level,
                     dict(index.levels[level].label.values) if level is not None else None,
                     at_act, distance_to_goal(value, index.goal_max), variables)
