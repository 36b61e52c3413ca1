"""Fixtures for the respondent web app: real instruments, a real database
(SQLite and PostgreSQL through ``migrated_url``), the Flask test client."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from respondent_support import SCHOOLS, SECRET, Browser, Surveys, make_app, register


@pytest.fixture
def surveys(migrated_url: str) -> Iterator[Surveys]:
    """Three waves: cannabis with codes (schools as presets), trygghet by open
    link and medborgardialog with codes (both offering Arabic)."""
    from surveys.db import make_engine
    from surveys.store import Store

    engine = make_engine(migrated_url)
    store = Store(engine, secret_key=SECRET.encode())
    sha = register(store, "cannabis-attityd")
    store.create_survey(slug="cannabis-2018", instrument_sha256=sha, label="Cannabis 2018",
                        mode="codes", presets={"school": SCHOOLS}, is_open=True)
    sha = register(store, "trygghet", arabic=True)
    store.create_survey(slug="trygghet-2018", instrument_sha256=sha, label="Trygghet 2018",
                        mode="open", is_open=True)
    sha = register(store, "medborgardialog", arabic=True)
    store.create_survey(slug="medborg-2018", instrument_sha256=sha, label="Medborgardialog 2018",
                        mode="codes", is_open=True)
    result = Surveys(store=store, url=migrated_url)
    result.cannabis_codes = store.issue_codes("cannabis-2018", 6)
    result.tagged_codes = store.issue_codes("cannabis-2018", 5, tags={"school": "Årbyskolan", "grade": "1"})
    result.medborg_codes = store.issue_codes("medborg-2018", 3)
    yield result
    engine.dispose()


@pytest.fixture
def app(surveys: Surveys) -> Iterator[Any]:
    app = make_app(surveys.url)
    yield app
    app.extensions["store"].engine.dispose()


@pytest.fixture
def browser(app: Any) -> Browser:
    return Browser(app)
