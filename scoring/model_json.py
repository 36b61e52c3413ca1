"""The one serialiser of the report model (``scoring.model``) to the JSON
object of ``survey-engine score --format json``, the API's results and the
purge snapshot. Every JSON key of a report is written here and nowhere
else; ``docs/report-json.md`` documents them.

Some keys appear only in some cases (kept as the JSON has always been):
an index's ``goal_met`` only with a breakdown, the overall index's
``baseline`` only when there is one, ``level_label`` not on a hidden index
cell, ``pct_correct`` on the items of a ``correct`` scale and
``distribution`` on the others, ``comparison`` only with an earlier wave.
"""
from __future__ import annotations

from typing import Any

from .model import (By, CodeTable, Comparison, DeclaredShare, IndexCell, IndexResult, Interval, ItemStat, Report,
                    ScaleCell, ScaleChange, ScaleOverall, ScaleResult, ShareCell, ThemeChange, Themes)

JSON = dict[str, Any]


def report_to_json(report: Report) -> JSON:
    """The report as plain JSON values (dicts, lists, str, int, float, None)."""
    out: JSON = {
        "instrument": {"id": report.instrument.id, "version": report.instrument.version,
                       "sha256": report.instrument.sha256},
        "n_respondents": report.n_respondents,
        "suppression_min_n": report.suppression_min_n,
        "by": list(report.by),
        "scales": {k: scale_to_json(v) for k, v in report.scales.items()},
        "shares": {k: code_table_to_json(v) for k, v in report.shares.items()},
        "declared_shares": {k: declared_share_to_json(v) for k, v in report.declared_shares.items()},
        "indices": {k: index_to_json(v) for k, v in report.indices.items()},
        "themes": {k: themes_to_json(v) for k, v in report.themes.items()},
    }
    if report.comparison is not None:
        out["comparison"] = comparison_to_json(report.comparison)
    return out


def _interval(ci: Interval | None) -> list[float | None] | None:
    return None if ci is None else [ci[0], ci[1]]


def _by(by: By) -> JSON:
    return dict(by)


# --- scales -----------------------------------------------------------------------------

def scale_to_json(s: ScaleResult) -> JSON:
    """One entry of ``scales``."""
    return {
        "label": dict(s.label), "method": s.method, "items": list(s.items), "reversed": list(s.reversed),
        "min_answered": s.min_answered, "range": [s.range[0], s.range[1]],
        "overall": _scale_overall(s.overall),
        "item_stats": [_item_stat(i, s.method) for i in s.item_stats],
        "groups": [_scale_cell(g) for g in s.groups],
    }


def _scale_overall(o: ScaleOverall) -> JSON:
    b, t = o.baseline, o.target
    return {
        "n": o.n, "mean": o.mean, "sd": o.sd, "ci95": _interval(o.ci95), "alpha": o.alpha, "alpha_n": o.alpha_n,
        "suppressed": o.suppressed,
        "baseline": None if b is None else {"value": b.value, "year": b.year, "assumption": b.assumption,
                                            "diff": b.diff, "t": b.t, "df": b.df, "p": b.p,
                                            "cohens_d": b.cohens_d},
        "target": None if t is None else {"value": t.value, "year": t.year, "progress": t.progress},
    }


def _item_stat(i: ItemStat, method: str) -> JSON:
    row: JSON = {"item": i.item, "reversed": i.reversed, "n": i.n, "mean": i.mean, "sd": i.sd,
                 "r_drop": i.r_drop, "alpha_if_deleted": i.alpha_if_deleted}
    if method == "correct":
        row["pct_correct"] = i.pct_correct
    else:
        row["distribution"] = None if i.distribution is None else dict(i.distribution)
    return row


def _scale_cell(g: ScaleCell) -> JSON:
    rest = g.vs_rest
    return {
        "by": _by(g.by), "suppressed": g.suppressed, "n": g.n, "mean": g.mean, "sd": g.sd,
        "ci95": _interval(g.ci95), "alpha": g.alpha, "alpha_n": g.alpha_n,
        "item_reliability": None if g.item_reliability is None else
        [{"item": r.item, "r_drop": r.r_drop, "alpha_if_deleted": r.alpha_if_deleted} for r in g.item_reliability],
        "vs_rest": None if rest is None else {"t": rest.t, "df": rest.df, "p": rest.p, "p_holm": rest.p_holm},
    }


# --- shares -----------------------------------------------------------------------------

def code_table_to_json(table: CodeTable) -> JSON:
    """One entry of ``shares``: code -> {n, pct, ci95}."""
    return {code: {"n": c.n, "pct": c.pct, "ci95": _interval(c.ci95)} for code, c in table.codes.items()}


def declared_share_to_json(s: DeclaredShare) -> JSON:
    """One entry of ``declared_shares``."""
    b, t = s.baseline, s.target
    return {
        "item": s.item, "codes": list(s.codes), "label": dict(s.label), "suppressed": s.suppressed,
        "note": None if s.note is None else s.note.value,
        "n": s.n, "of": s.of, "pct": s.pct, "ci95": _interval(s.ci95),
        "baseline": None if b is None else {"value": b.value, "pct": b.pct, "year": b.year,
                                            "assumption": b.assumption, "diff_pct": b.diff_pct, "p": b.p},
        "target": None if t is None else {"value": t.value, "pct": t.pct, "year": t.year, "progress": t.progress},
        "groups": [_share_cell(g) for g in s.groups],
    }


