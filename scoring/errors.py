"""Errors raised by the scoring engine."""
from __future__ import annotations


class ScoringError(ValueError):
    """Base class: scoring cannot go on; the message is fit for one CLI line."""


class IncomparableError(ScoringError):
    """Two waves cannot be compared because a scale is defined differently
    (items, reversed items or response range) or its items are missing."""
