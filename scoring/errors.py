"""Errors raised by the scoring engine."""
from __future__ import annotations

from typing import Any


class ScoringError(ValueError):
    """Base class: scoring cannot go on; the message is fit for one CLI line."""


class IncomparableError(ScoringError):
    """Two waves cannot be compared because a scale is defined differently
    (items, reversed items or response range) or its items are missing.

    ``reason`` names the case for callers that word it in another language
    (``different_instruments``, ``scale_missing``, ``scale_differs``,
    ``earlier_unscorable``); ``params`` holds its values (``current``,
    ``earlier``, ``scale``, ``detail``; the analyst pages add ``no_answers``
    for an earlier wave without answers). The message stays English, one line.
    """

    def __init__(self, message: str, reason: str = "", **params: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params
