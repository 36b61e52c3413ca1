"""Read a CSV of responses (one row per respondent) into a :class:`Dataset`.

The file has a header row of column names: item ids (numeric response codes,
empty = not answered), ``multi`` items either as ``<item>_<code>`` 0/1 columns
or as one ``<item>`` column with codes separated by ``|``, text items, and any
other columns, which become group label columns (school, class, id, ...).
Group items (school, grade, gender, area, age_band) may hold codes or labels.

Accepted: UTF-8 with or without Excel's BOM, UTF-16 or UTF-32 with a BOM (Windows-1252 as a fallback), ``,``
``;`` or tab as delimiter (detected from the header), decimal comma.
Anything else raises :class:`CsvError` with a one-line message naming the row
(1 = the header, as a spreadsheet counts) and the column.

Validation is vectorised per column: each column's distinct strings are parsed
once and mapped back with numpy, so a 100,000-row file costs little more than
the ``csv`` module's own parsing.
"""
from __future__ import annotations

import csv
import difflib
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from surveys.dataset import Dataset, matrix_layout

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Item

#: Separator of codes in a one-column ``multi`` item.
MULTI_SEPARATOR = "|"
_DELIMITERS = (",", ";", "\t")


class Refusal(ValueError):
    """Why a header or a cell is refused: ``str()`` is the English message;
    ``reason`` and ``params`` name the case and its values for callers that
    word it in another language (the analyst pages)."""

    def __init__(self, reason: str, template: str, **params: Any) -> None:
        super().__init__(template % params)
        self.reason, self.params = reason, params


class CsvError(ValueError):
    """A malformed responses CSV; ``str()`` is one line naming row and column.
    ``reason`` and ``params`` as in :class:`Refusal` (empty when unnamed)."""

    def __init__(self, path: str, message: str | Refusal, row: int | None = None,
                 column: str | None = None) -> None:
        self.reason = getattr(message, "reason", "")
        self.params: dict[str, Any] = dict(getattr(message, "params", {}))
        message = str(message)
        self.path, self.row, self.column, self.message = path, row, column, message
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        prefix = f"{path}: " + (", ".join(where) + ": " if where else "")
        super().__init__(prefix + message)


@dataclass
class _Problem:
    """The first bad cell of a column (row index into the data rows)."""

    index: int
    refusal: Refusal


def read_responses_csv(path: str | os.PathLike[str], instrument: "Instrument",
                       progress: Callable[[int, int], None] | None = None) -> Dataset:
    """Parse the responses CSV at ``path`` against ``instrument``; ``progress``
    (columns done, columns) follows the parsing of a large file.

    Raises :class:`CsvError` for an empty file, an unknown delimiter, a column
    whose name looks like a misspelt item id, a row with the wrong number of
    fields, text in a numeric item, or a code outside an item's scale.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CsvError(name, f"cannot read the file ({exc.strerror or exc})") from None
    return read_responses_bytes(raw, instrument, name=name, progress=progress)


def read_responses_bytes(raw: bytes, instrument: "Instrument", name: str = "<csv>",
                         progress: Callable[[int, int], None] | None = None) -> Dataset:
    """Like :func:`read_responses_csv`, from the file's bytes."""
    try:
        text = _decode(raw)
    except Refusal as exc:
        raise CsvError(name, exc) from None
    if not text.strip():
        raise CsvError(name, Refusal("empty_file", "the file is empty (expected a header row of item ids)"))
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _detect_delimiter(header_line)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    filled = list(map(any, records))  # blank lines and Excel's trailing ";;;;" rows are skipped
    if not any(filled):
        raise CsvError(name, Refusal("only_separators", "the file holds only separators (%(delimiter)s), "
                                     "no header row of item ids", delimiter=_delimiter_name(delimiter)))
    first = filled.index(True)
    header = [h.strip() for h in records[first]]
    positions = [k for k in range(first + 1, len(records)) if filled[k]]
    rows = [records[k] for k in positions]
    line_of = _LineNumbers(text, delimiter)
    plan = _plan_columns(header, instrument, name, line_of(first))
    if not rows:
        raise CsvError(name, Refusal("no_responses", "the file has a header row but no responses"),
                       row=line_of(first))
    widths = set(map(len, rows))
    if widths != {len(header)}:
        k = next(i for i, r in enumerate(rows) if len(r) != len(header))
        row = rows[k]
        other = [d for d in _DELIMITERS if d != delimiter and d in "".join(row)]
        counts = {"fields": len(row), "expected": len(header)}
        if len(row) == 1 and other:
            refusal = Refusal("one_field_other_delimiter", "1 field, but the header has %(expected)d "
                              "(this row seems to use %(delimiter)s as delimiter)",
                              delimiter=_delimiter_name(other[0]), **counts)
        else:
            refusal = Refusal("field_count", ("1 field" if len(row) == 1 else "%(fields)d fields")
                              + ", but the header has %(expected)d", **counts)
        raise CsvError(name, refusal, row=line_of(positions[k]))
    columns = list(zip(*rows))
    return _build(plan, columns, lambda k: line_of(positions[k]), instrument, name, progress)


