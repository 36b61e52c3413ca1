"""A wave's dataset as a stored snapshot, column by column (table
``wave_snapshots``), and the merging of a snapshot with the responses
submitted since.

Pure functions (numpy, zlib, json): the store decides when to read and
write (``surveys.store.wave_read``); why the snapshot exists and how it
stays correct is in ``docs/analyst-scale.md``.

Layout of one snapshot: ``layout`` (JSON) names the columns, the group
columns with their categories, the text keys and the arrays; ``payload``
holds the arrays, each compressed with zlib on its own, one after the other:
the matrix (the smallest of int8/int16/int32 that holds it, its minimum
standing for NaN, when every value is a whole number, as item codes are;
float64 otherwise; stored column by column, which compresses better), one int32 category index per group column, per text key
the int32 numbers of the rows that answered, and one JSON chunk with those
answers. ``response_ids`` holds the ids of the rows in row order, one a
line, read only to find the responses a snapshot lacks.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from surveys.dataset import Dataset

#: Format of ``layout``/``payload``; a snapshot of another format is not read.
FORMAT = 1
#: zlib level: 1 compresses the matrix about as well as 6, several times faster.
LEVEL = 1


@dataclass(frozen=True)
class Encoded:
    """What one ``wave_snapshots`` row stores besides its keys."""

    layout: dict[str, Any]
    payload: bytes
    response_ids: bytes


def encode(dataset: Dataset, ids: Sequence[str]) -> Encoded:
    """The stored form of ``dataset`` whose rows are the responses ``ids``."""
    chunks: list[bytes] = []
    arrays: list[dict[str, Any]] = []

    def put(name: str, data: bytes, **info: Any) -> None:
        packed = zlib.compress(data, LEVEL)
        chunks.append(packed)
        arrays.append({"name": name, "bytes": len(packed), **info})

    matrix = dataset.matrix
    stored = _as_small_int(matrix)
    if stored is None:
        put("matrix", np.ascontiguousarray(matrix.T, dtype="<f8").tobytes(), dtype="<f8")
    else:
        put("matrix", np.ascontiguousarray(stored.T).tobytes(), dtype=stored.dtype.str)
    groups = []
    for name, values in dataset.groups.items():
        categories, index = np.unique(values, return_inverse=True)
        put(f"group:{name}", index.astype("<i4").tobytes(), dtype="<i4")
        groups.append({"name": name, "dtype": values.dtype.str, "categories": categories.tolist()})
    answered = {}
    for key, values in dataset.texts.items():
        column = np.array(values, dtype=object)
        rows = np.flatnonzero(column != None)  # noqa: E711 (elementwise)
        put(f"text:{key}", rows.astype("<i4").tobytes(), dtype="<i4")
        answered[key] = column[rows].tolist()
    put("texts", json.dumps(answered, ensure_ascii=False).encode("utf-8"), dtype="json")
    layout = {"format": FORMAT, "n": dataset.n, "columns": list(dataset.columns),
              "groups": groups, "texts": list(dataset.texts), "arrays": arrays}
    return Encoded(layout, b"".join(chunks), zlib.compress("\n".join(ids).encode("ascii"), LEVEL))


def readable(layout: Any) -> bool:
    """Whether this code reads a snapshot of this ``layout``."""
    return isinstance(layout, dict) and layout.get("format") == FORMAT


def decode(layout: dict[str, Any], payload: bytes) -> Dataset | None:
    """The dataset of a stored snapshot (None: a format this code does not read)."""
    if not readable(layout):
        return None
    n, columns = int(layout["n"]), list(layout["columns"])
    parts: dict[str, bytes] = {}
    offset = 0
    view = memoryview(payload)
    for array in layout["arrays"]:
        parts[array["name"]] = zlib.decompress(view[offset: offset + array["bytes"]])
        offset += array["bytes"]
    dtypes = {a["name"]: a["dtype"] for a in layout["arrays"]}
    raw = np.frombuffer(parts["matrix"], dtype=dtypes["matrix"]).reshape(len(columns), n)
    if raw.dtype.kind == "i":
        matrix = raw.T.astype(np.float64, order="C")
        matrix[raw.T == np.iinfo(raw.dtype).min] = np.nan
    else:
        matrix = np.ascontiguousarray(raw.T, dtype=np.float64)
    groups = {}
    for group in layout["groups"]:
        index = np.frombuffer(parts[f"group:{group['name']}"], dtype="<i4")
        groups[group["name"]] = np.array(group["categories"], dtype=group["dtype"])[index] \
            if n else np.array([], dtype=group["dtype"])
    answered = json.loads(parts["texts"].decode("utf-8"))
    texts: dict[str, list[str | None]] = {}
    for key in layout["texts"]:
        column = np.full(n, None, dtype=object)
        column[np.frombuffer(parts[f"text:{key}"], dtype="<i4")] = answered[key]
        texts[key] = column.tolist()
    return Dataset(columns=columns, matrix=matrix, groups=groups, texts=texts)


def decode_ids(response_ids: bytes) -> list[str]:
    """The response ids of a snapshot's rows, in row order."""
    joined = zlib.decompress(response_ids).decode("ascii")
    return joined.split("\n") if joined else []


def merge(old: Dataset, new: Dataset, from_old: np.ndarray) -> Dataset:
    """One dataset of ``old``'s and ``new``'s rows: row r comes from ``old``
    where ``from_old[r]`` and from ``new`` elsewhere, each in its own order.
    A group column or text key missing on one side is "" (None) there; group
    columns and texts keep ``old``'s order, ``new``'s own ones after them."""
    if old.columns != new.columns:
        raise ValueError("datasets of different column layouts cannot be merged")
    from_old = np.asarray(from_old, dtype=bool)
    n = from_old.size
    if int(from_old.sum()) != old.n or n - old.n != new.n:
        raise ValueError("row mask does not match the datasets")
    old_rows, new_rows = np.flatnonzero(from_old), np.flatnonzero(~from_old)
    matrix = np.empty((n, len(old.columns)))
    matrix[old_rows] = old.matrix
    matrix[new_rows] = new.matrix
    groups = {}
    for name in list(old.groups) + [g for g in new.groups if g not in old.groups]:
        a, b = old.groups.get(name), new.groups.get(name)
        dtype = np.result_type(*(x.dtype for x in (a, b) if x is not None))
        column = np.full(n, "", dtype=dtype)
        if a is not None:
            column[old_rows] = a
        if b is not None:
            column[new_rows] = b
        groups[name] = column
    texts: dict[str, list[str | None]] = {}
    for key in list(old.texts) + [t for t in new.texts if t not in old.texts]:
        column = [None] * n
        for rows, values in ((old_rows, old.texts.get(key)), (new_rows, new.texts.get(key))):
            if values is not None:
                for r, value in zip(rows.tolist(), values):
                    if value is not None:
                        column[r] = value
        texts[key] = column
    return Dataset(columns=list(old.columns), matrix=matrix, groups=groups, texts=texts)


def _as_small_int(matrix: np.ndarray) -> np.ndarray | None:
    """``matrix`` as the smallest of int8/int16/int32 that holds every value,
    with the type's minimum standing for NaN; None when that would lose
    something (a value that is not a whole number, or too large)."""
    missing = np.isnan(matrix)
    values = matrix[~missing]
    if values.size and not (np.all(np.isfinite(values)) and np.all(values == np.floor(values))):
        return None
    low, high = (values.min(), values.max()) if values.size else (0, 0)
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min < low and high <= info.max:
            stored = np.where(missing, 0, matrix).astype(np.dtype(dtype).newbyteorder("<"))
            stored[missing] = info.min
            return stored
    return None
