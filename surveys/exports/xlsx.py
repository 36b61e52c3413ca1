"""Write titled tables (:class:`~surveys.exports.codebook.Sheet`, or the raw
table itself) as one XLSX workbook.

XlsxWriter writes the workbook (small sheets, styles, the package parts).
Text is always written as a text cell (``write_string``: never a formula, a
URL or a number), after the one sanitiser; numbers as numbers. The raw
table's worksheet is different: XlsxWriter spends about 10 us of Python per
cell, a minute for a national wave, so that one sheet's XML is written here
directly, chunk by chunk, straight into the compressed file (text as inline
string cells ``t="inlineStr"``, never a formula; numbers as ``<v>``), in
place of the empty sheet XlsxWriter left for it. Memory stays flat however
large the wave.
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

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


_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               '<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
               '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
               '<selection pane="bottomLeft"/></sheetView></sheetViews>'
               '<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>')
_SHEET_TAIL = ('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
               'header="0.3" footer="0.3"/></worksheet>')


def _text_xml(ref: str, text: str, style: str = "") -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _table_sheet_xml(table: RawTable, bold_xf: int) -> Iterator[bytes]:
    """The worksheet XML of the raw table, chunk by chunk."""
    letters = [xl_col_to_name(c) for c in range(max(1, len(table.variables)))]
    widths = [len(n) for n in table.names]
    for rows in [table.rows_between(0, 200)]:
        for row in rows:
            for c, v in enumerate(row):
                if isinstance(v, str):
                    widths[c] = max(widths[c], len(v))
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{min(_MAX_WIDTH, w + 2)}" '
                   'customWidth="1"/>' for c, w in enumerate(widths))
    head = _SHEET_HEAD.format(last=f"{letters[-1]}{table.n + 1}", cols=cols or "")
    if not widths:
        head = head.replace("<cols></cols>", "")
    style = f' s="{bold_xf}"' if bold_xf else ""
    header = "".join(_text_xml(f"{letters[c]}1", text_cell(n), style)
                     for c, n in enumerate(table.names))
    yield (head + f'<row r="1">{header}</row>').encode("utf-8")
    r = 1
    for rows in table.chunks():
        parts = []
        for row in rows:
            r += 1
            cells = []
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, str):
                    cells.append(_text_xml(f"{letters[c]}{r}", v))
                elif isinstance(v, float):
                    if math.isfinite(v):
                        cells.append(f'<c r="{letters[c]}{r}"><v>{v!r}</v></c>')
                else:
                    cells.append(f'<c r="{letters[c]}{r}"><v>{v}</v></c>')
            parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        yield "".join(parts).encode("utf-8")
    yield _SHEET_TAIL.encode("utf-8")


def write_workbook(path: str, sheets: Sequence[Sheet | TableSheet]) -> None:
    """An XLSX file at ``path`` with one worksheet per sheet, header row bold and frozen."""
    wb = xlsxwriter.Workbook(path, _OPTIONS)
    bold = wb.add_format({"bold": True})
    tables: dict[str, RawTable] = {}
    for k, sheet in enumerate(sheets, start=1):
        ws = wb.add_worksheet(sheet.name[:31])
        if isinstance(sheet, TableSheet):
            ws.write_string(0, 0, "", bold)  # an empty sheet, replaced below
            tables[f"xl/worksheets/sheet{k}.xml"] = sheet.table
        else:
            _write(ws, sheet.header, sheet.rows, bold, sanitised=False)
    wb.close()
    if tables:
        _replace_sheets(path, tables, bold.xf_index or 0)


def _replace_sheets(path: str, tables: dict[str, RawTable], bold_xf: int) -> None:
    """Swap in the raw tables' worksheet XML, streamed into the zip."""
    fd, tmp = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        with zipfile.ZipFile(path) as src, \
                zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in src.infolist():
                if info.filename in tables:
                    entry = zipfile.ZipInfo(info.filename, info.date_time)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    with dst.open(entry, "w", force_zip64=True) as out:
                        for chunk in _table_sheet_xml(tables[info.filename], bold_xf):
                            out.write(chunk)
                else:
                    dst.writestr(info, src.read(info.filename))
        shutil.move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


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