class _LineNumbers:
    """Record index -> the line it ends on (what an editor or Excel shows),
    computed only when a message needs it (quoted fields may span lines)."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.text, self.delimiter = text, delimiter

    def __call__(self, record: int) -> int:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        for k, _ in enumerate(reader):
            if k == record:
                return reader.line_num
        return reader.line_num


# --- decoding and the header ------------------------------------------------

#: Byte order marks of the UTF-16 and UTF-32 text Excel's "Unicode text" writes.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
#: Signatures of files that are not text at all.
_BINARY = ((b"PK\x03\x04", "xlsx"), (b"\xd0\xcf\x11\xe0", "xls"), (b"%PDF", "pdf"))


def _decode(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, or
    Windows-1252. Raises :class:`Refusal` for a binary file (a workbook, a
    PDF) or bytes that are none of these encodings."""
    for signature, kind in _BINARY:
        if raw.startswith(signature):
            raise Refusal("not_csv", "the file is a .%(kind)s file, not CSV text; save it as CSV (UTF-8) "
                          "and import that", kind=kind)
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break
    if b"\x00" in raw:
        raise Refusal("encoding", "the file is not text in UTF-8 or Windows-1252; save it as "
                      "CSV (UTF-8) and import that")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (semicolon separated)" on a Swedish Windows writes cp1252.
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise Refusal("encoding", "the file is not text in UTF-8 or Windows-1252; save it as "
                      "CSV (UTF-8) and import that") from None


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _delimiter_name(d: str) -> str:
    return {"\t": "tab", ",": "','", ";": "';'"}.get(d, repr(d))


@dataclass
class _Column:
    """What one CSV column holds."""

    index: int
    name: str
    role: str  # item | multi_option | multi_joined | text | group | extra | unnamed
    item: "Item | None" = None
    code: int | None = None


