"""The ``indices`` section of the report (trygghetsindex)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .disclosure import Breakdown, share_shown
from .index import distance_to_goal, index_table, level_of, problem_counts
from .jsonsafe import num

if TYPE_CHECKING:
    from surveys.instrument import Index

#: Classes at or above this call for action (the 4-6 band).
ACT_CLASS = 4


def score_index(index: "Index", X: np.ndarray, breakdown: Breakdown | None, min_n: int) -> dict[str, Any]:
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
    entry: dict[str, Any] = {
        "label": dict(index.label.values),
        "min_answers": index.min_answers,
        "goal_max": index.goal_max,
        "levels": [{"max": lv.max, "label": dict(lv.label.values), "colour": lv.colour} for lv in index.levels],
        "overall": ({"suppressed": False, **_figures(index, city, 0, n_all, level_max, min_n,
                                                      ~share_shown(p_all[0], a_all[0], min_n))}
                    if n_all >= min_n else _hidden(n_all)),
        "groups": [],
    }
    if index.baseline is not None and entry["overall"]["index"] is not None:
        entry["overall"]["baseline"] = {"value": index.baseline.value, "year": index.baseline.year,
                                        "diff": entry["overall"]["index"] - index.baseline.value}
    if breakdown is not None:
        cells = breakdown.cells
        p, a = problem_counts(X, problems, cells.codes, cells.size)
        table = index_table(p, a, cuts, index.min_answers)
        n_resp = np.bincount(cells.codes, minlength=cells.size)
        hidden = breakdown.hidden(np.ones(n_all, dtype=bool))
        share_hidden = np.stack([breakdown.share_hidden(answered, problem) for answered, problem in problem_masks],
                                axis=1) if problem_masks else np.zeros((cells.size, 0), dtype=bool)
        groups = []
        for g, labels in enumerate(cells.labels):
            by = dict(zip(cells.columns, labels))
            if hidden[g]:
                groups.append({"by": by, "suppressed": True, "n": None, "index": None, "level": None,
                               "variables_at_4_6": None, "distance_to_goal": None, "variables": None})
            else:
                groups.append({"by": by, "suppressed": False,
                               **_figures(index, table, g, int(n_resp[g]), level_max, min_n, share_hidden[g])})
        entry["groups"] = groups
        shown = [g["index"] for g in groups if not g["suppressed"] and g["index"] is not None]
        entry["goal_met"] = None if not shown or index.goal_max is None else all(v <= index.goal_max for v in shown)
    return entry


def _hidden(n: int) -> dict[str, Any]:
    return {"n": None, "suppressed": True, "index": None, "level": None, "level_label": None,
            "variables_at_4_6": None, "distance_to_goal": None, "variables": None}


def _figures(index: "Index", table, g: int, n: int, level_max: list[float], min_n: int,
             share_hidden: np.ndarray) -> dict[str, Any]:
    value = float(table.index[g])
    level = level_of(value, level_max)
    enough = table.answered[g] >= index.min_answers
    variables = {}
    for j, v in enumerate(index.variables):
        ok = table.answered[g, j] >= max(min_n, 1)
        variables[v.id] = {"answered": None if share_hidden[j] else int(table.answered[g, j]),
                           "share": num(table.share[g, j]) if ok and not share_hidden[j] else None,
                           "class": int(table.classes[g, j]) if ok and enough[j] else None}
    at_act = [v.id for j, v in enumerate(index.variables)
              if enough[j] and not np.isnan(table.classes[g, j]) and table.classes[g, j] >= ACT_CLASS]
    return {"n": n, "index": num(value), "level": level,
            "level_label": dict(index.levels[level].label.values) if level is not None else None,
            "variables_at_4_6": at_act, "distance_to_goal": distance_to_goal(value, index.goal_max),
            "variables": variables}
