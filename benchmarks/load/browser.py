"""An HTTP client that sends what a browser sends, and a respondent who
completes a survey with it.

:class:`BrowserSession` keeps cookies (``requests``) and, like Chromium under
the pages' ``Referrer-Policy: same-origin``, sends with every form POST an
``Origin`` header and the full URL of the page the form was on as
``Referer`` (only when that page has the same origin; the policy sends no
Referer across origins). Over HTTPS, Flask-WTF refuses a POST without a
same-origin Referer, so this is what the production test must imitate.

:func:`complete_survey` is one respondent: code, every page, submit. With
``patience`` > 0 a failure (a 5xx, a refused connection, a timeout) is met
the way a person meets it: wait a moment, reload the page they were on (or
send the form again) and go on, until ``patience`` seconds have passed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from benchmarks.load.forms import forward_button, fill, parse_forms

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) SurveyEngineLoad/1.0"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class BrowserSession(requests.Session):
    """``requests.Session`` + Origin/Referer on POST as a browser sends them."""

    def __init__(self, verify: str | bool = True) -> None:
        super().__init__()
        # Loopback only: no proxies, netrc or CA bundle from the environment
        # (REQUESTS_CA_BUNDLE would override ``verify``).
        self.trust_env = False
        self.verify = verify
        self.headers["User-Agent"] = USER_AGENT
        self.page_url: str | None = None  # the page on screen

    def open(self, url: str, timeout: float = 30) -> requests.Response:
        """GET ``url`` and follow redirects, as typing or clicking a link does."""
        r = self.get(url, timeout=timeout, allow_redirects=True)
        self.page_url = r.url
        return r

    def submit(self, url: str, data: Any, timeout: float = 30, follow: bool = True) -> requests.Response:
        """POST a form of the page on screen to ``url``."""
        headers = {"Origin": origin_of(url)}
        if self.page_url and origin_of(self.page_url) == origin_of(url):
            headers["Referer"] = self.page_url
        r = self.post(url, data=data, headers=headers, timeout=timeout, allow_redirects=False)
        if follow and r.is_redirect:
            r = self.open(urljoin(url, r.headers["Location"]), timeout=timeout)
        elif follow:
            self.page_url = url
        return r


class Failure(Exception):
    """A respondent could not go on."""


@dataclass
class Outcome:
    """What one respondent did and saw."""

    saves_acknowledged: int = 0  # page POSTs answered with the redirect
    pages_acknowledged: set[str] = field(default_factory=set)  # their page ids
    submitted: bool = False  # the thank-you page was shown
    requests: int = 0
    errors_5xx: int = 0
    connection_errors: int = 0
    longest_stall: float = 0.0  # seconds from a failure to going on again
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> ms
    failure: str | None = None


def complete_survey(base: str, slug: str, code: str, seed: int, *, verify: str | bool = True,
                    think: float = 0.0, patience: float = 0.0, pause: float = 1.0,
                    think_range: tuple[float, float] | None = None) -> Outcome:
    """One respondent through nginx: welcome page, code, pages, review, submit.

    ``think``: seconds spent on each page before sending it (``think_range``:
    uniform between two values instead). ``patience``: seconds a person keeps
    retrying after a failure (0: the first failure ends the attempt);
    ``pause``: seconds between two tries."""
    import random

    rng = random.Random(seed)
    session = BrowserSession(verify)
    outcome = Outcome()

    def timed(kind: str, call, *args, **kwargs) -> requests.Response:
        """One action; retried like a person would while patience lasts."""
        first_failure: float | None = None
        while True:
            outcome.requests += 1
            started = time.perf_counter()
            try:
                r = call(*args, **kwargs)
                if r.status_code < 500:
                    outcome.latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                    if first_failure is not None:
                        outcome.longest_stall = max(outcome.longest_stall, time.monotonic() - first_failure)
                    return r
                outcome.errors_5xx += 1
                problem = f"{kind}: HTTP {r.status_code}"
            except requests.RequestException as error:
                outcome.connection_errors += 1
                problem = f"{kind}: {type(error).__name__}"
            now = time.monotonic()
            first_failure = first_failure if first_failure is not None else now
            if now - first_failure >= patience:
                raise Failure(problem)
            time.sleep(pause)

    def wait_on_page() -> None:
        seconds = rng.uniform(*think_range) if think_range else think
        if seconds:
            time.sleep(seconds)

    try:
        url = f"{base}/s/{slug}/"
        r = timed("welcome", session.open, url)
        forms = [f for f in parse_forms(r.text) if "code" in f.texts]
        if not forms:
            raise Failure(f"no code form on {r.url} (HTTP {r.status_code})")
        data = list(forms[0].hidden.items()) + [("code", code)]
        target = urljoin(r.url, forms[0].action or r.url)
        r = timed("code", session.submit, target, data, follow=False)
        if not r.is_redirect:
            raise Failure(f"code not accepted (HTTP {r.status_code})")
        r = timed("page_view", session.open, urljoin(target, r.headers["Location"]))
        for _ in range(80):
            page_forms = [f for f in parse_forms(r.text) if f.method == "post" and forward_button(f)]
            if not page_forms:
                break
            form = page_forms[-1]
            data = fill(form, seed)
            name, value = forward_button(form)
            if name:
                data.append((name, value))
            target = urljoin(r.url, form.action) if form.action else r.url
            wait_on_page()
            kind = "page_save" if "/p/" in target else "submit"
            r = timed(kind, session.submit, target, data, follow=False)
            if not r.is_redirect:
                raise Failure(f"{kind} at {target} not accepted: HTTP {r.status_code}")
            location = urljoin(target, r.headers["Location"])
            if kind == "page_save":
                outcome.saves_acknowledged += 1
                outcome.pages_acknowledged.add(target.split("/p/", 1)[1].split("?")[0].split("#")[0])
            r = timed("page_view", session.open, location)
            if location.rstrip("/").endswith("/thanks"):
                outcome.submitted = True
                break
        else:
            raise Failure("more than 80 pages: the survey never ended")
        if not outcome.submitted:
            raise Failure(f"ended on {r.url} without the thank-you page")
    except Failure as failure:
        outcome.failure = str(failure)
    return outcome
