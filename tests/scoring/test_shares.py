"""Code counts checked against plain Python counting."""
from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.shares import code_counts, columns_code_counts, grouped_share

values = st.one_of(st.integers(0, 7).map(float), st.just(np.nan), st.just(2.5), st.just(-1.0))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(0, 50), st.integers(1, 4)), elements=values),
       st.integers(1, 20))
def test_columns_code_counts_match_counter(X, chunk):
    table, answered = columns_code_counts(X, list(range(X.shape[1])), 6, chunk_rows=chunk)
    for j in range(X.shape[1]):
        col = [v for v in X[:, j].tolist() if v == v]
        assert answered[j] == len(col)
        c = Counter(col)
        assert table[j].tolist() == [c.get(float(code), 0) for code in range(7)]
        single, n = code_counts(X[:, j], np.arange(7))
        assert single.tolist() == table[j].tolist() and n == answered[j]


def test_grouped_share_counts_hits_and_answers_per_group():
    x = np.array([1, 2, np.nan, 1, 3, 1], dtype=float)
    g = np.array([0, 0, 0, 1, 1, -1])
    k, n = grouped_share(x, [1, 3], g, 2)
    assert k.tolist() == [1, 2] and n.tolist() == [2, 2]