def _plan_columns(header: list[str], instrument: "Instrument", name: str,
                  header_row: int) -> list[_Column]:
    items = {i.id: i for i in instrument.items}
    multi_options: dict[str, tuple["Item", int]] = {}
    other_text: dict[str, "Item"] = {}
    for item in instrument.items:
        if item.kind == "multi":
            scale = instrument.response_scale(item)
            for opt in scale.options if scale else ():
                multi_options[f"{item.id}_{opt.code}"] = (item, opt.code)
                if opt.other:
                    other_text[f"{item.id}_other"] = item
    known = list(items) + list(multi_options) + list(other_text)
    groups = {i.group: i for i in instrument.group_items}

    if len(header) == 1 and header[0] not in known:
        found = [d for d in ("|", " ", ":", ".") if d in header[0]]
        if found:
            raise CsvError(name, Refusal("one_column", "only one column '%(column)s' separated by "
                                         "%(separator)r; separate the columns with ',' or ';'",
                                         column=_short(header[0]), separator=found[0]), row=header_row)
    if all(_number(h) is not None for h in header if h):  # a data row where the header should be
        raise _no_item_columns(instrument, name, header_row)
    seen: dict[str, int] = {}
    plan: list[_Column] = []
    for idx, col in enumerate(header):
        if col == "":
            plan.append(_Column(idx, f"#{idx + 1}", "unnamed"))
            continue
        if col in seen:
            raise CsvError(name, Refusal("column_twice", "this column appears twice"), row=header_row, column=col)
        seen[col] = idx
        if col in items:
            item = items[col]
            role = {"text": "text", "multi": "multi_joined"}.get(item.kind, "item")
            if item.group:
                role = "group"
            plan.append(_Column(idx, col, role, item))
        elif col in groups:
            plan.append(_Column(idx, col, "group", groups[col]))
        elif col in multi_options:
            item, code = multi_options[col]
            plan.append(_Column(idx, col, "multi_option", item, code))
        elif col in other_text:
            plan.append(_Column(idx, col, "text", other_text[col]))
        else:
            stem = col.rsplit("_", 1)[0]
            if stem in items and items[stem].kind == "multi" and col[len(stem) + 1:].isdigit():
                raise CsvError(name, Refusal("no_such_option", "unknown column: '%(item)s' has no option %(option)s",
                                             item=stem, option=col[len(stem) + 1:]), row=header_row, column=col)
            siblings = _numbered_siblings(col, items)
            if siblings:  # att1 or att13 beside att01..att12
                stem = col.rstrip("0123456789")
                same = [i for i in siblings if int(i[len(stem):]) == int(col[len(stem):])]
                refusal = (_did_you_mean(same[0]) if same else
                           Refusal("no_such_item", "unknown column: no item '%(column)s' (items %(first)s-%(last)s)",
                                   column=col, first=siblings[0], last=siblings[-1]))
                raise CsvError(name, refusal, row=header_row, column=col)
            close = difflib.get_close_matches(col, known, n=1, cutoff=0.8)
            if close:
                raise CsvError(name, _did_you_mean(close[0]), row=header_row, column=col)
            plan.append(_Column(idx, col, "extra"))
    if not any(c.role in ("item", "multi_option", "multi_joined", "text") for c in plan):
        raise _no_item_columns(instrument, name, header_row)
    by_item: dict[str, list[_Column]] = {}
    for c in plan:
        if c.role in ("multi_option", "multi_joined"):
            by_item.setdefault(c.item.id, []).append(c)
    for item_id, cols in by_item.items():
        if any(c.role == "multi_joined" for c in cols) and len(cols) > 1:
            raise CsvError(name, Refusal("both_forms", "'%(item)s' is given both as one column and as "
                                         "'%(item)s_<code>' columns", item=item_id), row=header_row, column=item_id)
    return plan


def _no_item_columns(instrument: "Instrument", name: str, header_row: int) -> CsvError:
    questions = [i.id for i in instrument.items if not i.group]
    return CsvError(name, Refusal("no_item_columns", "no column of the header is a question of "
                                  "'%(instrument)s' (e.g. %(example)s); is the first row the header?",
                                  instrument=instrument.id, example=", ".join(questions[:3])),
                    row=header_row)


def _did_you_mean(suggestion: str) -> Refusal:
    return Refusal("did_you_mean", "unknown column (did you mean '%(suggestion)s'?)", suggestion=suggestion)


def _numbered_siblings(col: str, items: dict[str, "Item"]) -> list[str]:
    """Item ids that share ``col``'s stem when ``col`` is a stem plus a number
    (``att13`` beside ``att01``..``att12``), in order; else []."""
    stem = col.rstrip("0123456789")
    if not stem or stem == col:
        return []
    return sorted((i for i in items if i.startswith(stem) and i[len(stem):].isdigit()),
                  key=lambda i: int(i[len(stem):]))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- cell parsing ------------------------------------------------------------

def _number(cell: str) -> float | None:
    """``cell`` as a number (decimal comma allowed), None if it is not one."""
    s = cell.strip().replace("\u2212", "-").replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_column(cells: tuple[str, ...], parse: Callable[[str], float],
                  ) -> tuple[np.ndarray, _Problem | None]:
    """Map each distinct cell through ``parse`` (which raises :class:`Refusal`
    for a bad cell); return the float column and the first problem."""
    mapping: dict[str, float] = {}
    first: _Problem | None = None
    for cell in dict.fromkeys(cells):
        try:
            mapping[cell] = parse(cell)
        except Refusal as exc:
            mapping[cell] = np.nan
            row = cells.index(cell)
            if first is None or row < first.index:
                first = _Problem(row, exc)
    return np.fromiter(map(mapping.__getitem__, cells), dtype=np.float64, count=len(cells)), first


