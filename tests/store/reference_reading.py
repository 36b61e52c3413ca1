"""The reading of a wave before issue 13 (one dict per respondent, then a
matrix built record by record), kept only here as the independent reading
that the new path (``Store.wave_dataset``) is checked against."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from surveys.dataset import Dataset

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Item




def matrix_layout(instrument: "Instrument") -> list[str]:
    """The ``matrix`` column names for ``instrument``, in questionnaire order:
    ``single`` and ``number`` items by id (group items included, holding their
    code), one ``<item id>_<code>`` column per option of a ``multi`` item."""
    columns: list[str] = []
    for item in instrument.items:
        if item.kind in ("single", "number"):
            columns.append(item.id)
        elif item.kind == "multi":
            scale = instrument.response_scale(item)
            columns.extend(f"{item.id}_{o.code}" for o in (scale.options if scale else ()))
    return columns


def reference_from_records(instrument: "Instrument", records: Iterable[Mapping[str, Any]],
                 presets: Mapping[str, Sequence[str]] | None = None) -> Dataset:
    """A Dataset from stored answers (``Store.wave_records``).

    Each record maps item id -> code (int), text (str) or chosen codes
    (list[int], ``multi``), plus ``"groups"`` (group name -> label, e.g. a
    code's ``class`` tag) and other keys (e.g. ``submitted_on``), which become
    group label columns. Group items given as
    codes are turned into their labels; a preset group (the wave's school
    list) maps code k to ``presets[group][k - 1]`` when ``presets`` is given.
    """
    records = list(records)
    layout = matrix_layout(instrument)
    col_index = {c: k for k, c in enumerate(layout)}
    matrix = np.full((len(records), len(layout)), np.nan)
    items = {i.id: i for i in instrument.items}
    multi_codes = {
        i.id: [o.code for o in instrument.response_scale(i).options]
        for i in instrument.items if i.kind == "multi" and instrument.response_scale(i)
    }
    group_cols: dict[str, list[str]] = {}
    texts: dict[str, list[str | None]] = {
        i.id: [None] * len(records) for i in instrument.items if i.kind == "text"}
    presets = presets or {}

    for r, record in enumerate(records):
        for key, value in record.items():
            item = items.get(key)
            if key == "groups" and item is None and isinstance(value, Mapping):
                for name, label in value.items():
                    if label is not None and label != "":
                        group_cols.setdefault(name, [""] * len(records))[r] = str(label)
                continue
            if item is None:
                if key.endswith("_other") and key[: -len("_other")] in multi_codes:
                    texts.setdefault(key, [None] * len(records))[r] = _text(value)
                    continue
                group_cols.setdefault(key, [""] * len(records))[r] = _text(value) or ""
                continue
            if value is None or value == "":
                continue
            if item.kind == "text":
                texts[key][r] = _text(value)
            elif item.kind == "multi":
                chosen = set(value) if isinstance(value, (list, tuple, set)) else {value}
                for code in multi_codes.get(key, ()):
                    matrix[r, col_index[f"{key}_{code}"]] = 1.0 if code in chosen else 0.0
            else:
                if item.group:
                    column = group_cols.setdefault(item.group, [""] * len(records))
                    if not column[r]:  # a label from "groups" wins
                        column[r] = _group_label(instrument, item, value, presets)
                if item.group and isinstance(value, str):
                    value = _group_code(instrument, item, value, presets)
                try:
                    matrix[r, col_index[key]] = float(value)
                except (TypeError, ValueError):
                    pass  # a label that is not an option: kept as a group label only
    groups = {k: np.array(v, dtype=str) for k, v in group_cols.items()}
    return Dataset(columns=layout, matrix=matrix, groups=groups, texts=texts)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def _group_label(instrument: "Instrument", item: "Item", value: Any,
                 presets: Mapping[str, Sequence[str]]) -> str:
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        return value.strip()
    code = int(value)
    scale = instrument.response_scale(item)
    if scale is not None and item.options_from != "preset":
        label = scale.label(code)
        if label is not None:
            return label
    listed = presets.get(item.group or item.id) or presets.get(item.id)
    if listed and 1 <= code <= len(listed):
        return str(listed[code - 1])
    return str(code)


def _group_code(instrument: "Instrument", item: "Item", label: str,
                presets: Mapping[str, Sequence[str]]) -> Any:
    """A group item's code for ``label`` (the label itself when unknown)."""
    label = label.strip()
    scale = instrument.response_scale(item)
    if scale is not None and item.options_from != "preset":
        for option in scale.options:
            if label in option.label.values.values():
                return option.code
    listed = list(presets.get(item.group or item.id) or presets.get(item.id) or ())
    if label in listed:
        return listed.index(label) + 1
    return label
