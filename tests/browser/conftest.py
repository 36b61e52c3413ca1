"""Fixtures for the real-browser tests: a live server running the real app and
Debian's system Chromium driven through chromedriver.

* ``live_server`` (session): ``webapp.create_app`` served by werkzeug's
  threaded WSGI server on 127.0.0.1 and a free port, on a fresh SQLite
  database migrated to head. Its ``store`` is the app's own ``Store``, used to
  seed surveys and codes and to read back what a respondent saved.
* ``survey_factory``: creates a survey with a unique slug for one test, so
  counts of stored responses belong to that test alone.
* ``driver`` (module): one headless Chromium per test module at 360 x 740
  (phone metrics), cookies cleared before each test by ``browser``.
* ``new_driver``: a factory for extra browsers (closing the browser and coming
  back later), each with its own fresh profile; all are quit at teardown.
* ``keyboard``: helpers that move focus and answer with keys only.

Without Chromium the tests are skipped, except with ``CI=true`` where they
fail: ``make test`` installs it through ``scripts/install-browser.sh``.
"""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

# Debian's packages (scripts/install-browser.sh); overridable for other set-ups.
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
VIEWPORT = (360, 740)
# Without these the headless browser tries to reach the network (updates,
# sync, field trials) and stalls on a machine without one.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-default-apps",
    "--lang=sv-SE",
)


def _browser_available() -> None:
    """Skip (locally) or fail (CI) when the system browser is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) and os.access(p, os.X_OK))]
    if not missing:
        return
    message = f"{', '.join(missing)} missing: run scripts/install-browser.sh (make test does)"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- server


@dataclass
class LiveServer:
    """The real app on a real socket."""

    url: str
    app: object
    store: object
    database_url: str

    def page(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``webapp.create_app`` on 127.0.0.1:<free port> over a fresh, migrated SQLite file."""
    from werkzeug.serving import make_server

    from surveys import db
    from webapp import create_app

    instance = tmp_path_factory.mktemp("live-instance")
    database_url = f"sqlite:///{instance / 'browser.sqlite3'}"
    db.upgrade(database_url, "head")
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "browser-tests-secret-key-0123456789abcdef",
            "TESTING": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            # The whole suite enters codes from 127.0.0.1; the limit itself is
            # tested with the test client (tests/webapp).
            "CODE_RATE_LIMIT": "1000 per minute",
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{server.port}",
            app=app,
            store=app.extensions["store"],
            database_url=database_url,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def instruments() -> dict:
    """The three instruments as loaded from instruments/*.yaml."""
    from surveys.loader import load_all

    return load_all()


_slugs = itertools.count(1)


@pytest.fixture(scope="session")
def survey_factory(live_server: LiveServer, instruments: dict) -> Callable[..., str]:
    """``make(instrument_id, mode="codes"|"open", presets=None, arabic=False) -> slug``
    of a new, open survey with a unique slug.

    ``arabic`` registers the instrument with ``ar`` added to its languages,
    which offers the Arabic right-to-left interface (item texts without an
    Arabic version fall back to Swedish)."""
    import re

    from surveys.loader import load_instrument_text

    store = live_server.store
    registered: dict[tuple[str, bool], str] = {}

    def register(instrument_id: str, arabic: bool) -> str:
        key = (instrument_id, arabic)
        if key not in registered:
            source = Path(instruments[instrument_id].path).read_text(encoding="utf-8")
            if arabic and not re.search(r"(?m)^languages: \[.*\bar\b.*\]$", source):
                source, n = re.subn(r"(?m)^languages: \[(.*)\]$", r"languages: [\1, ar]", source)
                assert n == 1, "instrument has no one-line languages list"
            instrument = load_instrument_text(source, f"{instrument_id}.yaml")
            store.register_instrument(instrument, source)
            registered[key] = instrument.sha256
        return registered[key]

    def make(instrument_id: str, mode: str = "codes", presets: dict | None = None, arabic: bool = False) -> str:
        sha256 = register(instrument_id, arabic)
        slug = f"{instrument_id}-{next(_slugs)}"
        store.create_survey(slug=slug, instrument_sha256=sha256, label=f"Browser test {slug}",
                            mode=mode, presets=presets or {})
        store.set_open(slug, True)
        return slug

    return make