def _code_parser(item: "Item", instrument: "Instrument") -> Callable[[str], float]:
    """Parser of a ``single`` or ``number`` item's cells: NaN for empty."""
    if item.kind == "number":
        lo, hi = item.min, item.max

        def parse(cell: str) -> float:
            v = _numeric_cell(cell, item)
            if np.isnan(v):
                return v
            if not item.decimals and v != int(v):
                raise Refusal("not_whole", "%(value)s is not a whole number", value=cell.strip())
            if item.decimals:
                try:
                    item.code_of(v)
                except ValueError:
                    raise Refusal("too_many_decimals", "%(value)s has more than %(decimals)d decimal places",
                                  value=cell.strip(), decimals=item.decimals) from None
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                raise Refusal("out_of_range", "%(value)s is outside the range of '%(item)s' (%(min)s-%(max)s)",
                              value=_fmt(v), item=item.id, min=lo, max=hi)
            return v
        return parse

    scale = instrument.response_scale(item)
    codes = set(scale.codes) if scale else None

    def parse_code(cell: str) -> float:
        v = _numeric_cell(cell, item)
        if np.isnan(v):
            return v
        if codes is not None and (v != int(v) or int(v) not in codes):
            raise Refusal("out_of_scale", "code %(value)s is outside the scale of '%(item)s' (%(codes)s)",
                          value=_fmt(v), item=item.id, codes=_codes_text(scale.codes))
        return v
    return parse_code


def _numeric_cell(cell: str, item: "Item") -> float:
    """A cell of a numeric item as a float: NaN when empty; text is an error."""
    if not cell.strip():
        return np.nan
    v = _number(cell)
    if v is None:
        raise Refusal("text_in_number", "text '%(value)s' in numeric item '%(item)s'",
                      value=_short(cell.strip()), item=item.id)
    return v


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def _codes_text(codes: tuple[int, ...]) -> str:
    ordered = sorted(codes)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(c) for c in ordered)


def _group_parser(item: "Item", instrument: "Instrument",
                  ) -> tuple[Callable[[str], float], dict[float, str]] | None:
    """Parser of a group item given as codes or labels; None when the options
    come from the wave's presets (the CSV's labels are taken as they are)."""
    scale = instrument.response_scale(item)
    if item.options_from == "preset" or scale is None:
        return None
    by_label: dict[str, int] = {}
    for opt in scale.options:
        for label in opt.label.values.values():
            if label:
                by_label.setdefault(label.strip().casefold(), opt.code)
    code_label = {float(o.code): o.label.get() for o in scale.options}

    def parse(cell: str) -> float:
        s = cell.strip()
        if not s:
            return np.nan
        v = _number(s)
        if v is not None and v in code_label:
            return v
        if s.casefold() in by_label:
            return float(by_label[s.casefold()])
        allowed = ", ".join(f"{o.code} {o.label.get()}" for o in scale.options)
        raise Refusal("not_code_or_label", "'%(value)s' is not a code or label of '%(item)s' (%(allowed)s)",
                      value=_short(s), item=item.id, allowed=allowed)
    return parse, code_label


def _multi_joined_parser(item: "Item", instrument: "Instrument"):
    scale = instrument.response_scale(item)
    codes = list(scale.codes) if scale else []

    def parse(cell: str) -> tuple[int, ...] | None:
        s = cell.strip()
        if not s:
            return None
        chosen = []
        for part in s.split(MULTI_SEPARATOR):
            v = _number(part)
            if v is None or v != int(v) or int(v) not in codes:
                raise Refusal("not_an_option", "'%(value)s' is not an option of '%(item)s' (%(codes)s; "
                              "separate several with '%(separator)s')", value=_short(part.strip()),
                              item=item.id, codes=_codes_text(tuple(codes)), separator=MULTI_SEPARATOR)
            chosen.append(int(v))
        return tuple(chosen)
    return parse, codes


