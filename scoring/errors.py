"""Errors raised by the scoring engine."""
from __future__ import annotations

from typing import Any


class ScoringError(ValueError):
    """Base class: scoring cannot go on; the message is fit for one CLI line.

    ``reason`` names the case for callers that word it in another language
    (``unknown_column``, ``column_length``, ``too_many_columns``,
    ``same_column``, ``no_item_column``); ``params`` holds the values it
    names. The message stays English, one line.
    """

    def __init__(self, message: str, reason: str = "", **params: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


class IncomparableError(ScoringError):
    """Two waves cannot be compared because a scale is defined differently
    (items, reversed items or response range) or its items are missing.

    ``reason``: ``different_instruments`` (current, earlier),
    ``scale_missing`` (scale), ``scale_differs`` (scale, detail, aspects),
    ``earlier_unscorable`` (scale, detail, missing), ``item_reworded`` and
    ``item_options_changed`` (item, scale); the analyst pages add
    ``no_answers`` for an earlier wave without answers.
    """
