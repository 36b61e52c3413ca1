"""The one serialiser of the report model gives exactly the JSON the report
code gave before the model existed (golden files of the seeded demo waves,
``report_golden.py``): every key, in the same order, every value of the
same type, every float to the last bit."""
from __future__ import annotations

import json

import pytest

from scoring.model_json import report_to_json
from scoring.report import score_report
from report_golden import CASES, GOLDEN, inputs


def _plain_types(value, path="$"):
    """Every leaf is a plain JSON type (no numpy scalars, tuples or enums)."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert type(k) is str, f"{path}: key {k!r}"
            _plain_types(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _plain_types(v, f"{path}[{i}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), f"{path}: {type(value).__name__}"


@pytest.mark.parametrize("case", list(CASES))
def test_serialised_report_equals_the_golden_json(case: str) -> None:
    instrument, dataset, by, compare = inputs(case)
    got = report_to_json(score_report(instrument, dataset, by=by, compare=compare))
    _plain_types(got)
    text = (GOLDEN / f"{case}.json").read_text(encoding="utf-8")
    assert got == json.loads(text)
    # the same keys in the same order, and each number written the same way
    assert json.dumps(got, ensure_ascii=False, indent=2, allow_nan=False) + "\n" == text
