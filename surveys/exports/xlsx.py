"""Write titled tables (:class:`~surveys.exports.codebook.Sheet`, or the raw
table itself) as one XLSX workbook with XlsxWriter.

Text is always written as a text cell (``write_string``: never a formula, a
URL or a number), after the one sanitiser; numbers as numbers. The raw table
goes row by row from its chunks in XlsxWriter's constant-memory mode (rows
are flushed to a temporary file as they are written), so memory stays flat
however large the wave.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import xlsxwriter

from surveys.exports.codebook import Sheet
from surveys.exports.sanitise import text_cell
from surveys.exports.table import RawTable

_MAX_WIDTH = 60
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": False}


@dataclass(frozen=True)
class TableSheet:
    """The raw table as a worksheet (its text cells are sanitised already)."""

    name: str
    table: RawTable


def _write(ws: Any, header: Sequence[str], rows: Iterable[Sequence[Any]], bold: Any,
           sanitised: bool) -> None:
    ws.freeze_panes(1, 0)
    widths = [len(str(h)) for h in header]
    for c, name in enumerate(header):
        ws.write_string(0, c, text_cell(str(name)), bold)
    write_string, write_number = ws.write_string, ws.write_number
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                write_string(r, c, value if sanitised else text_cell(value))
                if r <= 200:
                    widths[c] = max(widths[c], len(value))
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                if not (isinstance(value, float) and not math.isfinite(value)):
                    write_number(r, c, value)
            else:
                write_string(r, c, text_cell(str(value)))
    for c, width in enumerate(widths):
        ws.set_column(c, c, min(_MAX_WIDTH, width + 2))


def write_workbook(path: str, sheets: Sequence[Sheet | TableSheet]) -> None:
    """An XLSX file at ``path`` with one worksheet per sheet, header row bold and frozen."""
    wb = xlsxwriter.Workbook(path, _OPTIONS)
    bold = wb.add_format({"bold": True})
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name[:31])
        if isinstance(sheet, TableSheet):
            rows = (row for chunk in sheet.table.chunks() for row in chunk)
            _write(ws, sheet.table.names, rows, bold, sanitised=True)
        else:
            _write(ws, sheet.header, sheet.rows, bold, sanitised=False)
    wb.close()


def workbook_bytes(sheets: Sequence[Sheet | TableSheet]) -> bytes:
    """The workbook of :func:`write_workbook` as bytes."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write_workbook(path, sheets)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)
