"""Fixtures for the analyst workspace and the API: the real instruments, a
real database (SQLite and PostgreSQL through ``migrated_url``), accounts,
waves, and a test client that logs in through the login form."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

SECRET = "analyst-test-secret"
PASSWORD = "correct horse battery"
SCHOOLS = ["Rinmansskolan", "Årbyskolan", "Skiftingeskolan"]


@dataclass
class Env:
    store: Any
    url: str
    app: Any
    users: dict[str, Any] = field(default_factory=dict)


def register(store: Any, instrument_id: str) -> str:
    from surveys.loader import instruments_dir, load_instrument_text

    path = instruments_dir() / f"{instrument_id}.yaml"
    text = path.read_text(encoding="utf-8")
    instrument = load_instrument_text(text, str(path))
    store.register_instrument(instrument, text)
    return instrument.sha256


def answer(store: Any, slug: str, values: dict[str, Any], code: str | None = None) -> None:
    """Answer wave ``slug`` page by page through the Store and submit."""
    handle = store.begin(slug, code=code)
    instrument = store.instrument(store.survey(slug).instrument_sha256)
    for page in instrument.pages:
        ids = {i.id for i in page.items} | {f"{i.id}_other" for i in page.items}
        page_values = {k: v for k, v in values.items() if k in ids}
        store.save_page(handle.id, page.id, page_values)
    assert store.submit(handle.id)


@pytest.fixture
def env(migrated_url: str) -> Iterator[Env]:
    """Three waves (cannabis with codes and schools, trygghet open, medborg
    with codes), an admin, analyst A (granted the cannabis wave) and analyst
    B (granted the trygghet wave)."""
    from surveys import accounts
    from webapp import create_app

    app = create_app({"DATABASE_URL": migrated_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    store = app.extensions["store"]
    sha = register(store, "cannabis-attityd")
    store.create_survey(slug="cannabis-2018", instrument_sha256=sha, label="2018",
                        mode="codes", presets={"school": SCHOOLS}, is_open=True)
    sha = register(store, "trygghet")
    store.create_survey(slug="trygghet-2018", instrument_sha256=sha, label="Trygghet 2018",
                        mode="open", is_open=True)
    sha = register(store, "medborgardialog")
    store.create_survey(slug="medborg-2018", instrument_sha256=sha, label="Medborg 2018",
                        mode="codes", is_open=True)
    e = Env(store=store, url=migrated_url, app=app)
    e.users["admin"] = accounts.create_user(store, "admin@example.se", "admin", PASSWORD)
    e.users["a"] = accounts.create_user(store, "a@example.se", "analyst", PASSWORD)
    e.users["b"] = accounts.create_user(store, "b@example.se", "analyst", PASSWORD)
    accounts.grant_survey(store, e.users["a"].id, "cannabis-2018")
    accounts.grant_survey(store, e.users["b"].id, "trygghet-2018")
    yield e
    store.engine.dispose()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    """The Flask test client plus the CSRF token of the last form page."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post_form(self, page: str, data: dict[str, Any], action: str | None = None,
                  **kw: Any) -> Any:
        """GET ``page``, then POST ``data`` with its CSRF token to ``action``."""
        html = self.client.get(page).get_data(as_text=True)
        return self.client.post(action or page, data={**data, "csrf_token": csrf_token(html)},
                                **kw)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.post_form("/analyst/login", {"email": email, "password": password})


@pytest.fixture
def client(env: Env) -> Client:
    return Client(env.app)


@pytest.fixture
def logged_in(env: Env):
    """A factory: a client logged in as ``admin``, ``a`` or ``b``."""
    def make(who: str) -> Client:
        c = Client(env.app)
        response = c.login(env.users[who].email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c
    return make


def register_changed_cannabis(store: Any) -> str:
    """Register a cannabis version whose `restrictive` scale reverses only two
    items (so it cannot be compared with the shipped one); returns its sha256."""
    from surveys.loader import instruments_dir, load_instrument_text

    text = (instruments_dir() / "cannabis-attityd.yaml").read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^version:.*$", "version: '99'", text, count=1)
    changed = changed.replace("reversed: [att02, att04, att06, att08]", "reversed: [att02, att04]")
    assert changed != text
    inst = load_instrument_text(changed, "changed.yaml")
    store.register_instrument(inst, changed)
    return inst.sha256
