"""The one serialiser of the report model gives exactly the JSON the report
code gave before the model existed (golden files of the seeded demo waves,
``report_golden.py``): every key, in the same order, every value of the
same type, every float to the last bit."""
from __future__ import annotations

import json
from functools import lru_cache

import pytest

from scoring.model_json import report_to_json
from scoring.report import score_report
from report_golden import CASES, GOLDEN, golden_table, inputs


@lru_cache(maxsize=None)
def _scored(case: str):
    """The report of ``case``, scored once for the tests of this module."""
    instrument, dataset, by, compare = inputs(case)
    return score_report(instrument, dataset, by=by, compare=compare)


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
    got = report_to_json(_scored(case))
    _plain_types(got)
    text = (GOLDEN / f"{case}.json").read_text(encoding="utf-8")
    assert got == json.loads(text)
    # the same keys in the same order, and each number written the same way
    assert json.dumps(got, ensure_ascii=False, indent=2, allow_nan=False) + "\n" == text


@pytest.mark.parametrize("case", list(CASES))
def test_score_table_reads_the_model_as_it_read_the_json(case: str) -> None:
    """``score --format table`` renders the report objects to the text it
    rendered from the JSON before the model existed."""
    from surveys.commands.score_table import render_report

    assert render_report(_scored(case), inputs(case)[0]) == golden_table(case)


def test_the_report_is_frozen_and_rendering_leaves_it_unchanged() -> None:
    """The analyst pages share one cached report between requests: no
    renderer may change it."""
    import dataclasses

    from surveys.commands.score_table import render_report
    from surveys.exports.report import report_sheets

    instrument, dataset, by, compare = inputs("cannabis-2018-by-school-vs-2014")
    report = score_report(instrument, dataset, by=by, compare=compare)
    before = json.dumps(report_to_json(report))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.scales["restrictive"].overall.mean = 0.0  # type: ignore[misc]
    render_report(report, instrument)
    report_sheets(report)
    assert json.dumps(report_to_json(report)) == before
