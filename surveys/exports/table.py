"""The raw-data table every raw export writes: variables with labels, and rows.

One row per respondent. ``single`` and ``number`` items keep their numeric
code, a ``multi`` item is one 0/1 column per option (``<item>_<code>``),
``text`` items hold the answer, group columns that are not items (the
submitted day, a class tag) are strings. Optional per-respondent scale scores
are appended as ``score_<scale id>``.

Privacy guards live here so that every format inherits them: columns that
could carry an access code are never written, and any date-time value is cut
to the day.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

import numpy as np

from surveys.dataset import Dataset
from surveys.instrument import Instrument, Item

#: Column names that must never leave the database in a raw file.
FORBIDDEN_COLUMNS = frozenset({"code", "access_code", "code_hash", "resume_token", "token",
                               "ip", "ip_address", "user_agent"})
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")

Value = int | float | str | None
#: Value label of 0 in a multi item's 0/1 column (an interface string).
_NOT_CHOSEN = {"sv": "ej vald", "en": "not chosen"}


@dataclass(frozen=True)
class Variable:
    """One column of the raw table, with what a codebook or SPSS needs."""

    name: str
    label: str
    kind: Literal["numeric", "string"]
    value_labels: Mapping[int, str] = field(default_factory=dict)
    item_id: str | None = None


@dataclass(frozen=True)
class RawTable:
    variables: list[Variable]
    rows: list[list[Value]]

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]


def option_labels(instrument: Instrument, item: Item,
                  presets: Mapping[str, Sequence[str]] | None = None,
                  lang: str | None = None) -> dict[int, str]:
    """Code -> label of a ``single``/``multi`` item; preset groups number the
    wave's list 1..n in list order."""
    if item.options_from == "preset":
        values = (presets or {}).get(item.group or item.id, ())
        return {i + 1: str(v) for i, v in enumerate(values)}
    scale = instrument.response_scale(item)
    if scale is None:
        return {}
    return {o.code: o.label.get(lang) for o in scale.options}


def _clean_text(value: object) -> Value:
    if value is None:
        return None
    text = str(value)
    match = _DATETIME.match(text)
    return match.group(1) if match else text


def _number(value: float) -> Value:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


def _preset_given_as_labels(item: Item, dataset: Dataset) -> bool:
    """A preset group read from a CSV of school names has no codes, only labels."""
    key = item.group or item.id
    if item.options_from != "preset" or key not in dataset.groups:
        return False
    return bool(np.isnan(dataset.column(item.id)).all())


def build_table(instrument: Instrument, dataset: Dataset,
                presets: Mapping[str, Sequence[str]] | None = None,
                scores: Mapping[str, np.ndarray] | None = None,
                lang: str | None = None) -> RawTable:
    """The raw table of ``dataset`` in questionnaire order, labelled from
    ``instrument`` (``presets``: the wave's group lists, e.g. schools)."""
    variables: list[Variable] = []
    getters: list = []
    used_columns: set[str] = set()
    used_groups: set[str] = set()

    def numeric(name: str, label: str, labels: Mapping[int, str], item_id: str | None) -> None:
        col = dataset.columns.index(name)
        used_columns.add(name)
        variables.append(Variable(name, label, "numeric", dict(labels), item_id))
        getters.append(lambda r, c=col: _number(dataset.matrix[r, c]))

    def string(name: str, label: str, values: Sequence[object], item_id: str | None) -> None:
        variables.append(Variable(name, label, "string", {}, item_id))
        getters.append(lambda r, v=values: _clean_text(v[r]) if v[r] not in ("", None) else None)

    for item in instrument.items:
        text = item.text.get(lang)
        if item.kind == "multi":
            for code, label in option_labels(instrument, item, presets, lang).items():
                name = f"{item.id}_{code}"
                if name in dataset.columns:
                    numeric(name, f"{text}: {label}",
                            {0: _NOT_CHOSEN.get(lang or "sv", "not chosen"), 1: label}, item.id)
            other = f"{item.id}_other"
            if other in dataset.texts:
                string(other, f"{text}: {other}", dataset.texts[other], item.id)
        elif item.kind == "text":
            if item.id in dataset.texts:
                string(item.id, text, dataset.texts[item.id], item.id)
        elif item.id in dataset.columns and not _preset_given_as_labels(item, dataset):
            labels = option_labels(instrument, item, presets, lang) if item.kind == "single" else {}
            numeric(item.id, text, labels, item.id)
            used_groups.add(item.group or item.id)
        elif item.group and (item.group in dataset.groups or item.id in dataset.groups):
            key = item.id if item.id in dataset.groups else item.group
            used_groups.add(key)
            used_columns.add(item.id)
            string(item.id, text, list(dataset.groups[key]), item.id)
    for name in dataset.columns:
        if name not in used_columns and name.lower() not in FORBIDDEN_COLUMNS:
            numeric(name, name, {}, None)
    for name, values in dataset.groups.items():
        if name in used_groups or name in used_columns or name.lower() in FORBIDDEN_COLUMNS:
            continue
        string(name, name, list(values), None)
    for scale_id, values in (scores or {}).items():
        scale = instrument.scales.get(scale_id)
        label = scale.label.get(lang) if scale else scale_id
        arr = np.asarray(values, dtype=float)
        variables.append(Variable(f"score_{scale_id}", label, "numeric", {}, None))
        getters.append(lambda r, a=arr: _number(a[r]))

    rows = [[get(r) for get in getters] for r in range(dataset.n)]
    return RawTable(variables, rows)
