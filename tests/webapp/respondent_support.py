"""Helpers for the respondent web app tests: real instruments registered in
a real store, a test client that behaves like a browser without JavaScript."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


from surveys.loader import instruments_dir, load_instrument_text

SCHOOLS = ["Rinmanskolan", "Skiftingeskolan", "Årbyskolan"]
SECRET = "web-test-secret"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def instrument_source(name: str, *, arabic: bool = False) -> str:
    text = (instruments_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    if arabic and not re.search(r"(?m)^languages: \[.*\bar\b.*\]$", text):
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


class Browser:
    """A test client that behaves like a browser without JavaScript: it
    sends the CSRF token of the last page it saw."""

    USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) PrivacyProbe/9.9"

    def __init__(self, app: Any, remote_addr: str = "127.0.0.1") -> None:
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = remote_addr
        self.html = ""
        self.status = 0
        self.location = ""
        self._token = ""

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
        match = CSRF_RE.search(self.html)
        if match:  # like a tab kept open: the last token seen stays usable
            self._token = match.group(1)

    def token(self) -> str:
        assert self._token, "no page with a CSRF token seen yet"
        return self._token

    def page_id(self) -> str:
        match = re.search(r'id="page-form" action="[^"]*/p/([^"]+)"', self.html)
        return match.group(1) if match else ""


def first_answers(instrument: Any, page_id: str, presets: dict | None = None, skip: set[str] = frozenset(), **overrides: Any) -> dict[str, Any]:
    """A valid answer for every item of a page (first option, lowest number)
    ignoring conditions; ``overrides`` replace single values; ``skip`` leaves
    items out (e.g. those hidden by a condition)."""
    page = next(p for p in instrument.pages if p.id == page_id)
    data: dict[str, Any] = {}
    for item in page.items:
        if item.id in skip or item.show_if is not None:
            continue
        if item.kind == "single":
            scale = instrument.response_scale(item)
            data[item.id] = str(scale.options[0].code) if scale else "1"
        elif item.kind == "multi":
            data[item.id] = str(instrument.response_scale(item).options[0].code)
        elif item.kind == "number":
            data[item.id] = str(item.min or 0)
        else:
            data[item.id] = "svar"
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def instrument_of(surveys: Surveys, slug: str) -> Any:
    return surveys.store.instrument(surveys.store.survey(slug).instrument_sha256)
