"""Today's date: the store keeps dates to the day."""
from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Today's date (the store keeps dates to the day, never a time)."""
    return dt.date.today()
