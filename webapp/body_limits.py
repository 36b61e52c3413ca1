"""Request body limits per view, applied before anything reads the body.

The app-wide ``MAX_CONTENT_LENGTH`` (64 KiB) suits answers and forms. A view
that takes more (the CSV import) declares its own limit with
:func:`body_limit`. The limit is looked up by :class:`Request` from the
matched URL rule, which Flask knows before the first ``before_request`` hook
runs, so it already applies when CSRFProtect parses the form (a hook that set
``request.max_content_length`` would run after CSRFProtect's and never apply).
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import Request as FlaskRequest

#: endpoint -> largest body in bytes.
BODY_LIMITS: dict[str, int] = {}

F = TypeVar("F", bound=Callable[..., Any])


def body_limit(endpoint: str, max_bytes: int) -> Callable[[F], F]:
    """Declare the largest body the view ``endpoint`` accepts (a decorator
    on that view, so the limit sits next to the route)."""
    def register(view: F) -> F:
        BODY_LIMITS[endpoint] = int(max_bytes)
        return view
    return register


class Request(FlaskRequest):
    """Flask's request with the per-view limits of :data:`BODY_LIMITS`."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        if self._max_content_length is not None:
            return self._max_content_length
        rule = self.url_rule
        if rule is not None and rule.endpoint in BODY_LIMITS:
            return BODY_LIMITS[rule.endpoint]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
