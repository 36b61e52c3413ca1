"""The codebook of an instrument version: item text, codes and labels,
scales, reversed items, shares, indices and the instrument hash, as plain
tables (rendered to CSV, XLSX and HTML by the writers below)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from surveys.exports.table import Value, option_labels
from surveys.instrument import Condition, Instrument


@dataclass(frozen=True)
class Sheet:
    """A titled table."""

    name: str
    header: list[str]
    rows: list[list[Value]]


def condition_text(cond: Condition | None) -> str:
    """A condition in one readable line, e.g. ``use in [2, 3, 4]``."""
    if cond is None:
        return ""
    if cond.all_of:
        return " and ".join(f"({condition_text(c)})" for c in cond.all_of)
    if cond.any_of:
        return " or ".join(f"({condition_text(c)})" for c in cond.any_of)
    if cond.in_codes:
        return f"{cond.item} in {list(cond.in_codes)}"
    return f"{cond.item} not in {list(cond.not_in_codes)}"


def _join(values: Sequence[object]) -> str:
    return " ".join(str(v) for v in values)


def instrument_sheet(instrument: Instrument, lang: str | None = None) -> Sheet:
    rows: list[list[Value]] = [
        ["id", instrument.id], ["version", instrument.version],
        ["title", instrument.title.get(lang)], ["sha256", instrument.sha256],
        ["languages", _join(instrument.languages)],
        ["suppression_min_n", instrument.suppression_min_n],
    ]
    return Sheet("instrument", ["field", "value"], rows)


def items_sheet(instrument: Instrument, presets: Mapping[str, Sequence[str]] | None = None,
                lang: str | None = None) -> Sheet:
    """One row per item and response code (one row for items without codes)."""
    header = ["variable", "item", "page", "kind", "text", "code", "label", "missing_code",
              "scales", "reversed_in", "show_if", "group", "min", "max", "reconstructed"]
    in_scales: dict[str, list[str]] = {}
    reversed_in: dict[str, list[str]] = {}
    for scale in instrument.scales.values():
        for item_id in scale.items:
            in_scales.setdefault(item_id, []).append(scale.id)
        for item_id in scale.reversed:
            reversed_in.setdefault(item_id, []).append(scale.id)
    rows: list[list[Value]] = []
    for page in instrument.pages:
        for item in page.items:
            scale = instrument.response_scale(item)
            missing = set(scale.missing_codes) if scale else set()
            show_if = " and ".join(filter(None, [condition_text(page.show_if),
                                                 condition_text(item.show_if)]))
            common = [_join(in_scales.get(item.id, [])), _join(reversed_in.get(item.id, [])),
                      show_if, item.group or "", item.min, item.max,
                      "yes" if item.reconstructed else ""]
            labels = option_labels(instrument, item, presets, lang)
            if item.kind in ("single", "multi") and labels:
                for code, label in labels.items():
                    variable = f"{item.id}_{code}" if item.kind == "multi" else item.id
                    rows.append([variable, item.id, page.id, item.kind, item.text.get(lang), code,
                                 label, "yes" if code in missing else "", *common])
            else:
                rows.append([item.id, item.id, page.id, item.kind, item.text.get(lang), None, None,
                             "", *common])
    return Sheet("items", header, rows)


def scales_sheet(instrument: Instrument, lang: str | None = None) -> Sheet:
    header = ["scale", "label", "method", "items", "reversed", "min_answered", "response_min",
              "response_max", "key", "baseline", "baseline_year", "target", "target_year"]
    rows: list[list[Value]] = []
    for s in instrument.scales.values():
        key = _join(f"{k}={v}" for k, v in s.key.items())
        rows.append([s.id, s.label.get(lang), s.method, _join(s.items), _join(s.reversed),
                     s.min_answered, s.response_min, s.response_max, key,
                     s.baseline.value if s.baseline else None,
                     s.baseline.year if s.baseline else None,
                     s.target.value if s.target else None,
                     s.target.year if s.target else None])
    return Sheet("scales", header, rows)


def shares_sheet(instrument: Instrument, lang: str | None = None) -> Sheet:
    header = ["share", "label", "item", "codes", "baseline", "baseline_year",
              "baseline_assumption", "target"]
    rows: list[list[Value]] = []
    for s in instrument.shares.values():
        rows.append([s.id, s.label.get(lang), s.item, _join(s.codes),
                     s.baseline.value if s.baseline else None,
                     s.baseline.year if s.baseline else None,
                     "yes" if s.baseline and s.baseline.assumption else "",
                     s.target.value if s.target else None])
    return Sheet("shares", header, rows)


def indices_sheet(instrument: Instrument, lang: str | None = None) -> Sheet:
    header = ["index", "variable", "label", "item", "family", "problem_codes", "cut_points"]
    rows: list[list[Value]] = []
    for index in instrument.indices.values():
        for v in index.variables:
            rows.append([index.id, v.id, v.label.get(lang), v.item, v.family,
                         _join(v.problem), _join(v.cut_points)])
        for level in index.levels:
            rows.append([index.id, "level", level.label.get(lang), "", level.colour,
                         "", f"max {level.max}"])
    return Sheet("indices", header, rows)


def codebook_sheets(instrument: Instrument, presets: Mapping[str, Sequence[str]] | None = None,
                    lang: str | None = None) -> list[Sheet]:
    """Every codebook table; empty ones (no index, say) are left out."""
    sheets = [instrument_sheet(instrument, lang), items_sheet(instrument, presets, lang),
              scales_sheet(instrument, lang), shares_sheet(instrument, lang),
              indices_sheet(instrument, lang)]
    return [s for s in sheets if s.rows]
