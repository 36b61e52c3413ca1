"""The cells of the report's breakdowns, built once per report from a
dataset's group columns and reused by every section."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .errors import ScoringError
from .groups import Cells, factorize, make_cells


class Breakdowns:
    """Factorized group columns (cached) and the cells of breakdowns."""

    def __init__(self, groups: Mapping[str, np.ndarray], n: int,
                 order: Mapping[str, Sequence[str]] | None = None) -> None:
        self._groups = groups
        self._n = n
        self._order = order or {}
        self._factors: dict[str, tuple[list[str], np.ndarray]] = {}

    def has(self, column: str) -> bool:
        return column in self._groups

    def factor(self, column: str) -> tuple[list[str], np.ndarray]:
        if column not in self._factors:
            if column not in self._groups:
                known = ", ".join(sorted(self._groups)) or "none"
                raise ScoringError(f"unknown group column {column!r} (group columns: {known})", "unknown_column",
                                   column=column, known=known)
            labels = self._groups[column]
            if len(labels) != self._n:
                raise ScoringError(f"group column {column!r} has {len(labels)} values for {self._n} respondents",
                                   "column_length", column=column, values=len(labels), n=self._n)
            uniq, codes = factorize(labels)
            uniq, codes = _reorder(uniq, codes, self._order.get(column))
            self._factors[column] = (uniq, codes)
        return self._factors[column]

    def cells(self, columns: Sequence[str]) -> Cells:
        columns = tuple(columns)
        if not 1 <= len(columns) <= 2:
            raise ScoringError("a breakdown takes one or two group columns", "too_many_columns")
        if len(set(columns)) != len(columns):
            raise ScoringError("a breakdown names the same column twice", "same_column")
        return make_cells({c: self.factor(c) for c in columns})


def _reorder(uniq: list[str], codes: np.ndarray, preferred: Sequence[str] | None) -> tuple[list[str], np.ndarray]:
    """Put labels in the instrument's option order (unknown labels after,
    alphabetically)."""
    if not preferred or not uniq:
        return uniq, codes
    rank = {label: i for i, label in enumerate(preferred)}
    new_order = sorted(range(len(uniq)), key=lambda i: (rank.get(uniq[i], len(rank)), uniq[i]))
    if new_order == list(range(len(uniq))):
        return uniq, codes
    remap = np.empty(len(uniq), dtype=np.int64)
    remap[np.array(new_order)] = np.arange(len(uniq))
    return [uniq[i] for i in new_order], np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
