"""Property: whatever the wave, nothing published reveals a small group.

Hypothesis generates waves with small groups, respondents without a value
for a group (the "no answer" cell), a class tag nested in the school, and a
share answered by some. Every publishable table is taken from
``scoring.disclosure`` and checked independently here: cell membership is
recomputed from the labels, and derivability is decided by the rank
(numpy's SVD) of the respondent-level 0/1 vectors of the shown cells, not by
the module's own atoms or QR. No cell or atom (finest cross-classification)
with 1..min_n-1 respondents may lie in their span, for counts and for the
two sides of a share, and no shown share has a small numerator.
"""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from scoring.disclosure import Disclosure

COLUMNS = ("school", "gender", "grade", "class")
NESTED = {"class": "school"}

respondent = st.tuples(
    st.sampled_from(["S1", "S2", "S3", ""]),          # school ("" = no answer)
    st.sampled_from(["flicka", "pojke", "", ""]),     # gender, often skipped
    st.sampled_from(["åk 9", "gy 1"]),                 # grade, always given
    st.sampled_from(["9A", "9B", "9C", ""]),           # class tag of the batch
    st.booleans(),                                      # answered the share's item
    st.booleans(),                                      # in the share
)


def _groups(rows) -> dict[str, np.ndarray]:
    return {c: np.array([r[j] for r in rows], dtype=str) for j, c in enumerate(COLUMNS)}


def _members(groups: dict[str, np.ndarray], table: tuple[str, ...], labels: tuple) -> np.ndarray:
    """Respondents of a cell, from the labels alone (None = no answer)."""
    n = len(next(iter(groups.values())))
    out = np.ones(n, dtype=bool)
    for column, label in zip(table, labels):
        out &= groups[column] == ("" if label is None else label)
    return out


def _rank(rows: list[np.ndarray]) -> int:
    return int(np.linalg.matrix_rank(np.array(rows))) if rows else 0


def _derivable(shown: list[np.ndarray], target: np.ndarray) -> bool:
    return _rank(shown + [target]) == _rank(shown)


def _cells(d: Disclosure, groups):
    """(table, labels, members) of every published cell."""
    for table in d.tables:
        cells = d.cells(table)
        for g, labels in enumerate(cells.labels):
            yield table, g, labels, _members(groups, table, labels)


def _atoms(groups) -> list[np.ndarray]:
    keys = list(zip(*(groups[c] for c in COLUMNS)))
    return [np.array([k == key for k in keys]) for key in sorted(set(keys))]


def _small(v: int, min_n: int) -> bool:
    return 0 < v < min_n


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(respondent, min_size=1, max_size=45), min_n=st.sampled_from([3, 5]))
def test_no_small_cell_or_atom_is_derivable(rows, min_n) -> None:
    groups = _groups(rows)
    n = len(rows)
    d = Disclosure(groups, n, COLUMNS, min_n, NESTED)
    # the published tables: overall, each column one way (class within its
    # school), every pair of the others
    # (a class tag without any school is a plain column)
    present = [c for c in COLUMNS if (groups[c] != "").any()]
    nested = "class" in present and "school" in present
    expected = {()} | {("school", "class") if c == "class" and nested else (c,) for c in present}
    expected |= set(itertools.combinations([c for c in present if not (c == "class" and nested)], 2))
    assert set(d.tables) == expected
    everyone = np.ones(n, dtype=bool)
    hidden = d.hidden(everyone)
    shown, small = [], []
    for table, g, labels, members in _cells(d, groups):
        assert members.any()
        if hidden[table][g]:
            if _small(int(members.sum()), min_n):
                small.append(members.astype(float))
        else:
            assert not _small(int(members.sum()), min_n)
            shown.append(members.astype(float))
    # each table is a partition of the respondents ("no answer" a cell of its own)
    for table in d.tables:
        codes = d.cells(table).codes
        assert codes.min() >= 0 and codes.size == n
    for vector in small + [a.astype(float) for a in _atoms(groups) if _small(int(a.sum()), min_n)]:
        assert not _derivable(shown, vector)
    # nor the hidden cells of a table together (the total minus the shown ones)
    for table in d.tables:
        union = np.zeros(n)
        for g, labels in enumerate(d.cells(table).labels):
            if hidden[table][g]:
                union += _members(groups, table, labels)
        if _small(int(union.sum()), min_n):
            assert not _derivable(shown, union)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(respondent, min_size=1, max_size=40), min_n=st.sampled_from([3, 5]))