# --------------------------------------------------------------------------- browser


def _make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # A phone: 360 CSS px wide layout viewport, 740 high, touch, honouring
    # <meta name="viewport"> (a page without it would lay out at 980 px).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 2, "mobile": True},
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    driver._profile_dir = profile  # removed at quit by _quit
    return driver


def _quit(driver) -> None:
    try:
        driver.quit()
    finally:
        shutil.rmtree(getattr(driver, "_profile_dir", ""), ignore_errors=True)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    """One headless Chromium for the whole module (starting one costs ~1 s)."""
    _browser_available()
    drv = _make_driver()
    try:
        yield drv
    finally:
        _quit(drv)


@pytest.fixture
def browser(driver, live_server: LiveServer):
    """The module's browser with no cookies left from an earlier test."""
    driver.get(live_server.url + "/")
    driver.delete_all_cookies()
    return driver


@pytest.fixture
def new_driver() -> Iterator[Callable[[], object]]:
    """Factory of extra browsers with their own fresh profile; quit at teardown."""
    _browser_available()
    made: list = []

    def make():
        drv = _make_driver()
        made.append(drv)
        return drv

    yield make
    for drv in made:
        process = getattr(drv.service, "process", None)
        if process is not None and process.poll() is None:
            _quit(drv)
        else:  # the test closed this browser itself
            shutil.rmtree(getattr(drv, "_profile_dir", ""), ignore_errors=True)


# --------------------------------------------------------------------------- keyboard

_ACTIVE = """
const e = document.activeElement;
if (!e || e === document.body) return null;
return {tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(), name: e.name || '',
        value: e.value || '', id: e.id || '', checked: !!e.checked,
        form: e.form ? (e.form.getAttribute('action') || '') : '',
        text: (e.innerText || e.value || '').trim()};
"""