def _share_cell(g: ShareCell) -> JSON:
    rest = g.vs_rest
    return {"by": _by(g.by), "suppressed": g.suppressed, "note": None if g.note is None else g.note.value,
            "n": g.n, "of": g.of, "pct": g.pct, "ci95": _interval(g.ci95),
            "vs_rest": None if rest is None else {"test": rest.test, "diff_pct": rest.diff_pct, "p": rest.p,
                                                  "p_holm": rest.p_holm}}


# --- indices ----------------------------------------------------------------------------

def index_to_json(ix: IndexResult) -> JSON:
    """One entry of ``indices``."""
    out: JSON = {
        "label": dict(ix.label), "min_answers": ix.min_answers, "goal_max": ix.goal_max,
        "levels": [{"max": lv.max, "label": dict(lv.label), "colour": lv.colour} for lv in ix.levels],
        "overall": _index_overall(ix.overall),
        "groups": [_index_cell(g) for g in ix.groups],
    }
    if ix.by:
        out["goal_met"] = ix.goal_met
    return out


def _index_figures(c: IndexCell) -> JSON:
    variables = None if c.variables is None else {
        k: {"answered": v.answered, "share": v.share, "class": v.class_} for k, v in c.variables.items()}
    return {"variables_at_4_6": None if c.variables_at_4_6 is None else list(c.variables_at_4_6),
            "distance_to_goal": c.distance_to_goal, "variables": variables}


def _index_overall(c: IndexCell) -> JSON:
    if c.suppressed:
        return {"n": c.n, "suppressed": True, "index": c.index, "level": c.level,
                "level_label": None if c.level_label is None else dict(c.level_label), **_index_figures(c)}
    out = {"suppressed": False, "n": c.n, "index": c.index, "level": c.level,
           "level_label": None if c.level_label is None else dict(c.level_label), **_index_figures(c)}
    if c.baseline is not None:
        out["baseline"] = {"value": c.baseline.value, "year": c.baseline.year, "diff": c.baseline.diff}
    return out


def _index_cell(c: IndexCell) -> JSON:
    if c.suppressed:
        return {"by": _by(c.by or {}), "suppressed": True, "n": c.n, "index": c.index, "level": c.level,
                **_index_figures(c)}
    return {"by": _by(c.by or {}), "suppressed": False, "n": c.n, "index": c.index, "level": c.level,
            "level_label": None if c.level_label is None else dict(c.level_label), **_index_figures(c)}


# --- themes -----------------------------------------------------------------------------

def themes_to_json(t: Themes) -> JSON:
    """One entry of ``themes``."""
    return {"by": list(t.by), "groups": [
        {"by": _by(g.by), "suppressed": g.suppressed, "n": g.n,
         "shares": None if g.shares is None else {
             code: {"n": s.n, "pct": s.pct, "suppressed": s.suppressed} for code, s in g.shares.items()}}
        for g in t.groups]}


# --- comparison -------------------------------------------------------------------------

def comparison_to_json(c: Comparison) -> JSON:
    """The ``comparison`` object."""
    return {
        "n_respondents": c.n_respondents,
        "scales": {k: _scale_change(v, overall=True) for k, v in c.scales.items()},
        "declared_shares": {k: {"suppressed": v.suppressed,
                                "previous": None if v.previous is None else
                                {"n": v.previous.n, "of": v.previous.of, "pct": v.previous.pct},
                                "diff_pct": v.diff_pct, "test": v.test, "p": v.p}
                            for k, v in c.declared_shares.items()},
        "indices": {k: {"previous": v.previous, "change": v.change,
                        "groups": [{"by": _by(g.by), "previous": g.previous, "change": g.change} for g in v.groups]}
                    for k, v in c.indices.items()},
        "themes": {k: _theme_change(v) for k, v in c.themes.items()},
    }


def _scale_change(s: ScaleChange, overall: bool = False) -> JSON:
    out: JSON = {} if overall else {"by": _by(s.by or {})}
    out.update({
        "suppressed": s.suppressed,
        "previous": None if s.previous is None else {"n": s.previous.n, "mean": s.previous.mean,
                                                     "sd": s.previous.sd},
        "diff": s.diff,
        "welch": None if s.welch is None else {"t": s.welch.t, "df": s.welch.df, "p": s.welch.p},
        "hedges_g": s.hedges_g, "hedges_g_ci95": _interval(s.hedges_g_ci95),
    })
    if overall:
        out["groups"] = [_scale_change(g) for g in s.groups]
    return out


def _theme_change(t: ThemeChange) -> JSON:
    return {"by": list(t.by), "groups": [
        {"by": _by(g.by), "suppressed": g.suppressed, "previous_n": g.previous_n,
         "change_pct": None if g.change_pct is None else {
             code: {"previous_pct": o.previous_pct, "change_pct": o.change_pct} for code, o in g.change_pct.items()}}
        for g in t.groups]}
