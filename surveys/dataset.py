"""A wave's answers as a numpy matrix plus group label columns.

Built from a CSV (``survey-engine score``), from the database (the analyst
workspace, the API, the exports and ``score --wave``: see
:mod:`surveys.store.wave_read`) or from a list of records (synthetic waves,
tests); consumed by ``scoring``. Column naming: ``single`` and ``number``
items keep their item id; a ``multi`` item becomes one 0/1 column per option,
``<item id>_<code>``; ``text`` items are kept apart in ``texts``. NaN means
not answered (or not shown).

Every source ends in :func:`assemble`, which takes the answers *by value*
(each distinct item/code pair with the array of respondent rows holding it),
not one dict per respondent: the cost is linear in the number of answers and
the per-answer work is numpy fancy indexing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Item

#: Group column of the submission week ("2026-W48"); the day never leaves the store.
WEEK_COLUMN = "submitted_week"
#: Group column of where a response came from: "app" (answered in the app)
#: or "import" (imported from a file by an analyst).
SOURCE_COLUMN = "source"
#: Group columns a wave's dataset carries that are not respondents' groups.
RECORD_COLUMNS = (WEEK_COLUMN, SOURCE_COLUMN)


@dataclass
class Dataset:
    #: Column names of ``matrix``, in instrument order.
    columns: list[str]
    #: respondents x columns, float64, NaN = not answered.
    matrix: np.ndarray
    #: group name (school, grade, gender, area, age_band, or any CSV column
    #: that is not an item) -> array of str labels, "" = missing.
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    #: text item id -> list of answers (None = not answered).
    texts: dict[str, list[str | None]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    def column(self, name: str) -> np.ndarray:
        """The values of one column (a view into ``matrix``)."""
        return self.matrix[:, self.columns.index(name)]

    @property
    def nbytes(self) -> int:
        """Approximate memory held (matrix, group arrays, text lists)."""
        texts = sum(8 * len(v) + sum(len(t) for t in v if t) for v in self.texts.values())
        return int(self.matrix.nbytes + sum(g.nbytes for g in self.groups.values()) + texts)

    def freeze(self) -> "Dataset":
        """Make the arrays read-only (a cached dataset is shared between requests)."""
        self.matrix.setflags(write=False)
        for values in self.groups.values():
            values.setflags(write=False)
        return self


def iso_week(day: dt.date | None) -> str:
    """The ISO week of ``day`` as ``YYYY-Www`` ("" for None)."""
    if day is None:
        return ""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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


#: (item id, code, rows): the respondents (row numbers) who answered ``code``.
#: For a ``multi`` item, one entry per chosen code; code None marks rows that
#: answered the item with no option of it.
CodeCells = tuple[str, Any, np.ndarray]
#: (key, rows, values): free-text answers of one item (or ``<multi>_other``).
TextCells = tuple[str, np.ndarray, Sequence[str | None]]
#: (group name, label, rows).
LabelCells = tuple[str, str, np.ndarray]


def assemble(instrument: "Instrument", n: int, codes: Iterable[CodeCells],
             texts: Iterable[TextCells] = (),
             label_layers: Sequence[Iterable[LabelCells]] = ()) -> Dataset:
    """The Dataset of ``n`` respondents from answers grouped by value.

    ``codes`` are stored codes and fill the matrix (``multi``: every option
    column of a row that answered the item is 0, the chosen ones 1; a
    decimal ``number`` item's code becomes its value, code / 10**decimals); ``texts`` fill ``texts``;
    ``label_layers`` fill the group columns, a later layer overwriting an
    earlier one where both give a row a label. Keys that are not matrix
    columns or text items are ignored here (the readers turn them into labels).
    """
    layout = matrix_layout(instrument)
    col_index = {c: k for k, c in enumerate(layout)}
    matrix = np.full((n, len(layout)), np.nan)
    items = {i.id: i for i in instrument.items}
    by_multi: dict[str, list[tuple[Any, np.ndarray]]] = defaultdict(list)
    for key, code, rows in codes:
        item = items.get(key)
        if item is None:
            continue
        rows = np.asarray(rows, dtype=np.intp)
        if item.kind == "multi":
            by_multi[key].append((code, rows))
        elif key in col_index and code is not None:
            # The one place a stored code becomes the answer (a decimal item's
            # code is its value * 10**decimals).
            matrix[rows, col_index[key]] = float(item.value_of(code)) if item.decimals else float(code)
    for key, cells in by_multi.items():
        scale = instrument.response_scale(items[key])
        cols = [col_index[f"{key}_{o.code}"] for o in (scale.options if scale else ())]
        answered = np.unique(np.concatenate([rows for _, rows in cells]))
        if cols:
            matrix[np.ix_(answered, cols)] = 0.0
        for code, rows in cells:
            col = col_index.get(f"{key}_{code}")
            if col is not None and code is not None:
                matrix[rows, col] = 1.0
    text_cols: dict[str, list[str | None]] = {
        i.id: [None] * n for i in instrument.items if i.kind == "text"}
    for key, rows, values in texts:
        column = text_cols.setdefault(key, [None] * n)
        for r, value in zip(np.asarray(rows).tolist(), values):
            column[r] = value
    group_cols: dict[str, np.ndarray] = {}
    for layer in label_layers:
        for name, label, rows in layer:
            column = group_cols.get(name)
            if column is None:
                column = group_cols[name] = np.full(n, "", dtype=object)
            column[np.asarray(rows, dtype=np.intp)] = label
    groups = {k: v.astype(str) if n else np.array([], dtype=str) for k, v in group_cols.items()}
    return Dataset(columns=layout, matrix=matrix, groups=groups, texts=text_cols)


def rows_of(lists: Mapping[Any, list[int]]) -> dict[Any, np.ndarray]:
    """Row-number lists as arrays."""
    return {k: np.asarray(v, dtype=np.intp) for k, v in lists.items()}


def from_records(instrument: "Instrument", records: Iterable[Mapping[str, Any]],
                 presets: Mapping[str, Sequence[str]] | None = None) -> Dataset:
    """A Dataset from a list of records (synthetic waves, tests).

    Each record maps item id -> stored code (int; a decimal item's value
    times 10**decimals), text (str) or chosen codes
    (list[int], ``multi``), plus ``"groups"`` (group name -> label, e.g. a
    code's ``class`` tag) and other keys, which become group label columns
    (a ``submitted_on`` date becomes ``submitted_week``). Group items given
    as codes are turned into their labels, given as labels into their codes;
    a preset group (the wave's school list) maps code k to
    ``presets[group][k - 1]``. A label from ``"groups"`` wins over a group
    item's. One pass over the records, then :func:`assemble`.
    """
    presets = presets or {}
    items = {i.id: i for i in instrument.items}
    multis = {i.id for i in instrument.items if i.kind == "multi"}
    codes: dict[tuple[str, Any], list[int]] = defaultdict(list)
    texts: dict[str, tuple[list[int], list[str | None]]] = {}
    item_labels: dict[tuple[str, str], list[int]] = defaultdict(list)
    extra_labels: dict[tuple[str, str], list[int]] = defaultdict(list)
    given_labels: dict[tuple[str, str], list[int]] = defaultdict(list)
    label_cache: dict[tuple[str, Any], tuple[str, Any]] = {}
    n = 0
    for r, record in enumerate(records):
        n = r + 1
        for key, value in record.items():
            item = items.get(key)
            if item is None:
                if key == "groups" and isinstance(value, Mapping):
                    for name, label in value.items():
                        if label is not None and label != "":
                            given_labels[(str(name), str(label))].append(r)
                elif key.endswith("_other") and key[: -len("_other")] in multis:
                    rows, values = texts.setdefault(key, ([], []))
                    rows.append(r)
                    values.append(_text(value))
                elif key == "submitted_on" and isinstance(value, dt.date):
                    extra_labels[(WEEK_COLUMN, iso_week(value))].append(r)
                else:
                    extra_labels[(key, _text(value) or "")].append(r)
                continue
            if value is None or value == "":
                continue
            if item.kind == "text":
                rows, values = texts.setdefault(key, ([], []))
                rows.append(r)
                values.append(_text(value))
            elif item.kind == "multi":
                chosen = set(value) if isinstance(value, (list, tuple, set)) else {value}
                codes[(key, None)].append(r)
                for code in chosen:
                    codes[(key, code)].append(r)
            else:
                if item.group:
                    hashable = value if isinstance(value, (str, int, float)) else str(value)
                    cached = label_cache.get((key, hashable))
                    if cached is None:
                        label = _group_label(instrument, item, value, presets)
                        code = _group_code(instrument, item, value, presets) \
                            if isinstance(value, str) else value
                        cached = label_cache[(key, hashable)] = (label, code)
                    label, value = cached
                    item_labels[(item.group, label)].append(r)
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    continue  # a label that is not an option: kept as a group label only
                codes[(key, number)].append(r)
    return assemble(
        instrument, n,
        [(key, code, rows) for (key, code), rows in rows_of(codes).items()],
        [(key, np.asarray(rows, dtype=np.intp), values) for key, (rows, values) in texts.items()],
        [[(g, lab, rows) for (g, lab), rows in rows_of(layer).items()]
         for layer in (item_labels, extra_labels, given_labels)],
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def group_label(instrument: "Instrument", item: "Item", code: int,
                presets: Mapping[str, Sequence[str]]) -> str:
    """The (Swedish) label of a group item's code: its option label, or the
    preset list's entry ``code - 1``; the code itself when neither has it."""
    scale = instrument.response_scale(item)
    if scale is not None and item.options_from != "preset":
        label = scale.label(code)
        if label is not None:
            return label
    listed = presets.get(item.group or item.id) or presets.get(item.id)
    if listed and 1 <= code <= len(listed):
        return str(listed[code - 1])
    return str(code)


def _group_label(instrument: "Instrument", item: "Item", value: Any,
                 presets: Mapping[str, Sequence[str]]) -> str:
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        return value.strip()
    return group_label(instrument, item, int(value), presets)


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
