"""Small-cell suppression of one breakdown by the joint disclosure step:
hand-worked cases, the one-way property, a report's counts and means, and
label coding (the joint property over all tables is in
test_disclosure_properties.py)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.disclosure import Disclosure
from scoring.groups import factorize, make_cells
from surveys.dataset import Dataset

from scoring_builders import ITEMS, fixture_instrument, report_json_of


def _one_way(n, min_n):
    """Hidden cells of a one-way breakdown with cell sizes ``n`` (published
    with the overall figure), from the joint disclosure step."""
    labels = np.array([f"g{i:02d}" for i, k in enumerate(n) for _ in range(k)])
    d = Disclosure({"g": labels}, labels.size, ("g",), min_n)
    return d.hidden(np.ones(labels.size, dtype=bool))[("g",)]


def test_primary_only_when_two_or_more_are_small():
    assert _one_way([3, 4, 10, 20], 5).tolist() == [True, True, False, False]


def test_single_small_cell_takes_the_next_smallest_with_it():
    assert _one_way([12, 3, 10, 20], 5).tolist() == [False, True, True, False]


def test_nothing_hidden_when_all_cells_are_large():
    assert _one_way([5, 6, 100], 5).tolist() == [False, False, False]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=12), st.integers(1, 10))
def test_one_way_hidden_cell_never_equals_total_minus_shown(n, min_n):
    n = np.array(n)
    hidden = _one_way(n, min_n)
    assert (hidden >= (n < min_n)).all()  # primary cells are always hidden
    if hidden.any() and (~hidden).any():
        # total minus the shown cells is the sum of the hidden ones: it must
        # cover at least two cells, so no single hidden cell is revealed
        assert hidden.sum() >= 2
        assert not 0 < n[hidden].sum() < min_n


def test_report_hides_small_school_and_next_smallest_for_counts_and_means():
    inst = fixture_instrument()
    rng = np.random.default_rng(3)
    sizes = {"A": 20, "B": 3, "C": 9, "D": 15}
    school = np.array([s for s, k in sizes.items() for _ in range(k)])
    X = rng.integers(1, 7, (school.size, 8)).astype(float)
    use = rng.integers(1, 5, school.size).astype(float)
    data = Dataset([*ITEMS, "use"], np.column_stack([X, use]), {"school": school})
    report = report_json_of(inst, data, by=("school",))
    groups = {g["by"]["school"]: g for g in report["scales"]["attityd"]["groups"]}
    assert groups["B"]["suppressed"] and groups["C"]["suppressed"]
    for s in ("B", "C"):
        g = groups[s]
        assert {k for k, v in g.items() if v is not None} == {"by", "suppressed"}
    shown = [g for g in groups.values() if not g["suppressed"]]
    overall = report["scales"]["attityd"]["overall"]
    # what an attacker can get from the overall figures minus the shown cells
    rest_n = overall["n"] - sum(g["n"] for g in shown)
    rest_sum = overall["n"] * overall["mean"] - sum(g["n"] * g["mean"] for g in shown)
    assert rest_n == 12  # B and C together, not B alone
    R = X.copy()
    R[:, 1::2] = 7 - R[:, 1::2]  # i2 i4 i6 i8 reversed
    b_mean = R[school == "B"].mean(axis=1).mean()
    c_mean = R[school == "C"].mean(axis=1).mean()
    # ...only their pooled mean, which is neither B's nor C's own
    assert abs(rest_sum / rest_n - (3 * b_mean + 9 * c_mean) / 12) < 1e-9
    share_groups = {g["by"]["school"]: g for g in report["declared_shares"]["never"]["groups"]}
    assert share_groups["B"]["suppressed"] and share_groups["C"]["suppressed"]
    assert share_groups["B"]["n"] is None and share_groups["B"]["of"] is None


def test_factorize_codes_labels_and_missing():
    labels = np.array(["Årby", "", "Skiftinge", "Årby", "Fröslunda", ""])
    uniq, codes = factorize(labels)
    assert uniq == sorted(["Årby", "Skiftinge", "Fröslunda"])
    assert [uniq[c] if c >= 0 else "" for c in codes] == labels.tolist()
    uniq_o, codes_o = factorize(np.array(["b", None, "a"], dtype=object))
    assert uniq_o == ["a", "b"] and codes_o.tolist() == [1, -1, 0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=6), min_size=1, max_size=60))
def test_factorize_agrees_with_numpy_unique(values):
    values = [v.replace("\x00", "") for v in values]  # numpy str arrays drop trailing NULs
    arr = np.array(values, dtype=str)
    uniq, codes = factorize(arr)
    expected = sorted(set(arr.tolist()) - {""})
    assert uniq == expected
    assert [uniq[c] if c >= 0 else "" for c in codes] == arr.tolist()


def test_two_column_cells_only_where_respondents_are():
    f1 = factorize(np.array(["A", "A", "B", ""]))
    f2 = factorize(np.array(["f", "p", "f", "p"]))
    cells = make_cells({"school": f1, "gender": f2})
    assert cells.labels == [("A", "f"), ("A", "p"), ("B", "f")]
    assert cells.codes.tolist() == [0, 1, 2, -1]