def _zero_one(cell: str) -> float:
    s = cell.strip()
    if not s:
        return np.nan
    v = _number(s)
    if v not in (0.0, 1.0):
        raise Refusal("not_zero_one", "'%(value)s' must be 0 or 1 (empty = not answered)", value=_short(s))
    return v


# --- assembling the dataset ---------------------------------------------------

def _build(plan: list[_Column], columns: list[tuple[str, ...]],
           line_of: Callable[[int], int], instrument: "Instrument", name: str,
           progress: Callable[[int, int], None] | None = None) -> Dataset:
    n = len(columns[0]) if columns else 0
    layout = matrix_layout(instrument)
    col_index = {c: k for k, c in enumerate(layout)}
    matrix = np.full((n, len(layout)), np.nan)
    groups: dict[str, np.ndarray] = {}
    texts: dict[str, list[str | None]] = {}
    problems: list[tuple[int, int, str, Refusal]] = []  # (row index, col index, name, why)

    def note(problem: _Problem | None, col: _Column) -> None:
        if problem is not None:
            problems.append((problem.index, col.index, col.name, problem.refusal))

    for done, col in enumerate(plan):
        if progress is not None:
            progress(done, len(plan))
        cells = columns[col.index]
        if col.role == "unnamed":  # a trailing delimiter is harmless when empty
            if any(c.strip() for c in cells):
                first = next(i for i, c in enumerate(cells) if c.strip())
                problems.append((first, col.index, col.name,
                                 Refusal("unnamed_values", "a column without a name holds values")))
        elif col.role == "extra":
            groups[col.name] = _labels(cells)
        elif col.role == "text":
            texts[col.name] = [c if c.strip() else None for c in cells]
        elif col.role == "item":
            values, problem = _parse_column(cells, _code_parser(col.item, instrument))
            note(problem, col)
            matrix[:, col_index[col.item.id]] = values
        elif col.role == "group":
            item = col.item
            key = item.group or item.id
            parsed = _group_parser(item, instrument)
            if parsed is None:
                groups[key] = _labels(cells)
                codes = {c: (_number(c) if c.strip() else None) for c in dict.fromkeys(cells)}
                codes = {c: (v if v is not None else np.nan) for c, v in codes.items()}
                matrix[:, col_index[item.id]] = np.fromiter(
                    map(codes.__getitem__, cells), dtype=np.float64, count=len(cells))
                continue
            parse, code_label = parsed
            values, problem = _parse_column(cells, parse)
            note(problem, col)
            matrix[:, col_index[item.id]] = values
            groups[key] = _code_labels(values, code_label)
        elif col.role == "multi_option":
            values, problem = _parse_column(cells, _zero_one)
            note(problem, col)
            matrix[:, col_index[col.name]] = values
        elif col.role == "multi_joined":
            parse, codes = _multi_joined_parser(col.item, instrument)
            distinct = {cell: k for k, cell in enumerate(dict.fromkeys(cells))}
            block = np.full((len(distinct), len(codes)), np.nan)
            for cell, k in distinct.items():
                try:
                    chosen = parse(cell)
                except Refusal as exc:
                    problems.append((cells.index(cell), col.index, col.name, exc))
                    continue
                if chosen is not None:
                    block[k] = [1.0 if c in chosen else 0.0 for c in codes]
            inverse = np.fromiter(map(distinct.__getitem__, cells), dtype=np.intp, count=len(cells))
            targets = [col_index[f"{col.item.id}_{c}"] for c in codes]
            matrix[:, targets] = block[inverse]
    if progress is not None:
        progress(len(plan), len(plan))
    if problems:
        index, _, column, refusal = min(problems, key=lambda p: p[:2])
        raise CsvError(name, refusal, row=line_of(index), column=column)
    return Dataset(columns=layout, matrix=matrix, groups=groups, texts=texts)


def _labels(cells: tuple[str, ...]) -> np.ndarray:
    stripped = {c: c.strip() for c in dict.fromkeys(cells)}
    return np.array(list(map(stripped.__getitem__, cells)), dtype=str)


def _code_labels(values: np.ndarray, code_label: dict[float, str]) -> np.ndarray:
    out = np.full(values.shape, "", dtype=object)
    for code, label in code_label.items():
        out[values == code] = label
    return out.astype(str)
