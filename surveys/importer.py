"""Import an earlier wave's raw answers from a CSV file (e.g. the 2014 survey).

Parsing and validation are :mod:`surveys.csvio`'s: the whole file is read
with :func:`~surveys.csvio.read_responses_bytes`; when it fails on a data row,
every data row is checked on its own (the header plus that row) so that the
report lists every rejected row with its reason, not just the first. Nothing
is stored unless the whole file is valid, and then all rows go in through
``Store.import_responses`` in one transaction.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from surveys import csvio
from surveys.dataset import Dataset

if TYPE_CHECKING:
    from surveys.instrument import Instrument


@dataclass(frozen=True)
class Rejection:
    """One rejected row (``row`` counts lines as a spreadsheet does, 1 = header;
    None for a problem with the file as a whole)."""

    row: int | None
    column: str | None
    reason: str
    #: The case and its values (:class:`surveys.csvio.Refusal`), for wording
    #: the reason in another language; empty when unnamed.
    kind: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(f"column '{self.column}'")
        return (", ".join(where) + ": " if where else "") + self.reason


@dataclass
class ValidationReport:
    """The outcome of checking a file: the dataset when valid, else every
    rejected row."""

    rows_read: int = 0
    #: Responses stored (0 unless the whole file was valid and stored).
    imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    dataset: Dataset | None = None
    #: Columns that are neither items nor declared group columns: not stored.
    dropped_columns: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.dataset is not None and not self.rejected


def _rejection(row: int | None, error: csvio.CsvError) -> Rejection:
    return Rejection(row, error.column, error.message, error.reason, error.params)


def _split(raw: bytes) -> tuple[str, list[str], list[tuple[int, list[str]]]] | None:
    """Delimiter, header and (line number, fields) of each data row, split the
    way csvio reads them; None when there is no header row at all."""
    try:
        text = csvio._decode(raw)
    except csvio.Refusal:  # read_responses_bytes reports it
        return None
    if not text.strip():
        return None
    delimiter = csvio._detect_delimiter(text.lstrip("\r\n").split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for row in reader:
        if not row or not any(row):
            continue
        if header is None:
            header = row
        else:
            rows.append((reader.line_num, row))
    return (delimiter, header, rows) if header is not None else None


def _line(delimiter: str, fields: list[str]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerow(fields)
    return buf.getvalue().encode("utf-8")


def validate_csv(raw: bytes, instrument: "Instrument", name: str = "upload.csv") -> ValidationReport:
    """Check ``raw`` against ``instrument``; list every rejected row."""
    parts = _split(raw)
    report = ValidationReport(rows_read=len(parts[2]) if parts else 0)
    try:
        report.dataset = csvio.read_responses_bytes(raw, instrument, name=name)
        return report
    except csvio.CsvError as exc:
        first = exc
    data_lines = {line for line, _ in parts[2]} if parts else set()
    if parts is None or first.row not in data_lines:
        # Empty file, a bad header, a wrong delimiter: nothing row by row helps.
        report.rejected.append(_rejection(first.row, first))
        return report
    delimiter, header, rows = parts
    head = _line(delimiter, header)
    for line, fields in rows:
        try:
            csvio.read_responses_bytes(head + _line(delimiter, fields), instrument, name=name)
        except csvio.CsvError as exc:
            report.rejected.append(_rejection(line, exc))
    if not report.rejected:  # only the file as a whole fails (should not happen)
        report.rejected.append(_rejection(first.row, first))
    return report


def dataset_records(instrument: "Instrument", dataset: Dataset) -> list[dict[str, Any]]:
    """The rows of ``dataset`` as answer records (item id -> code, text or
    list of codes; labels of the declared group columns under their name;
    other columns are left out), the shape ``Store.wave_records`` returns."""
    col = {c: k for k, c in enumerate(dataset.columns)}
    declared = set(instrument.group_columns)
    records: list[dict[str, Any]] = []
    for r in range(dataset.n):
        rec: dict[str, Any] = {}
        for item in instrument.items:
            if item.kind == "text":
                value = dataset.texts.get(item.id, [None] * dataset.n)[r]
                if value:
                    rec[item.id] = value
            elif item.kind == "multi":
                scale = instrument.response_scale(item)
                codes = [o.code for o in (scale.options if scale else ())
                         if f"{item.id}_{o.code}" in col]
                values = [dataset.matrix[r, col[f"{item.id}_{c}"]] for c in codes]
                if not all(np.isnan(values)):
                    rec[item.id] = [c for c, v in zip(codes, values) if v == 1.0]
                other = dataset.texts.get(f"{item.id}_other")
                if other and other[r]:
                    rec[f"{item.id}_other"] = other[r]
            elif item.id in col and not np.isnan(dataset.matrix[r, col[item.id]]):
                value = dataset.matrix[r, col[item.id]]
                rec[item.id] = item.code_of(float(value)) if item.decimals else int(value)
        for group, labels in dataset.groups.items():
            if group not in declared:
                continue  # a case number or a name is never stored with the answers
            if labels[r] != "" and group not in rec:
                rec[group] = str(labels[r])
        records.append(rec)
    return records


def import_wave(store: Any, slug: str, raw: bytes, name: str = "upload.csv") -> ValidationReport:
    """Validate ``raw`` against the wave's instrument and, only when every row
    is valid, store all rows as submitted responses of wave ``slug`` in one
    transaction (``Store.import_responses``). Returns the report; its
    ``imported`` count is 0 whenever anything was rejected."""
    from surveys.store import InvalidRecords

    survey = store.survey(slug)
    instrument = store.instrument(survey.instrument_sha256)
    report = validate_csv(raw, instrument, name=name)
    if not report.valid:
        return report
    parts = _split(raw)
    lines = [line for line, _ in parts[2]] if parts else []
    report.dropped_columns = sorted(g for g in report.dataset.groups if g not in instrument.group_columns)
    try:
        report.imported = store.import_responses(slug, dataset_records(instrument, report.dataset))
    except InvalidRecords as exc:
        for k, problem in exc.problems:
            row = lines[k - 1] if 0 <= k - 1 < len(lines) else None
            report.rejected.append(Rejection(row, None, str(problem), problem.reason,
                                             dict(problem.params)))
        report.dataset = None
    return report
