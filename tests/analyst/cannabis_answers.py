"""Seven cannabis respondents with scores worked out by hand.

Each respondent answers the odd attitude items att01, 03, 05, 07 with ``a``
and the even ones att02, 04, 06, 08 (reversed: 7 - x) with ``b``, so the
restrictive score is (a + 7 - b) / 2. Knowledge: the first ``wrong`` of the
eight items get the opposite of the key (Sant <-> Falskt), the rest the key,
so the knowledge score is 8 - wrong.
"""
from __future__ import annotations

from statistics import mean, stdev

KEY = {"know01": 1, "know02": 2, "know03": 1, "know04": 1, "know05": 2, "know06": 1,
       "know07": 2, "know08": 1}
#: (school code, gender, use, a, b, wrong)
PEOPLE = [
    (1, 1, 1, 5, 2, 0),
    (1, 2, 1, 4, 3, 1),
    (1, 1, 1, 6, 1, 2),
    (1, 2, 1, 3, 4, 3),
    (1, 1, 1, 5, 3, 4),
    (1, 2, 3, 2, 2, 5),
    (2, 2, 4, 1, 6, 6),
]
RESTRICTIVE = [(a + 7 - b) / 2 for _s, _g, _u, a, b, _w in PEOPLE]  # 5, 4, 6, 3, 4.5, 3.5, 1
KNOWLEDGE = [8 - w for *_rest, w in PEOPLE]                         # 8 .. 2
RESTRICTIVE_MEAN = 27 / 7
assert abs(mean(RESTRICTIVE) - RESTRICTIVE_MEAN) < 1e-12
RESTRICTIVE_SD = stdev(RESTRICTIVE)
NEVER_PCT = 100 * 5 / 7


def values(person: tuple[int, ...]) -> dict[str, object]:
    school, gender, use, a, b, wrong = person
    out: dict[str, object] = {"school": school, "grade": 1, "gender": gender, "use": use,
                              "would_try": 2}
    for k in range(1, 9):
        out[f"att{k:02d}"] = a if k % 2 else b
    for k, (item, key) in enumerate(KEY.items()):
        out[item] = (3 - key) if k < wrong else key
    return out


def answer_all(store, issue) -> list[str]:
    """Answer every person with a fresh code; returns the codes used."""
    from .conftest import answer

    codes = issue(len(PEOPLE))
    for code, person in zip(codes, PEOPLE):
        answer(store, "cannabis-2018", values(person), code=code)
    return codes
