"""Property, end to end: publish every allowed breakdown of a generated wave
with ``score_report`` and read back only what the JSON shows. The figures
an attacker holds (scale n per cell, share k of n per cell, overall) must
not let any small group be computed: checked by the rank of the
respondent-level vectors of the shown cells, worked out here from the labels
and the answers, independently of ``scoring.disclosure``. Waves have small
groups, respondents without a gender or a school, and class tags nested in
the schools."""
from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from surveys.dataset import Dataset
from surveys.instrument import TagGroup

from scoring_builders import ITEMS, fixture_instrument, report_json_of, text

BREAKDOWNS = [(), ("gender",), ("school",), ("class",), ("school", "gender")]

respondent = st.tuples(
    st.sampled_from(["flicka", "pojke", ""]),
    st.sampled_from(["A", "B", "C", ""]),
    st.sampled_from(["9A", "9B", ""]),
    st.integers(0, 8),              # items left unanswered (a score needs 6 of 8)
    st.sampled_from([1.0, 2.0, 4.0, np.nan]),  # use: 1 = never
)


def _instrument(min_n: int):
    return dataclasses.replace(fixture_instrument(min_n=min_n),
                               tag_groups=(TagGroup("class", text("Klass"), within="school"),))


def _members(groups, by: dict) -> np.ndarray:
    out = np.ones(len(next(iter(groups.values()))), dtype=bool)
    for column, label in by.items():
        out &= groups[column] == ("" if label is None else label)
    return out


def _derivable(rows: list[np.ndarray], v: np.ndarray) -> bool:
    if not rows:
        return False
    A = np.array(rows)
    return np.linalg.matrix_rank(np.vstack([A, v])) == np.linalg.matrix_rank(A)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(respondent, min_size=1, max_size=40), min_n=st.sampled_from([3, 5]))
def test_published_report_reveals_no_small_group(rows, min_n) -> None:
    n = len(rows)
    rng = np.random.default_rng(n)
    X = rng.integers(1, 7, (n, len(ITEMS))).astype(float)
    for r, row in enumerate(rows):
        X[r, :row[3]] = np.nan
    use = np.array([row[4] for row in rows])
    groups = {"gender": np.array([r[0] for r in rows]), "school": np.array([r[1] for r in rows]),
              "class": np.array([r[2] for r in rows])}
    data = Dataset([*ITEMS, "use"], np.column_stack([X, use]), groups)
    scored = (~np.isnan(X)).sum(axis=1) >= 6
    answered = ~np.isnan(use)
    hit = answered & (use == 1.0)
    miss = answered & ~hit

    shown_n, small_n = [], []          # scale: who has a score, per cell
    shown_share, small_share = [], []  # share: [in-share | out-of-share] coordinates
    for by in BREAKDOWNS:
        if any(not (groups[c] != "").any() for c in by):
            continue
        report = report_json_of(_instrument(min_n), data, by=by)
        scale = report["scales"]["attityd"]
        share = report["declared_shares"]["never"]
        cells = [({}, scale["overall"]["n"], share)] if not by else []
        for g, s in zip(scale["groups"], share["groups"]):
            assert g["by"] == s["by"]
            cells.append((g["by"], g["n"], s))
        for labels, scale_n, s in cells:
            m = _members(groups, labels)
            vec = (m & scored).astype(float)
            if scale_n is not None:
                assert scale_n == int(vec.sum()) and not 0 < scale_n < min_n
                shown_n.append(vec)
            elif 0 < vec.sum() < min_n:
                small_n.append(vec)
            k_vec = np.concatenate([m & hit, np.zeros(n, bool)]).astype(float)
            rest_vec = np.concatenate([np.zeros(n, bool), m & miss]).astype(float)
            if s["n"] is not None:
                k, of = s["n"], s["of"]
                assert (k, of) == (int(k_vec.sum()), int(k_vec.sum() + rest_vec.sum()))
                # the numerator rule on both sides
                assert not 0 < k < min_n and not 0 < of - k < min_n and not 0 < of < min_n
                shown_share += [k_vec, k_vec + rest_vec]
            else:
                small_share += [v for v in (k_vec, rest_vec, k_vec + rest_vec) if 0 < v.sum() < min_n]
    for v in small_n:
        assert not _derivable(shown_n, v)
    for v in small_share:
        assert not _derivable(shown_share, v)
