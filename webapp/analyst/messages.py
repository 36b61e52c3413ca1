"""Storage and scoring refusals in the analyst's language.

The store raises :class:`surveys.store.StoreError` and the scoring engine
:class:`scoring.errors.IncomparableError` with an English message and a
``reason`` key; the cases an analyst can reach are worded here with gettext.
Any other refusal keeps its one-line English message.
"""
from __future__ import annotations

from typing import Callable

from flask_babel import gettext as _

from scoring.errors import IncomparableError
from surveys.store import StoreError

_MESSAGES: dict[str, Callable[[dict], str]] = {
    "slug_taken": lambda p: _("A wave with the address %(slug)s already exists; choose another.", **p),
    "preset_missing": lambda p: _("This instrument needs a list for the group %(group)s (one value "
                                  "per option, e.g. the schools).", **p),
    "preset_duplicate": lambda p: _("The list for the group %(group)s names a value twice.", **p),
    "tag_empty": lambda p: _("The group value %(tag)s is empty.", **p),
    "open_link": lambda p: _("This wave uses an open link; it has no codes."),
}


def store_error_message(exc: StoreError) -> str:
    """The refusal in the current language (the store's message if unknown)."""
    message = _MESSAGES.get(exc.reason)
    return message(exc.params) if message else str(exc)


_INCOMPARABLE: dict[str, Callable[[dict], str]] = {
    "different_instruments": lambda p: _("Waves of different instruments (%(current)s and %(earlier)s) cannot "
                                         "be compared.", **p),
    "scale_missing": lambda p: _("The scale %(scale)s is missing from the earlier wave.", **p),
    "scale_differs": lambda p: _("The scale %(scale)s is defined differently in the two waves (%(detail)s).", **p),
    "earlier_unscorable": lambda p: _("The scale %(scale)s cannot be scored in the earlier wave (%(detail)s).",
                                      **p),
}


def incomparable_message(exc: IncomparableError) -> str:
    """Why two waves cannot be compared, in the current language."""
    message = _INCOMPARABLE.get(exc.reason)
    return message(exc.params) if message else str(exc)