def test_shares_pass_the_numerator_rule_and_no_side_is_derivable(rows, min_n) -> None:
    groups = _groups(rows)
    n = len(rows)
    answered = np.array([r[4] for r in rows])
    hit = np.array([r[5] for r in rows]) & answered
    miss = answered & ~hit
    d = Disclosure(groups, n, COLUMNS, min_n, NESTED)
    # two blocks of coordinates: respondents in the share, and outside it
    shown, targets = [], []
    for table in d.tables:
        bd = d.breakdown(table)
        hidden = bd.share_hidden(answered, hit)
        for g, labels in enumerate(bd.cells.labels):
            members = _members(groups, table, labels)
            k, rest = int((members & hit).sum()), int((members & miss).sum())
            k_vec = np.concatenate([members & hit, np.zeros(n, bool)]).astype(float)
            rest_vec = np.concatenate([np.zeros(n, bool), members & miss]).astype(float)
            if not hidden[g]:
                # shown: k of k + rest, and the rule holds on both sides
                assert not _small(k, min_n) and not _small(rest, min_n) and not _small(k + rest, min_n)
                shown += [k_vec, k_vec + rest_vec]
            else:
                targets += [v for v, size in ((k_vec, k), (rest_vec, rest), (k_vec + rest_vec, k + rest))
                            if _small(size, min_n)]
    for vector in targets:
        assert not _derivable(shown, vector)


def test_the_issue_cases() -> None:
    """The cases of issue 11 by hand: subtraction through "no answer",
    across breakdowns and through nested tags."""
    # 48 girls, 50 boys, 2 without a gender: overall - girls - boys = 2
    g = {"gender": np.array(["flicka"] * 48 + ["pojke"] * 50 + [""] * 2)}
    d = Disclosure(g, 100, ("gender",), 5)
    hidden = d.hidden(np.ones(100, bool))[("gender",)]
    labels = d.cells(("gender",)).labels
    assert labels == [("flicka",), ("pojke",), (None,)]
    assert hidden.tolist() == [True, False, True]  # the smaller of the others goes too
    # a school of 4: its cover in the school table must not be shown in school x gender
    school = ["A"] * 4 + ["B"] * 30 + ["C"] * 30
    gender = ["flicka", "pojke"] * 2 + ["flicka"] * 15 + ["pojke"] * 15 + ["flicka"] * 15 + ["pojke"] * 15
    g = {"school": np.array(school), "gender": np.array(gender)}
    d = Disclosure(g, 64, ("school", "gender"), 5)
    hidden = d.hidden(np.ones(64, bool))
    shown_rows = []
    for table in d.tables:
        for j, labels in enumerate(d.cells(table).labels):
            if not hidden[table][j]:
                shown_rows.append(_members(g, table, labels).astype(float))
    assert not _derivable(shown_rows, _members(g, ("school",), ("A",)).astype(float))
    # nested tags: school S with classes of 20, 20 and 3
    g = {"school": np.array(["S"] * 43 + ["T"] * 40),
         "class": np.array(["9A"] * 20 + ["9B"] * 20 + ["9C"] * 3 + ["9A"] * 40)}
    d = Disclosure(g, 83, ("school", "class"), 5, {"class": "school"})
    assert d.tables == ((), ("school",), ("school", "class"))
    hidden = d.hidden(np.ones(83, bool))
    cells = d.cells(("school", "class")).labels
    assert {lbl for lbl, h in zip(cells, hidden[("school", "class")]) if h} == {("S", "9C"), ("S", "9A")} \
        or {lbl for lbl, h in zip(cells, hidden[("school", "class")]) if h} == {("S", "9C"), ("S", "9B")}
    assert not hidden[("school",)].any()


def test_pairs_over_the_cap_are_not_published() -> None:
    rng = np.random.default_rng(3)
    g = {"school": np.array([f"S{i}" for i in rng.integers(0, 40, 2000)]),
         "case": np.array([f"C{i}" for i in rng.integers(0, 50, 2000)])}
    d = Disclosure(g, 2000, ("school", "case"), 5, max_two_way_cells=300)
    assert ("school", "case") not in d.tables
    assert set(itertools.chain.from_iterable(d.tables)) == {"school", "case"}
