"""Per-request survey context: the survey, its instrument, the respondent's
response (held in the signed session cookie) and the open-link resume cookie."""
from __future__ import annotations

from typing import Any

from flask import current_app, g, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp import store

#: Open-link respondents keep their resume token this long (seconds).
RESUME_COOKIE_AGE = 30 * 24 * 3600
RESUME_COOKIE_PREFIX = "se_resume_"


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
def active_response() -> str | None:
    """The response id this browser is answering for ``g.slug``."""
    return (session.get("responses") or {}).get(g.slug)


def remember_response(response_id: str) -> None:
    responses = dict(session.get("responses") or {})
    responses[g.slug] = response_id
    session["responses"] = responses
    done = [s for s in session.get("done", []) if s != g.slug]
    session["done"] = done


def forget_response(submitted: bool) -> None:
    responses = dict(session.get("responses") or {})
    responses.pop(g.slug, None)
    session["responses"] = responses
    if submitted:
        session["done"] = sorted(set(session.get("done", [])) | {g.slug})


def has_submitted() -> bool:
    return g.slug in session.get("done", [])


# -- the open-link resume cookie ---------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="survey-engine/resume")


def resume_cookie_name() -> str:
    return RESUME_COOKIE_PREFIX + g.slug


def read_resume_token() -> str | None:
    """The resume token from this browser's signed cookie (None if absent or forged)."""
    raw = request.cookies.get(resume_cookie_name())
    if not raw:
        return None
    try:
        token = _serializer().loads(raw, max_age=RESUME_COOKIE_AGE)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def set_resume_cookie(response: Any, token: str) -> None:
    response.set_cookie(
        resume_cookie_name(),
        _serializer().dumps(token),
        max_age=RESUME_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        path=request.script_root + f"/s/{g.slug}/",
    )


def clear_resume_cookie(response: Any) -> None:
    response.delete_cookie(resume_cookie_name(), path=request.script_root + f"/s/{g.slug}/")
