"""The scored report (the object ``survey-engine score --format json`` prints)
as JSON bytes and as tables for the XLSX ``scores`` sheets."""
from __future__ import annotations

import json
from typing import Any, Mapping

from scoring.jsonsafe import plain as _clean
from surveys.exports.codebook import Sheet
from surveys.exports.table import Value


def report_json(report: Mapping[str, Any]) -> bytes:
    """The report as UTF-8 JSON, the same object ``score`` prints."""
    return json.dumps(_clean(report), ensure_ascii=False, indent=2,
                      allow_nan=False).encode("utf-8")


def _ci(ci: Any) -> tuple[Value, Value]:
    if isinstance(ci, (list, tuple)) and len(ci) == 2:
        return ci[0], ci[1]
    return None, None


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


def _by_text(by: Any) -> str:
    if isinstance(by, Mapping):
        return ", ".join(f"{k}={'(no answer)' if v is None else v}" for k, v in by.items())
    return "" if by is None else str(by)


def scales_sheet(report: Mapping[str, Any]) -> Sheet:
    """One row per scale overall and per group cell (suppressed cells empty)."""
    header = ["scale", "group", "suppressed", "n", "mean", "sd", "ci95_low", "ci95_high", "alpha",
              "baseline", "diff", "t", "p", "target", "progress"]
    rows: list[list[Value]] = []
    for scale_id, scale in (report.get("scales") or {}).items():
        o = scale.get("overall") or {}
        base = o.get("baseline") or {}
        target = o.get("target") or {}
        rows.append([scale_id, "", False, *(_scalar(o.get(k)) for k in ("n", "mean", "sd")),
                     *_ci(o.get("ci95")), _scalar(o.get("alpha")),
                     *(_scalar(base.get(k)) for k in ("value", "diff", "t", "p")),
                     _scalar(target.get("value")), _scalar(target.get("progress"))])
        for g in scale.get("groups") or []:
            rows.append([scale_id, _by_text(g.get("by")), bool(g.get("suppressed")),
                         *(_scalar(g.get(k)) for k in ("n", "mean", "sd")), *_ci(g.get("ci95")),
                         None, None, None, None, None, None, None])
    return Sheet("scales", header, [[_clean(v) for v in r] for r in rows])


def shares_sheet(report: Mapping[str, Any]) -> Sheet:
    """One row per item and response code: n, percent, Wilson interval."""
    header = ["item", "code", "n", "pct", "ci95_low", "ci95_high"]
    rows: list[list[Value]] = []
    for item_id, codes in (report.get("shares") or {}).items():
        if not isinstance(codes, Mapping):
            continue
        for code, cell in codes.items():
            if isinstance(cell, Mapping) and ("n" in cell or "pct" in cell):
                rows.append([item_id, _scalar(code), _scalar(cell.get("n")),
                             _scalar(cell.get("pct")), *_ci(cell.get("ci95"))])
    return Sheet("shares", header, rows)


def details_sheet(report: Mapping[str, Any]) -> Sheet:
    """Every figure of the report as (path, value), nothing left out."""
    return Sheet("all_figures", ["path", "value"], [list(p) for p in flatten(report)])


def report_sheets(report: Mapping[str, Any]) -> list[Sheet]:
    """The tables of the scored results workbook."""
    return [scales_sheet(report), shares_sheet(report), details_sheet(report)]
