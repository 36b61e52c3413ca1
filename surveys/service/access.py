"""Which waves a user may see, and the one lookup of a wave by address used
by the analyst pages and the API alike."""
from __future__ import annotations

from typing import Any

from surveys import accounts
from surveys.store import SurveyInfo, UnknownSurvey


def visible_surveys(store: Any, user: Any) -> list[SurveyInfo]:
    """The surveys ``user`` (a :class:`surveys.accounts.UserInfo`) may see,
    newest first (all for an admin)."""
    every = store.surveys()
    if user.is_admin:
        return every
    granted = set(accounts.granted_slugs(store, user.id))
    return [s for s in every if s.slug in granted]


def visible_wave(store: Any, user: Any, slug: str) -> SurveyInfo:
    """Wave ``slug`` if it exists and ``user`` may see it; raises
    :class:`UnknownSurvey` otherwise, the same for both cases (a user learns
    nothing about waves not granted to them)."""
    try:
        survey = store.survey(slug)
    except UnknownSurvey:
        raise UnknownSurvey(f"no survey '{slug}'") from None
    if not accounts.can_see(store, user, slug):
        raise UnknownSurvey(f"no survey '{slug}'")
    return survey
