"""Fixtures of the scoring tests (builders live in scoring_builders.py)."""
from __future__ import annotations

import json

import pytest
from scoring_builders import DATA, read_respondents


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def respondents():
    return read_respondents()


