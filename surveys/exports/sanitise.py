"""The one sanitiser every exported text cell passes (CSV, Swedish-Excel CSV,
XLSX, and any format added later), against spreadsheet formula injection
(OWASP "CSV injection"): control characters are removed (a line break
becomes a space), and a cell that would start with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe, so Excel,
LibreOffice and Google Sheets show it as text. The database keeps the text
as typed; numeric columns never pass here and stay numbers.
"""
from __future__ import annotations

import re

#: Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LEADING_CONTROL = re.compile(r"^[\x00-\x1f\x7f]+")


def text_cell(value: str) -> str:
    """``value`` safe to write as a spreadsheet text cell."""
    cleaned = _CONTROL.sub("", _LINE_BREAK.sub(" ", _LEADING_CONTROL.sub("", value)))
    if value.startswith(FORMULA_START) or cleaned.startswith(FORMULA_START):
        return "'" + cleaned
    return cleaned
