"""The storage errors: :class:`StoreError` and one subclass per kind of refusal."""
from __future__ import annotations


class StoreError(Exception):
    """Base of every storage error; ``str(err)`` is a one-line message.

    ``reason`` names the case for interfaces that show it in the user's
    language (e.g. ``"slug_taken"``), and ``params`` hold the values it names.
    """

    def __init__(self, message: str, reason: str = "", **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


class UnknownInstrument(StoreError):
    """No instrument version with that sha256 is registered."""


class InvalidInstrument(StoreError):
    """An instrument version that cannot be stored or published (e.g. its
    version label is taken by other content)."""


class UnknownSurvey(StoreError):
    """No survey (wave) with that slug."""


class SurveyExists(StoreError):
    """A survey with that slug already exists."""


class InvalidSurvey(StoreError):
    """Bad slug, mode, presets or code count."""


class SurveyClosed(StoreError):
    """The survey does not accept answers now."""


class UnknownCode(StoreError):
    """The code is not one of this survey's codes (or not a code at all)."""


class CodeSpent(StoreError):
    """The code was already used for a submitted response."""


class UnknownResponse(StoreError):
    """No response with that id."""


class AlreadySubmitted(StoreError):
    """The response is submitted; its answers can no longer change."""


class InvalidAnswer(StoreError):
    """A value does not fit the item (unknown item, code outside the scale...)."""


class InvalidRecords(StoreError):
    """``import_responses``: some records are invalid; nothing was imported.

    ``errors`` lists every problem as ``record N: item 'x': message``;
    ``problems`` holds the same as (N, :class:`InvalidAnswer`) pairs, whose
    reason keys word them in another language."""

    def __init__(self, errors: list[str], problems: list[tuple[int, "InvalidAnswer"]] | None = None):
        self.errors = errors
        self.problems = problems or []
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(errors[0] + more)
