"""The raw-data table every raw export writes: variables with labels, and
their values column by column.

One row per respondent. ``single`` and ``number`` items keep their numeric
code, a ``multi`` item is one 0/1 column per option (``<item>_<code>``),
``text`` items hold the answer, group columns that are not items (the
submission week, a class tag) are strings. Optional per-respondent scale
scores are appended as ``score_<scale id>``. Column names are unique (an
"other" text declared as an item is written once, and any other clash gets
a ``_2`` suffix).

The table holds the dataset's arrays (no copy per cell); writers take the
rows in chunks (:meth:`RawTable.chunks`), so a raw download of a large wave
is streamed. Every text cell passes :func:`surveys.exports.sanitise.text_cell`
here, once for all formats.

Privacy guards live here so that every format inherits them: columns that
could carry an access code are never written, a ``submitted_on`` or
``started_on`` column becomes its ISO week, and any date-time value in a
text column is cut to the day.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterator, Literal, Mapping, Sequence

import numpy as np

from surveys.dataset import Dataset, iso_week
from surveys.exports.sanitise import text_cell
from surveys.instrument import Instrument, Item

#: Column names that must never leave the database in a raw file.
FORBIDDEN_COLUMNS = frozenset({"code", "access_code", "code_hash", "resume_token", "token",
                               "ip", "ip_address", "user_agent"})
#: Day columns written as their ISO week (name -> new name).
DAY_COLUMNS = {"submitted_on": "submitted_week", "started_on": "started_week"}
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: Rows per chunk handed to the writers.
CHUNK_ROWS = 5000

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
    #: Decimal places and total width (sign and decimal mark included) of a
    #: decimal number item's values, e.g. 1 and 5 for -12.5; 0 otherwise.
    decimals: int = 0
    width: int = 0


@dataclass(frozen=True)
class RawTable:
    variables: list[Variable]
    #: One per variable: a float array (numeric, NaN = missing) or a
    #: sequence of sanitised str / None (string).
    columns: list[Sequence[object]]
    n: int = 0

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[list[Value]]]:
        """The rows, ``size`` at a time (numbers as int where whole)."""
        for start in range(0, self.n, size):
            yield self.rows_between(start, start + size)

    def rows_between(self, start: int, stop: int) -> list[list[Value]]:
        """Rows ``start`` up to ``stop`` (clipped to the table)."""
        start, stop = max(0, start), min(stop, self.n)
        if start >= stop:
            return []
        cols = [_numbers(c[start:stop]) if v.kind == "numeric" else list(c[start:stop])
                for v, c in zip(self.variables, self.columns)]
        return [list(row) for row in zip(*cols)] if cols else [[] for _ in range(stop - start)]

    @property
    def rows(self) -> list[list[Value]]:
        """Every row at once (small tables and tests; writers use :meth:`chunks`)."""
        return [row for chunk in self.chunks() for row in chunk]


def _numbers(values: np.ndarray) -> list[Value]:
    """Floats as Python values: None for NaN, int where whole."""
    arr = np.asarray(values, dtype=float)
    finite = np.isfinite(arr)
    if finite.all() and (arr == np.round(arr)).all():
        return arr.astype(np.int64).tolist()
    out: list[Value] = arr.tolist()
    for i, (v, ok) in enumerate(zip(out, finite.tolist())):
        if not ok:
            out[i] = None
        elif float(v).is_integer():
            out[i] = int(v)
    return out


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
    if value is None or value == "":
        return None
    text = str(value)
    match = _DATETIME.match(text)
    return text_cell(match.group(1) if match else text)


class _Strings:
    """A text column cleaned lazily, slice by slice (each distinct value
    once), so that a streamed download holds no cleaned copy of the wave."""

    def __init__(self, values: Sequence[object], week: bool = False):
        self._values = values
        self._week = week
        self._memo: dict[object, Value] = {}

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, index: slice) -> list[Value]:
        part = self._values[index]
        memo, out = self._memo, []
        for v in part.tolist() if isinstance(part, np.ndarray) else part:
            cleaned = memo.get(v, memo)
            if cleaned is memo:
                cleaned = memo[v] = _week(v) if self._week else _clean_text(v)
            out.append(cleaned)
        return out

    def __iter__(self) -> Iterator[Value]:
        for start in range(0, len(self), CHUNK_ROWS):
            yield from self[start:start + CHUNK_ROWS]


def _strings(values: Sequence[object], week: bool = False) -> _Strings:
    """A text column, cleaned as it is read."""
    return _Strings(values, week)


def _week(value: object) -> Value:
    if isinstance(value, dt.date):
        return iso_week(value)
    text = str(value or "")
    if _DAY.match(text):
        return iso_week(dt.date.fromisoformat(text[:10]))
    return _clean_text(text)


def _width(item: Item) -> int:
    """Characters the widest value of a decimal item takes (sign, digits,
    decimal mark, decimals)."""
    digits = max(len(str(int(abs(b)))) for b in (item.min or 0, item.max or 0))
    sign = 1 if (item.min or 0) < 0 else 0
    return sign + digits + 1 + item.decimals


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
    columns: list[Sequence[object]] = []
    used_columns: set[str] = set()
    used_groups: set[str] = set()
    names: set[str] = set()
    declared = {i.id for i in instrument.items}
    col_index = {c: j for j, c in enumerate(dataset.columns)}

    def unique(name: str) -> str:
        k, candidate = 2, name
        while candidate in names:
            candidate, k = f"{name}_{k}", k + 1
        names.add(candidate)
        return candidate

    def numeric(name: str, label: str, labels: Mapping[int, str], item_id: str | None,
                item: Item | None = None) -> None:
        used_columns.add(name)
        places, width = (item.decimals, _width(item)) if item is not None and item.decimals else (0, 0)
        variables.append(Variable(unique(name), label, "numeric", dict(labels), item_id, places, width))
        columns.append(dataset.matrix[:, col_index[name]])

    def string(name: str, label: str, values: Sequence[object], item_id: str | None,
               week: bool = False) -> None:
        variables.append(Variable(unique(name), label, "string", {}, item_id))
        columns.append(_strings(values, week))

    for item in instrument.items:
        text = item.text.get(lang)
        if item.kind == "multi":
            for code, label in option_labels(instrument, item, presets, lang).items():
                name = f"{item.id}_{code}"
                if name in col_index:
                    numeric(name, f"{text}: {label}",
                            {0: _NOT_CHOSEN.get(lang or "sv", "not chosen"), 1: label}, item.id)
            other = f"{item.id}_other"
            if other in dataset.texts and other not in declared:  # else written as its item
                string(other, f"{text}: {other}", dataset.texts[other], item.id)
        elif item.kind == "text":
            if item.id in dataset.texts:
                string(item.id, text, dataset.texts[item.id], item.id)
        elif item.id in col_index and not _preset_given_as_labels(item, dataset):
            labels = option_labels(instrument, item, presets, lang) if item.kind == "single" else {}
            numeric(item.id, text, labels, item.id, item)
            used_groups.add(item.group or item.id)
        elif item.group and (item.group in dataset.groups or item.id in dataset.groups):
            key = item.id if item.id in dataset.groups else item.group
            used_groups.add(key)
            used_columns.add(item.id)
            string(item.id, text, dataset.groups[key], item.id)
    for name in dataset.columns:
        if name not in used_columns and name.lower() not in FORBIDDEN_COLUMNS:
            numeric(name, name, {}, None)
    for name, values in dataset.groups.items():
        if name in used_groups or name in used_columns or name.lower() in FORBIDDEN_COLUMNS:
            continue
        if name in DAY_COLUMNS:
            string(DAY_COLUMNS[name], DAY_COLUMNS[name], values, None, week=True)
        else:
            string(name, name, values, None)
    for scale_id, values in (scores or {}).items():
        scale = instrument.scales.get(scale_id)
        label = scale.label.get(lang) if scale else scale_id
        variables.append(Variable(unique(f"score_{scale_id}"), label, "numeric", {}, None))
        columns.append(np.asarray(values, dtype=float))
    return RawTable(variables, columns, dataset.n)
