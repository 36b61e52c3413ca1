"""The scored report (``scoring.model.Report``) as JSON bytes (the object
``survey-engine score --format json`` prints, through the one serialiser
``scoring.model_json``) and as tables for the XLSX ``scores`` sheets."""
from __future__ import annotations

import json
from typing import Any, Mapping

from scoring.jsonsafe import plain as _clean
from scoring.model import Interval, Report
from scoring.model_json import report_to_json
from surveys.exports.codebook import Sheet
from surveys.exports.table import Value


def json_bytes(obj: Any) -> bytes:
    """A JSON object (a serialised report, a stored snapshot) as UTF-8 bytes."""
    return json.dumps(_clean(obj), ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")


def report_json(report: Report, extra: Mapping[str, Any] | None = None) -> bytes:
    """The report as UTF-8 JSON, the same object ``score`` prints, with the
    ``extra`` keys (e.g. the API's ``compared_with``) after its own."""
    return json_bytes({**report_to_json(report), **(extra or {})})


def _ci(ci: Interval | None) -> tuple[Value, Value]:
    return (None, None) if ci is None else (ci[0], ci[1])


def _scalar(value: Any) -> Value:
    value = _clean(value)
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, Value]]:
    """Every leaf of a nested object as (dotted path, value)."""
    if isinstance(obj, Mapping):
        out: list[tuple[str, Value]] = []
        for k, v in obj.items():
            out.extend(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(obj, (list, tuple)) and any(isinstance(v, (Mapping, list, tuple)) for v in obj):
        out = []
        for i, v in enumerate(obj):
            out.extend(flatten(v, f"{prefix}[{i}]"))
        return out
    return [(prefix, _scalar(obj))]


def _by_text(by: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k}={'(no answer)' if v is None else v}" for k, v in by.items())


def scales_sheet(report: Report) -> Sheet:
    """One row per scale overall and per group cell (suppressed cells empty)."""
    header = ["scale", "group", "suppressed", "n", "mean", "sd", "ci95_low", "ci95_high", "alpha",
              "baseline", "diff", "t", "p", "target", "progress"]
    rows: list[list[Value]] = []
    for scale_id, scale in report.scales.items():
        o, base, target = scale.overall, scale.overall.baseline, scale.overall.target
        rows.append([scale_id, "", o.suppressed, o.n, o.mean, o.sd, *_ci(o.ci95), o.alpha,
                     *((base.value, base.diff, base.t, base.p) if base else (None,) * 4),
                     *((target.value, target.progress) if target else (None, None))])
        for g in scale.groups:
            rows.append([scale_id, _by_text(g.by), g.suppressed, g.n, g.mean, g.sd, *_ci(g.ci95),
                         None, None, None, None, None, None, None])
    return Sheet("scales", header, rows)


def shares_sheet(report: Report) -> Sheet:
    """One row per item and response code: n, percent, Wilson interval."""
    header = ["item", "code", "n", "pct", "ci95_low", "ci95_high"]
    rows: list[list[Value]] = [[item_id, code, cell.n, cell.pct, *_ci(cell.ci95)]
                               for item_id, table in report.shares.items() for code, cell in table.codes.items()]
    return Sheet("shares", header, rows)


def details_sheet(report: Report) -> Sheet:
    """Every figure of the report's JSON as (path, value), nothing left out."""
    return Sheet("all_figures", ["path", "value"], [list(p) for p in flatten(report_to_json(report))])


def report_sheets(report: Report) -> list[Sheet]:
    """The tables of the scored results workbook."""
    return [scales_sheet(report), shares_sheet(report), details_sheet(report)]
