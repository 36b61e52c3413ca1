"""CSV writing: UTF-8 with BOM and ``,`` (English Excel, R, pandas), or the
Swedish-Excel variant with ``;`` and decimal comma. The raw table is written
chunk by chunk (:func:`iter_csv`), so a download streams; every text cell
passes the one sanitiser (:mod:`surveys.exports.sanitise`)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator, Sequence

from surveys.exports.sanitise import text_cell
from surveys.exports.table import RawTable, Value

BOM = "\ufeff"


def format_value(value: Value | bool, decimal: str = ".") -> str:
    """One cell as text: empty for missing, integers without decimals,
    other numbers with ``decimal`` as the decimal mark, text sanitised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        text = format(value, ".15g")
        return text.replace(".", decimal) if decimal != "." else text
    if isinstance(value, str):
        return text_cell(value)
    return str(value)


def _writer(buf: io.StringIO, swedish: bool) -> tuple[object, str]:
    delimiter, decimal = (";", ",") if swedish else (",", ".")
    return csv.writer(buf, delimiter=delimiter, lineterminator="\r\n"), decimal


def write_rows(header: Sequence[str], rows: Iterable[Sequence[Value]], *,
               swedish: bool = False) -> bytes:
    """Rows as CSV bytes (UTF-8 with BOM). ``swedish``: ``;`` separator and
    decimal comma, as Excel in a Swedish locale expects."""
    buf = io.StringIO(newline="")
    writer, decimal = _writer(buf, swedish)
    writer.writerow([text_cell(h) for h in header])
    for row in rows:
        writer.writerow([format_value(v, decimal) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def iter_csv(table: RawTable, *, swedish: bool = False) -> Iterator[bytes]:
    """The raw table as CSV, one chunk of rows at a time (UTF-8 with BOM);
    the memory used does not grow with the wave."""
    buf = io.StringIO(newline="")
    writer, decimal = _writer(buf, swedish)
    writer.writerow([text_cell(h) for h in table.names])
    yield (BOM + buf.getvalue()).encode("utf-8")
    for rows in table.chunks():
        buf.seek(0)
        buf.truncate()
        # text cells are sanitised in the table already; numbers are int or float
        writer.writerows([["" if v is None else
                           (format(v, ".15g").replace(".", decimal) if isinstance(v, float) else v)
                           for v in row] for row in rows])
        yield buf.getvalue().encode("utf-8")


def write_csv(table: RawTable, *, swedish: bool = False) -> bytes:
    """The raw table as CSV bytes (see :func:`iter_csv`)."""
    return b"".join(iter_csv(table, swedish=swedish))
