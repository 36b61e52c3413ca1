"""A wave's answers as a numpy matrix plus group label columns.

Built from a CSV (``survey-engine score``) or from the database (analyst
workspace); consumed by ``scoring``. Column naming: ``single`` and ``number``
items keep their item id; a ``multi`` item becomes one 0/1 column per option,
``<item id>_<code>``; ``text`` items are kept apart in ``texts``. NaN means not
answered (or not shown).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    #: Column names of ``matrix``, in instrument order.
    columns: list[str]
    #: respondents x columns, float64, NaN = not answered.
    matrix: np.ndarray
    #: group name (school, grade, gender, area, age_band, or any CSV column
    #: that is not an item) -> array of str labels, "" = missing.
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    #: text item id -> list of answers (None = not answered).
    texts: dict[str, list[str | None]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    def column(self, name: str) -> np.ndarray:
        """The values of one column (a view into ``matrix``)."""
        return self.matrix[:, self.columns.index(name)]
