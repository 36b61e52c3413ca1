"""Plain JSON values from numpy figures: NaN and infinities become None."""
from __future__ import annotations

import math

import numpy as np


def num(x) -> float | None:
    """A float, or None for a missing or non-finite figure."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def count(x) -> int | None:
    """An int, or None."""
    if x is None:
        return None
    if isinstance(x, (float, np.floating)) and not math.isfinite(float(x)):
        return None
    return int(x)


def interval(lo, hi) -> tuple[float | None, float | None] | None:
    """A two-ended interval, or None when both ends are missing."""
    a, b = num(lo), num(hi)
    return None if a is None and b is None else (a, b)


def pct(x) -> float | None:
    """A share (0-1) as a percentage."""
    v = num(x)
    return None if v is None else 100.0 * v


def plain(obj):
    """A JSON-safe deep copy of a report: NaN and infinities become None,
    numpy scalars plain Python numbers, mapping keys strings."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
