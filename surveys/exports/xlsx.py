"""Write titled tables (:class:`~surveys.exports.codebook.Sheet`) as one XLSX
workbook with openpyxl."""
from __future__ import annotations

import io
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from surveys.exports.codebook import Sheet

_MAX_WIDTH = 60


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX file with one worksheet per sheet, header row bold and frozen."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.name[:31])
        ws.append(list(sheet.header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(list(row))
        ws.freeze_panes = "A2"
        for i, name in enumerate(sheet.header, start=1):
            longest = max([len(str(name))] + [len(str(r[i - 1])) for r in sheet.rows[:200]
                                              if i - 1 < len(r) and r[i - 1] is not None])
            ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, longest + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
