"""A wave's dataset as a stored snapshot, column by column (table
``wave_snapshots``), and the merging of a snapshot with the responses
submitted since.

Pure functions (numpy, zlib, json): the store decides when to read and
write (``surveys.store.wave_read``); why the snapshot exists and how it
stays correct is in ``docs/analyst-scale.md``.

Layout of one snapshot: ``layout`` (JSON) names the columns, the group
columns with their categories, the text keys and the arrays; ``payload``
holds the arrays, each compressed with zlib on its own, one after the other:
the matrix (int32 with a sentinel for NaN when every value is a whole number,
as item codes are; float64 otherwise; stored column by column, which
compresses better), one int32 category index per group column and one JSON
chunk with the free texts (row numbers and values, answered rows only).
``response_ids`` holds the ids of the rows in row order, read only to find
the responses a snapshot lacks.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from surveys.dataset import Dataset

#: Format of ``layout``/``payload``; a snapshot of another format is not read.
FORMAT = 1
#: zlib level: 1 compresses the matrix about as well as 6, several times faster.
LEVEL = 1
_MISSING = np.iinfo(np.int32).min
#: Width of a stored response id (``responses.id`` is VARCHAR(36)).
ID_DTYPE = "S36"


@dataclass(frozen=True)
class Encoded:
    """What one ``wave_snapshots`` row stores besides its keys."""

    layout: dict[str, Any]
    payload: bytes
    response_ids: bytes


def encode(dataset: Dataset, ids: np.ndarray) -> Encoded:
    """The stored form of ``dataset`` whose rows are the responses ``ids``."""
    chunks: list[bytes] = []
    arrays: list[dict[str, Any]] = []

    def put(name: str, data: bytes, **info: Any) -> None:
        packed = zlib.compress(data, LEVEL)
        chunks.append(packed)
        arrays.append({"name": name, "bytes": len(packed), **info})

    matrix = dataset.matrix
    stored = _as_int32(matrix)
    if stored is None:
        put("matrix", np.ascontiguousarray(matrix.T, dtype="<f8").tobytes(), dtype="<f8")
    else:
        put("matrix", np.ascontiguousarray(stored.T).tobytes(), dtype="<i4")
    groups = []
    for name, values in dataset.groups.items():
        categories, index = np.unique(values, return_inverse=True)
        put(f"group:{name}", index.astype("<i4").tobytes(), dtype="<i4")
        groups.append({"name": name, "dtype": values.dtype.str, "categories": categories.tolist()})
    texts = {key: [[r, v] for r, v in enumerate(values) if v is not None]
             for key, values in dataset.texts.items()}
    put("texts", json.dumps(texts, ensure_ascii=False).encode("utf-8"), dtype="json")
    layout = {"format": FORMAT, "n": dataset.n, "columns": list(dataset.columns),
              "groups": groups, "texts": list(dataset.texts), "arrays": arrays}
    return Encoded(layout, b"".join(chunks),
                   zlib.compress(np.asarray(ids, dtype=ID_DTYPE).tobytes(), LEVEL))


def decode(layout: dict[str, Any], payload: bytes) -> Dataset | None:
    """The dataset of a stored snapshot (None: a format this code does not read)."""
    if not isinstance(layout, dict) or layout.get("format") != FORMAT:
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
    if dtypes["matrix"] == "<i4":
        matrix = raw.T.astype(np.float64, order="C")
        matrix[raw.T == _MISSING] = np.nan
    else:
        matrix = np.ascontiguousarray(raw.T, dtype=np.float64)
    groups = {}
    for group in layout["groups"]:
        index = np.frombuffer(parts[f"group:{group['name']}"], dtype="<i4")
        groups[group["name"]] = np.array(group["categories"], dtype=group["dtype"])[index] \
            if n else np.array([], dtype=group["dtype"])
    stored_texts = json.loads(parts["texts"].decode("utf-8"))
    texts: dict[str, list[str | None]] = {}
    for key in layout["texts"]:
        column: list[str | None] = [None] * n
        for r, value in stored_texts.get(key, ()):
            column[r] = value
        texts[key] = column
    return Dataset(columns=columns, matrix=matrix, groups=groups, texts=texts)


def decode_ids(response_ids: bytes) -> np.ndarray:
    """The response ids of a snapshot's rows (``ID_DTYPE`` array, row order)."""
    return np.frombuffer(zlib.decompress(response_ids), dtype=ID_DTYPE)


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


def _as_int32(matrix: np.ndarray) -> np.ndarray | None:
    """``matrix`` as int32 with NaN as the sentinel, when that loses nothing."""
    if matrix.size == 0:
        return np.zeros(matrix.shape, dtype=np.int32)
    missing = np.isnan(matrix)
    values = matrix[~missing]
    if values.size and not (np.all(np.isfinite(values)) and np.all(values == np.floor(values))
                            and values.min() > _MISSING and values.max() <= np.iinfo(np.int32).max):
        return None
    stored = np.where(missing, 0, matrix).astype(np.int32)
    stored[missing] = _MISSING
    return stored