class Keyboard:
    """Answers a page with keys only: Tab / Shift+Tab move focus, Space and
    the arrow keys choose, typing fills fields, Enter activates buttons.

    JavaScript is used only to *read* where the focus is and what is chosen,
    never to change anything on the page.
    """

    #: Tab presses allowed to reach a control (a long page has ~40 stops).
    MAX_TABS = 250

    def __init__(self, driver) -> None:
        self.driver = driver

    def press(self, *keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def active(self) -> dict | None:
        return self.driver.execute_script(_ACTIVE)

    def tab_to(self, matches: Callable[[dict], bool], what: str) -> dict:
        """Press Tab until the focused element satisfies ``matches``."""
        from selenium.webdriver.common.keys import Keys

        seen_none = 0
        for _ in range(self.MAX_TABS):
            current = self.active()
            if current and matches(current):
                return current
            if current is None:
                seen_none += 1
                if seen_none > 3:
                    break
            self.press(Keys.TAB)
        raise AssertionError(f"Tab never reached {what} (focus on {self.active()})")

    def choose_radio(self, name: str, value: str | int) -> None:
        """Tab into the radio group ``name`` and move with the arrow keys to
        ``value`` (arrow keys select in a radio group)."""
        from selenium.webdriver.common.keys import Keys

        value = str(value)
        current = self.tab_to(lambda e: e["type"] == "radio" and e["name"] == name, f"radio group {name}")
        if not current["checked"]:
            self.press(Keys.SPACE)
        count = self.driver.execute_script(
            "return document.querySelectorAll('input[type=radio][name=\"' + arguments[0] + '\"]').length", name)
        for _ in range(count + 1):
            current = self.active()
            if current["value"] == value and current["checked"]:
                return
            self.press(Keys.ARROW_DOWN)
        raise AssertionError(f"arrow keys never reached {name}={value} (focus on {current})")

    def check_box(self, name: str, value: str | int, on: bool = True) -> None:
        """Tab to the checkbox ``name``/``value`` and toggle it with Space."""
        from selenium.webdriver.common.keys import Keys

        value = str(value)
        current = self.tab_to(lambda e: e["type"] == "checkbox" and e["name"] == name and e["value"] == value,
                              f"checkbox {name}={value}")
        if current["checked"] != on:
            self.press(Keys.SPACE)
        assert self.active()["checked"] == on

    def type_into(self, name: str, text: str) -> None:
        """Tab to the text/number field ``name``, clear it and type ``text``."""
        from selenium.webdriver.common.keys import Keys

        from selenium.webdriver.common.action_chains import ActionChains

        self.tab_to(lambda e: e["name"] == name and e["tag"] in ("input", "textarea"), f"field {name}")
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
        self.press(Keys.DELETE, text)

    def select(self, name: str, value: str | int) -> None:
        """Tab to the <select> ``name`` and move with the arrow keys to ``value``."""
        from selenium.webdriver.common.keys import Keys

        value = str(value)
        self.tab_to(lambda e: e["tag"] == "select" and e["name"] == name, f"select {name}")
        for key in (Keys.HOME, *[Keys.ARROW_DOWN] * 60):
            if self.active()["value"] == value:
                return
            self.press(key)
        raise AssertionError(f"select {name} never reached {value}")

    def activate(self, matches: Callable[[dict], bool], what: str) -> None:
        """Tab to a button or link and press Enter."""
        from selenium.webdriver.common.keys import Keys

        self.tab_to(matches, what)
        self.press(Keys.ENTER)


@pytest.fixture
def keyboard(browser) -> Keyboard:
    """Keyboard helpers bound to the module's browser."""
    return Keyboard(browser)


# --------------------------------------------------------------------------- respondent

_PAGE_FIELDS = """
const form = document.getElementById('page-form');
if (!form) return null;
const out = [];
const seen = {};
for (const e of form.elements) {
  if (!e.name || ['csrf_token', 'action', 'switch_lang'].includes(e.name)) continue;
  const type = e.tagName === 'TEXTAREA' ? 'textarea' : (e.type || '').toLowerCase();
  if (!(e.name in seen)) {
    seen[e.name] = {name: e.name, type: type, values: [], checked: [], value: '',
                    numeric: e.getAttribute('inputmode') === 'numeric'};
    out.push(seen[e.name]);
  }
  const f = seen[e.name];
  if (type === 'radio' || type === 'checkbox') {
    f.values.push(e.value);
    if (e.checked) f.checked.push(e.value);
  } else {
    f.value = e.value;
  }
}
return out;
"""

# Elements a finger must hit; each must be at least 44 x 44 CSS px. Inline
# links in running text are exempt (WCAG 2.5.8), the skip link is off screen.
_LAYOUT = """
const de = document.documentElement;
const problems = [];
if (de.scrollWidth > de.clientWidth)
  problems.push('horizontal scrolling: scrollWidth ' + de.scrollWidth + ' > clientWidth ' + de.clientWidth);
if (de.clientWidth !== arguments[0])
  problems.push('layout viewport ' + de.clientWidth + ' px, not ' + arguments[0] + ' (viewport meta?)');
const targets = document.querySelectorAll(
  'input[type=radio] + label, input[type=checkbox] + label, button, ' +
  'input[type=text], input[type=number], input:not([type]), textarea, select, ' +
  'nav a, .review-section a, .error-summary a, a.button-link');
for (const e of targets) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;  // not rendered
  if (e.closest('.visually-hidden')) continue;
  if (r.height < 44 || r.width < 44)
    problems.push(e.tagName.toLowerCase() + (e.htmlFor ? '[for=' + e.htmlFor + ']' : '') +
                  ' "' + (e.innerText || e.value || e.name || '').trim().slice(0, 30) + '" is ' +
                  Math.round(r.width) + ' x ' + Math.round(r.height) + ' px');
}
return problems;
"""


class Respondent:
    """A respondent answering in the browser with the keyboard alone."""

    def __init__(self, driver, base_url: str) -> None:
        self.driver = driver
        self.base = base_url
        self.keys = Keyboard(driver)
        #: (path, problem) for every page seen: horizontal scroll, small targets.
        self.layout_problems: list[tuple[str, str]] = []

    # -- where we are
    @property
    def path(self) -> str:
        from urllib.parse import urlparse

        return urlparse(self.driver.current_url).path

    def page_id(self) -> str | None:
        return self.path.rsplit("/p/", 1)[1] if "/p/" in self.path else None

    def text(self) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, "main").text

    def fields(self) -> list[dict]:
        return self.driver.execute_script(_PAGE_FIELDS) or []

    def check_layout(self) -> None:
        for problem in self.driver.execute_script(_LAYOUT, VIEWPORT[0]):
            self.layout_problems.append((self.path, problem))

    def _wait_for_load(self) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.check_layout()

    def _submit_with(self, matches: Callable[[dict], bool], what: str) -> None:
        """Tab to a button, press Enter and wait for the next document."""
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.__stale__ = true")  # gone once a new page loads
        self.keys.activate(matches, what)
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return window.__stale__ !== true"))
        self._wait_for_load()

    # -- steps
    def open(self, slug: str, lang: str | None = None) -> None:
        self.driver.get(f"{self.base}/s/{slug}/" + (f"?lang={lang}" if lang else ""))
        self._wait_for_load()

    def enter_code(self, code: str) -> None:
        """Type the code and press Enter in the field (submits the form)."""
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait

        self.keys.type_into("code", code)
        self.driver.execute_script("window.__stale__ = true")
        self.keys.press(Keys.ENTER)
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return window.__stale__ !== true"))
        self._wait_for_load()

    def start(self) -> None:
        """Open-link mode: the start button."""
        self._submit_with(lambda e: e["tag"] == "button" and e["form"].endswith("/start"), "the start button")

    def next(self) -> None:
        self._submit_with(lambda e: e["name"] == "action" and e["value"] == "next", "the Next button")

    def back(self) -> None:
        self._submit_with(lambda e: e["name"] == "action" and e["value"] == "back", "the Back button")

    def submit(self) -> None:
        self._submit_with(lambda e: e["tag"] == "button" and e["form"].endswith("/submit"), "the submit button")

    def answer(self, plan: Callable[[dict], object]) -> dict[str, object]:
        """Answer every field on the page as ``plan(field)`` says (a value, a
        list for checkboxes, or None to leave it), by keyboard; returns what
        the page then holds, read back from the DOM."""
        for f in self.fields():
            want = plan(f)
            if want is None:
                continue
            if f["type"] == "radio":
                self.keys.choose_radio(f["name"], want)
            elif f["type"] == "checkbox":
                for value in f["values"]:
                    on = value in {str(w) for w in want}
                    if on != (value in f["checked"]):
                        self.keys.check_box(f["name"], value, on)
            elif f["value"] != str(want):
                self.keys.type_into(f["name"], str(want))
        return {f["name"]: self.value_of(f) for f in self.fields()}

    @staticmethod
    def value_of(f: dict) -> object:
        """A DOM field's value as the store holds it (None = unanswered)."""
        if f["type"] == "radio":
            return int(f["checked"][0]) if f["checked"] else None
        if f["type"] == "checkbox":
            return [int(v) for v in f["checked"]] or None
        if not f["value"].strip():
            return None
        return int(f["value"]) if f["numeric"] else f["value"].strip()

    def complete(self, plan: Callable[[dict], object], max_steps: int = 40) -> dict[str, object]:
        """From the current question page, answer page after page, check the
        answers, submit; stops on the thank-you page. Returns every answer
        given (item id -> value as stored)."""
        given: dict[str, object] = {}
        for _ in range(max_steps):
            if self.page_id():
                given.update(self.answer(plan))
                self.next()
            elif self.path.endswith("/review"):
                self.submit()
            elif self.path.endswith("/thanks"):
                return {k: v for k, v in given.items() if v is not None}
            else:
                raise AssertionError(f"unexpected page {self.path}: {self.text()[:300]}")
        raise AssertionError(f"not finished after {max_steps} steps (at {self.path})")


@pytest.fixture
def respondent(browser, live_server: LiveServer) -> Respondent:
    """A keyboard-only respondent in the module's browser."""
    return Respondent(browser, live_server.url)


@pytest.fixture
def new_respondent(new_driver, live_server: LiveServer) -> Callable[[], Respondent]:
    """Factory: a respondent in a new browser of their own (quit at teardown)."""
    return lambda: Respondent(new_driver(), live_server.url)


@pytest.fixture(scope="session")
def respondent_for(live_server: LiveServer) -> Callable[[object], Respondent]:
    """``respondent_for(driver)``: a keyboard-only respondent in that browser
    (for module-scoped fixtures that cannot use ``respondent``)."""
    return lambda driver: Respondent(driver, live_server.url)
