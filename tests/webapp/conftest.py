"""Fixtures for the respondent web app: real instruments, a real database
(SQLite and PostgreSQL through ``migrated_url``), the Flask test client."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from surveys.loader import instruments_dir, load_instrument, load_instrument_text

SCHOOLS = ["Rinmanskolan", "Skiftingeskolan", "Årbyskolan"]
SECRET = "web-test-secret"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def instrument_source(name: str, *, arabic: bool = False) -> str:
    text = (instruments_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    if arabic:
        # Listing `ar` among the instrument's languages offers the Arabic
        # interface; its texts fall back to Swedish item by item.
        text, n = re.subn(r"(?m)^languages: \[sv, en\]$", "languages: [sv, en, ar]", text)
        assert n == 1
    return text


def register(store: Any, name: str, *, arabic: bool = False) -> str:
    text = instrument_source(name, arabic=arabic)
    instrument = load_instrument_text(text, f"{name}.yaml")
    return store.register_instrument(instrument, text) or instrument.sha256


@dataclass
class Surveys:
    store: Any
    url: str
    cannabis_codes: list[str] = field(default_factory=list)
    tagged_codes: list[str] = field(default_factory=list)
    medborg_codes: list[str] = field(default_factory=list)


@pytest.fixture
def surveys(migrated_url: str) -> Surveys:
    """Three waves: cannabis with codes, trygghet open link (Arabic offered),
    medborgardialog with codes (Arabic offered)."""
    from surveys.db import make_engine
    from surveys.store import Store

    store = Store(make_engine(migrated_url), secret_key=SECRET.encode())
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
    result.tagged_codes = store.issue_codes("cannabis-2018", 2, tags={"school": "Årbyskolan", "grade": "1"})
    result.medborg_codes = store.issue_codes("medborg-2018", 3)
    yield result
    store_engine = getattr(store, "_engine", None) or getattr(store, "engine", None)
    if store_engine is not None:
        store_engine.dispose()


def make_app(url: str, **extra: Any):
    from webapp import create_app

    config = {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "TESTING": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture
def app(surveys: Surveys):
    app = make_app(surveys.url)
    yield app
    app.extensions["store"]._engine.dispose() if hasattr(app.extensions["store"], "_engine") else None


class Browser:
    """A test client that behaves like a browser without JavaScript: it
    sends the CSRF token of the last page it saw."""

    USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) PrivacyProbe/9.9"

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.html = ""
        self.status = 0
        self.location = ""

    def get(self, path: str, follow: bool = True):
        response = self.client.get(path, headers={"User-Agent": self.USER_AGENT}, follow_redirects=follow)
        self._note(response)
        return response

    def post(self, path: str, data: dict | list | None = None, *, token: bool = True, follow: bool = True, **kwargs: Any):
        from werkzeug.datastructures import MultiDict

        form = MultiDict(data or {})
        if token and "csrf_token" not in form:
            form["csrf_token"] = self.token()
        response = self.client.post(path, data=form, headers={"User-Agent": self.USER_AGENT},
                                    follow_redirects=follow, **kwargs)
        self._note(response)
        return response

    def _note(self, response: Any) -> None:
        self.html = response.get_data(as_text=True)
        self.status = response.status_code
        self.location = response.request.path

    def token(self) -> str:
        match = CSRF_RE.search(self.html)
        assert match, "no CSRF token on the last page"
        return match.group(1)

    def page_id(self) -> str:
        match = re.search(r'id="page-form" action="[^"]*/p/([^"]+)"', self.html)
        return match.group(1) if match else ""


@pytest.fixture
def browser(app: Any) -> Browser:
    return Browser(app)
