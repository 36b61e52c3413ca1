"""Per-request survey context: the survey, its instrument, the respondent's
response (held in the signed session cookie) and the open-link resume cookie.

Shared classroom and library computers: a browser forgets the response it is
answering after ``RESPONDENT_IDLE_MINUTES`` without a request, the open-link
resume cookie is a browser-session cookie with the same idle expiry (unless
``RESUME_COOKIE_DAYS`` asks for a lasting one), and "Leave and forget this
device" (:func:`forget_device`) drops all of it at once.
"""
from __future__ import annotations

import time
from typing import Any

from flask import current_app, g, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp import store

RESUME_COOKIE_PREFIX = "se_resume_"
#: The "last seen" stamp of an active response is rewritten (a new session
#: cookie) only when it is older than this, not on every request.
SEEN_REFRESH_SECONDS = 300
#: How long the browser remembers that it submitted a survey: long enough for
#: a second click on "Submit" to land on the thank-you page, no longer.
SUBMITTED_MEMORY_SECONDS = 600
#: Session keys that survive "Leave and forget this device": the language and
#: the wrong-code limit's key (neither says anything about answers).
KEPT_ON_FORGET = ("lang", "limit_key")


def attr(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute (or key) of ``obj`` among ``names``."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def instrument_for(sha256: str) -> Any:
    """The instrument of a survey, parsed once per process."""
    cache = current_app.extensions.setdefault("instrument_cache", {})
    if sha256 not in cache:
        cache[sha256] = store().instrument(sha256)
    return cache[sha256]


def fresh_survey(slug: str) -> Any:
    """The survey as it is in the database now (raises ``UnknownSurvey``);
    also refreshes this process's copy used by :func:`cached_survey`."""
    survey = store().survey(slug)
    current_app.extensions.setdefault("survey_cache", {})[slug] = survey
    return survey


def cached_survey(slug: str) -> Any:
    """This process's copy of the survey, read once. Only for what never
    changes after a survey is created (id, mode, instrument, languages):
    requests that answer read the survey again together with their response
    row (``Store.response_state``), so a close is seen at once."""
    survey = current_app.extensions.setdefault("survey_cache", {}).get(slug)
    return survey if survey is not None else fresh_survey(slug)


# -- the response in the session ---------------------------------------
def _now() -> int:
    return int(time.time())


def idle_seconds() -> int:
    """How long a browser keeps a response without a request."""
    return int(current_app.config["RESPONDENT_IDLE_MINUTES"]) * 60


def active_response() -> str | None:
    """The response id this browser is answering for ``g.slug``; None when
    there is none or it has been idle too long (then it is forgotten: with a
    code the respondent enters it again and goes on where they were)."""
    response_id = (session.get("responses") or {}).get(g.slug)
    if response_id is None:
        return None
    seen = (session.get("seen") or {}).get(g.slug)
    now = _now()
    if seen is not None and now - seen > idle_seconds():
        forget_response(submitted=False)
        return None
    if seen is None or now - seen >= SEEN_REFRESH_SECONDS:
        _stamp(now)
    return response_id


def _stamp(now: int) -> None:
    seen = dict(session.get("seen") or {})
    seen[g.slug] = now
    session["seen"] = seen


def remember_response(response_id: str) -> None:
    responses = dict(session.get("responses") or {})
    responses[g.slug] = response_id
    session["responses"] = responses
    _stamp(_now())
    done = _submitted()
    done.pop(g.slug, None)
    session["done"] = done


def forget_response(submitted: bool) -> None:
    responses = dict(session.get("responses") or {})
    responses.pop(g.slug, None)
    session["responses"] = responses
    seen = dict(session.get("seen") or {})
    seen.pop(g.slug, None)
    session["seen"] = seen
    done = _submitted()
    if submitted:
        done[g.slug] = _now()
    session["done"] = done


def _submitted() -> dict[str, int]:
    """Surveys this browser submitted in the last few minutes (slug -> time)."""
    done = session.get("done") or {}
    if not isinstance(done, dict):  # a list, as sessions before idle expiry held it
        done = {}
    cutoff = _now() - SUBMITTED_MEMORY_SECONDS
    return {slug: at for slug, at in done.items() if at >= cutoff}


def has_submitted() -> bool:
    return g.slug in _submitted()


def forget_device() -> None:
    """Drop everything this browser's session holds about answering (every
    survey's response, resume and submitted marks); the language stays."""
    kept = {key: session[key] for key in KEPT_ON_FORGET if key in session}
    session.clear()
    session.update(kept)


# -- the open-link resume cookie ---------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="survey-engine/resume")


def resume_cookie_name() -> str:
    return RESUME_COOKIE_PREFIX + g.slug


def _resume_max_age() -> int:
    days = int(current_app.config.get("RESUME_COOKIE_DAYS") or 0)
    return days * 24 * 3600 if days > 0 else idle_seconds()


def read_resume_token() -> str | None:
    """The resume token from this browser's signed cookie (None if absent,
    forged, or idle longer than allowed)."""
    raw = request.cookies.get(resume_cookie_name())
    if not raw:
        return None
    try:
        token = _serializer().loads(raw, max_age=_resume_max_age())
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def set_resume_cookie(response: Any, token: str) -> None:
    """Set (or refresh: the signature carries the time) the resume cookie.
    A browser-session cookie unless ``RESUME_COOKIE_DAYS`` is set."""
    days = int(current_app.config.get("RESUME_COOKIE_DAYS") or 0)
    response.set_cookie(
        resume_cookie_name(),
        _serializer().dumps(token),
        max_age=days * 24 * 3600 if days > 0 else None,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        path=request.script_root + f"/s/{g.slug}/",
    )


def clear_resume_cookie(response: Any) -> None:
    response.delete_cookie(resume_cookie_name(), path=request.script_root + f"/s/{g.slug}/")
