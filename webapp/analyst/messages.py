"""Storage refusals in the analyst's language.

The store raises :class:`surveys.store.StoreError` with an English message and
a ``reason`` key; the cases an analyst can reach through a form are worded
here with gettext. Any other refusal keeps the store's one-line message.
"""
from __future__ import annotations

from typing import Callable

from flask_babel import gettext as _

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
