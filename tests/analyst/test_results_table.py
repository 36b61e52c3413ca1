"""The scale table of the results page: per group alpha and the Holm-adjusted
p value against the rest, on the R reference respondents (tests/data/scoring)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS / "scoring"))

from scoring_builders import fixture_dataset, fixture_instrument  # noqa: E402

EXPECTED = json.loads((TESTS / "data" / "scoring" / "expected.json").read_text())


@pytest.fixture
def app(tmp_path):
    from webapp import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "t",
                       "TESTING": True, "RATELIMIT_STORAGE_URI": "memory://"})


def test_group_rows_show_alpha_and_holm_p_against_the_rest(app) -> None:
    from scoring.report import score_report
    from surveys.formatting import Formatter
    from webapp.analyst.results import scale_sections

    report = score_report(fixture_instrument(), fixture_dataset(), by=("school",))
    with app.test_request_context("/analyst/?lang=en"):
        (section,) = scale_sections(report, "en")
        column = section.header.index("p vs the rest (Holm)")
        alpha = section.header.index("alpha")
        rows = {row[0]: row for row in section.rows}
    for school, p in EXPECTED["school_vs_rest_holm_p"].items():   # R's p.adjust(method = "holm")
        row = rows[school]
        assert row[column] == Formatter("en").p(p)
        assert row[alpha] not in ("", None)
    assert rows["All"][alpha] == f"{EXPECTED['overall']['alpha']:.2f}"
