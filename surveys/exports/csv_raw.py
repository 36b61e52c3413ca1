"""CSV writing: UTF-8 with BOM and ``,`` (English Excel, R, pandas), or the
Swedish-Excel variant with ``;`` and decimal comma."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from surveys.exports.table import RawTable, Value


def format_value(value: Value | bool, decimal: str = ".") -> str:
    """One cell as text: empty for missing, integers without decimals,
    other numbers with ``decimal`` as the decimal mark."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        text = format(value, ".15g")
        return text.replace(".", decimal) if decimal != "." else text
    return str(value)


def write_rows(header: Sequence[str], rows: Iterable[Sequence[Value]], *,
               swedish: bool = False) -> bytes:
    """Rows as CSV bytes (UTF-8 with BOM). ``swedish``: ``;`` separator and
    decimal comma, as Excel in a Swedish locale expects."""
    delimiter, decimal = (";", ",") if swedish else (",", ".")
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([format_value(v, decimal) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def write_csv(table: RawTable, *, swedish: bool = False) -> bytes:
    """The raw table as CSV bytes (see :func:`write_rows`)."""
    return write_rows(table.names, table.rows, swedish=swedish)
