"""CSV writing: UTF-8 with BOM and ``,`` (English Excel, R, pandas), or the
Swedish-Excel variant with ``;`` and decimal comma. The raw table is written
chunk by chunk (:func:`iter_csv`), so a download streams; every text cell
passes the one sanitiser (:mod:`surveys.exports.sanitise`)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator, Sequence

import numpy as np

from surveys.exports.sanitise import text_cell
from surveys.exports.table import CHUNK_ROWS, RawTable, Value

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
    the memory used does not grow with the wave. Each column of a chunk is
    formatted at once (numpy for whole numbers), then the rows are joined:
    the same text ``csv.writer`` makes with minimal quoting."""
    buf = io.StringIO(newline="")
    writer, decimal = _writer(buf, swedish)
    delimiter = ";" if swedish else ","
    writer.writerow([text_cell(h) for h in table.names])
    yield (BOM + buf.getvalue()).encode("utf-8")
    quoted: list[dict[object, str]] = [{} for _ in table.variables]
    for start in range(0, table.n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, table.n)
        cols = []
        for k, (var, column) in enumerate(zip(table.variables, table.columns)):
            if var.kind == "numeric":
                cols.append(_number_texts(np.asarray(column[start:stop], dtype=float), decimal))
            else:
                memo = quoted[k]
                cells = []
                for v in column[start:stop]:
                    text = memo.get(v)
                    if text is None:
                        text = memo[v] = _quote("" if v is None else str(v), delimiter)
                    cells.append(text)
                cols.append(cells)
        if not cols:
            yield ("\r\n" * (stop - start)).encode("utf-8")
            continue
        lines = [delimiter.join(row) for row in zip(*cols)]
        if len(table.variables) == 1:  # csv.writer quotes a lone empty field
            lines = [line or '""' for line in lines]
        yield ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _quote(text: str, delimiter: str) -> str:
    """A field as ``csv.writer`` (minimal quoting) writes it."""
    if any(ch in text for ch in (delimiter, '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _number_texts(values: np.ndarray, decimal: str) -> list[str]:
    """Numbers as CSV text: "" for missing, whole numbers without decimals,
    others with 15 significant digits and ``decimal``."""
    out = np.full(values.shape, "", dtype=object)
    finite = np.isfinite(values)
    whole = finite & (values == np.round(values))
    out[whole] = values[whole].astype(np.int64).astype(str)
    rest = finite & ~whole
    if rest.any():
        texts = [format(v, ".15g") for v in values[rest].tolist()]
        out[rest] = [t.replace(".", decimal) for t in texts] if decimal != "." else texts
    return out.tolist()


def write_csv(table: RawTable, *, swedish: bool = False) -> bytes:
    """The raw table as CSV bytes (see :func:`iter_csv`)."""
    return b"".join(iter_csv(table, swedish=swedish))
