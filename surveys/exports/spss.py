"""The raw table as an SPSS ``.sav`` file with variable and value labels
(pyreadstat); R reads it with ``haven::read_sav``."""
from __future__ import annotations

import os
import re
import tempfile

import numpy as np
import pandas as pd
import pyreadstat

from surveys.exports.table import RawTable

_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
# SPSS limits (in bytes): variable labels 256, value labels 120.
_VAR_LABEL_BYTES = 255
_VALUE_LABEL_BYTES = 120


def spss_name(name: str) -> str:
    """A valid SPSS variable name for ``name`` (item ids usually already are)."""
    clean = re.sub(r"[^A-Za-z0-9_.@#$]", "_", name)
    if not clean or not re.match(r"[A-Za-z@#$]", clean[0]):
        clean = "v" + clean
    clean = clean.rstrip(".")
    if clean.upper() in _RESERVED:
        clean += "_"
    return clean[:64]


def _truncate(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore")


def write_sav(table: RawTable, file_label: str = "") -> bytes:
    """See :func:`write_sav_file`; the file's bytes."""
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        write_sav_file(table, path, file_label)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def write_sav_file(table: RawTable, path: str, file_label: str = "") -> None:
    """The table as ``.sav`` bytes: numeric columns as numbers (missing =
    system-missing), string columns as strings, labels attached."""
    names: list[str] = []
    for v in table.variables:
        name = spss_name(v.name)
        while name in names:
            name = name[:60] + "_" + str(len(names))
        names.append(name)
    data: dict[str, object] = {}
    for name, var, column in zip(names, table.variables, table.columns):
        if var.kind == "numeric":
            data[name] = np.asarray(column, dtype=float)
        else:
            data[name] = pd.Series(["" if x is None else str(x) for x in column], dtype=object)
    frame = pd.DataFrame(data, columns=names)
    labels = {n: _truncate(v.label, _VAR_LABEL_BYTES) for n, v in zip(names, table.variables)}
    value_labels = {n: {float(code): _truncate(label, _VALUE_LABEL_BYTES)
                        for code, label in v.value_labels.items()}
                    for n, v in zip(names, table.variables) if v.value_labels}
    measures = {n: ("nominal" if v.kind == "string" or v.value_labels else "scale")
                for n, v in zip(names, table.variables)}
    # Decimal items: SPSS shows Fw.d (w the widest value, d the decimal places).
    formats = {n: f"F{v.width}.{v.decimals}" for n, v in zip(names, table.variables) if v.decimals}
    widths = {n: v.width for n, v in zip(names, table.variables) if v.decimals}
    pyreadstat.write_sav(frame, path, file_label=_truncate(file_label, 64),
                         column_labels=labels, variable_value_labels=value_labels,
                         variable_measure=measures, variable_format=formats or None,
                         variable_display_width=widths or None)
