"""Reading the sheets of an XLSForm workbook into rows of named cells.

openpyxl reads in read-only mode with the declared dimensions reset, so a
sheet that claims a million rows costs only the rows actually stored; empty
rows are skipped. Every problem is a :class:`Problem` that prints as
``FILE:SHEET:ROW:COLUMN: message``.
"""
from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

#: Stop at this many stored rows in one sheet (a questionnaire is far smaller).
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    """One problem in an XLSForm, located by sheet, row and column header."""

    file: str
    sheet: str
    row: int | None
    column: str
    message: str
    #: Names the case for interfaces that word it in another language ("" = only English).
    key: str = field(default="", compare=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def location(self) -> str:
        """``FILE:SHEET:ROW:COLUMN`` (the parts that are known)."""
        where = ":".join(str(p) for p in (self.sheet, self.row, self.column) if p not in (None, ""))
        return f"{self.file}:{where}" if where else self.file

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class XLSFormError(Exception):
    """An XLSForm that cannot be imported; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Row:
    """One non-empty row: its 1-based number and cells by (lower-cased) header."""

    sheet: str
    number: int
    cells: dict[str, Any]

    def get(self, column: str) -> Any:
        return self.cells.get(column)

    def text(self, column: str) -> str:
        """The cell as stripped text ('' when empty)."""
        return cell_text(self.cells.get(column))


@dataclass
class Sheet:
    name: str
    #: the headers as written; rows key their cells by the lower-cased header.
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def header(self, key: str) -> str:
        """The header as written for lower-cased ``key`` (``key`` when absent)."""
        for h in self.columns:
            if _alias(h.lower()) == key:
                return h
        return key


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def read_workbook(data: bytes, file: str) -> tuple[dict[str, Sheet], list[Problem]]:
    """Every sheet of an .xlsx file by lower-cased name, and the problems met."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # e.g. "Unknown extension is not supported": not the user's concern
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        reason = "not an .xlsx workbook" if isinstance(exc, (zipfile.BadZipFile, KeyError)) else str(exc)
        return {}, [Problem(file, "", None, "", f"cannot read the file ({reason}); save it from Excel "
                                                 "as an Excel workbook (.xlsx)", "cannot_read_file",
                            {"reason": reason})]
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue
            ws.reset_dimensions()
            sheet = Sheet(ws.title)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                problems.extend(_read_sheet(ws, sheet, file))
            sheets[ws.title.strip().lower()] = sheet
    finally:
        wb.close()
    return sheets, problems


def _read_sheet(ws: Any, sheet: Sheet, file: str) -> Iterator[Problem]:
    header: list[str] | None = None
    seen: dict[str, int] = {}
    stored = 0
    for number, values in _stored_rows(ws):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # empty (often formatted) rows, up to the million a sheet may declare
        stored += 1
        if stored > MAX_ROWS:
            yield Problem(file, sheet.name, number, "", f"more than {MAX_ROWS} filled rows; "
                                                         "a questionnaire has far fewer: delete the rest",
                          "too_many_rows", {"max_rows": MAX_ROWS})
            return
        if header is None:
            header = [cell_text(v) for v in values]
            for h in header:
                if not h:
                    continue
                key = _alias(h.lower())
                if key in seen:
                    yield Problem(file, sheet.name, number, h, f"the column '{h}' appears twice; "
                                                                 "delete one of them", "column_twice",
                                  {"column": h})
                seen[key] = 1
            sheet.columns = [h for h in header if h]
            header = [_alias(h.lower()) if h else h for h in header]
            continue
        cells = {}
        for name, value in zip(header, values):
            if name and value is not None and not (isinstance(value, str) and not value.strip()):
                cells.setdefault(_alias(name.lower()), value)
        if cells:
            sheet.rows.append(Row(sheet.name, number, cells))


def _stored_rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of the rows stored in the sheet's XML.

    openpyxl's read-only ``iter_rows`` yields an empty row for every row
    number missing between two stored rows, so one formatted row at 1048576
    costs a million empty tuples; its parser (the same one ``iter_rows``
    uses, openpyxl pinned) yields only the stored rows. Falls back to
    ``iter_rows`` if that parser is not there."""
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        wb = ws.parent
        source = ws._get_source()
        parser = WorkSheetParser(source, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    except (ImportError, AttributeError, TypeError):
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
        return
    with source:
        for number, cells in parser.parse():
            values = {c["column"]: c["value"] for c in cells if c["value"] is not None}
            if values:
                yield number, tuple(values.get(col) for col in range(1, max(values) + 1))


#: Header spellings pyxform also accepts, as the names used here.
ALIASES = {"list name": "list_name", "constraint message": "constraint_message"}


def _alias(key: str) -> str:
    """A lower-cased header in its canonical spelling (``label:English`` -> ``label::English``)."""
    key = " ".join(key.split())
    key = ALIASES.get(key, key)
    base, sep, rest = key.partition(":")
    if sep and not rest.startswith(":") and base in ("label", "hint", "constraint_message"):
        return f"{base}::{rest.strip()}"
    return key


def read_file(path: str | Path) -> tuple[bytes, str]:
    """The bytes of ``path`` and its display name; raises XLSFormError."""
    name = str(path)
    try:
        return Path(path).read_bytes(), name
    except FileNotFoundError:
        raise XLSFormError([Problem(name, "", None, "", "no such file", "no_such_file")]) from None
    except IsADirectoryError:
        raise XLSFormError([Problem(name, "", None, "", "is a directory, not an .xlsx file",
                                    "is_a_directory")]) from None
    except OSError as exc:
        raise XLSFormError([Problem(name, "", None, "", f"cannot read: {exc.strerror}",
                                    "cannot_read", {"strerror": exc.strerror})]) from None
