"""Dataset.from_records: stored answers (Store.wave_records shape) to a matrix."""
from __future__ import annotations

import datetime as dt

import numpy as np

from surveys.dataset import from_records, matrix_layout

from .model import small_instrument

INST = small_instrument()


def test_layout_follows_the_instrument():
    assert matrix_layout(INST) == ["gender", "school", "i1", "i2", "i3", "i4", "i5", "i6", "i7",
                                   "i8", "use", "age", "themes_1", "themes_2", "themes_9"]


def test_records_to_matrix_groups_and_texts():
    records = [
        {"gender": 2, "school": 2, "i1": 3, "themes": [1, 9], "themes_other": "hundar",
         "places": "torget", "groups": {"class": "9A"}, "submitted_on": dt.date(2018, 3, 5)},
        {"gender": "flicka", "i1": 6, "use": 4, "age": 15, "themes": [],
         "groups": {"school": "Skola A", "class": "9B"}},
        {"i2": 1},
    ]
    ds = from_records(INST, records, presets={"school": ["Skola A", "Skola B"]})
    assert ds.n == 3
    np.testing.assert_array_equal(ds.column("i1"), [3, 6, np.nan])
    np.testing.assert_array_equal(ds.column("i2"), [np.nan, np.nan, 1])
    np.testing.assert_array_equal(ds.column("age"), [np.nan, 15, np.nan])
    # multi: chosen 1, not chosen 0; an empty list is answered with nothing; absent is NaN
    block = np.column_stack([ds.column(f"themes_{c}") for c in (1, 2, 9)])
    np.testing.assert_array_equal(block, [[1, 0, 1], [0, 0, 0], [np.nan] * 3])
    assert list(ds.groups["gender"]) == ["pojke", "flicka", ""]
    assert list(ds.groups["school"]) == ["Skola B", "Skola A", ""]
    assert list(ds.groups["class"]) == ["9A", "9B", ""]
    assert list(ds.groups["submitted_week"]) == ["2018-W10", "", ""]  # the day never
    assert ds.texts["themes_other"] == ["hundar", None, None]
    assert ds.texts["places"] == ["torget", None, None]
    # group codes in the matrix, whether stored as codes or labels
    np.testing.assert_array_equal(ds.column("gender"), [2, 1, np.nan])
    np.testing.assert_array_equal(ds.column("school"), [2, np.nan, np.nan])


def test_no_records():
    ds = from_records(INST, [])
    assert ds.n == 0 and ds.matrix.shape == (0, len(matrix_layout(INST)))
