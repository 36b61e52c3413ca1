"""Storage, scoring and import refusals in the analyst's language.

The store raises :class:`surveys.store.StoreError`, the scoring engine
:class:`scoring.errors.IncomparableError` and the CSV reader
:class:`surveys.csvio.Refusal` with an English message and a reason key; the
cases an analyst can reach are worded here with gettext. Any other refusal
keeps its one-line English message.
"""
from __future__ import annotations

from typing import Any, Callable

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
    "purged": lambda p: _("The raw answers of %(slug)s were purged; the wave cannot be opened again.", **p),
}


_ACCOUNT: dict[str, Callable[[dict], str]] = {
    "password_too_short": lambda p: _("The password must have at least %(min)d characters.", **p),
    "password_too_long": lambda p: _("The password must have at most %(max)d characters.", **p),
    "password_common": lambda p: _("This password is on the list of commonly used passwords; "
                                   "choose another."),
    "password_context": lambda p: _("The password must not be the name of the service or of "
                                    "your account."),
    "password_repetitive": lambda p: _("The password repeats a few characters or runs through them "
                                       "in order; choose another."),
}


def account_error_message(exc: StoreError) -> str:
    """An account refusal (the password policy) in the current language."""
    message = _ACCOUNT.get(exc.reason)
    return message(exc.params) if message else str(exc)


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
    "no_answers": lambda p: _("That wave has no submitted answers."),
}


def incomparable_message(exc: IncomparableError) -> str:
    """Why two waves cannot be compared, in the current language."""
    message = _INCOMPARABLE.get(exc.reason)
    return message(exc.params) if message else str(exc)


_IMPORT: dict[str, Callable[[dict], str]] = {
    "empty_file": lambda p: _("The file is empty (expected a header row of item ids)."),
    "only_separators": lambda p: _("The file holds only separators (%(delimiter)s) and no header row of "
                                   "item ids.", **p),
    "not_csv": lambda p: _("The file is a .%(kind)s file, not CSV text; save it as CSV (UTF-8) and import "
                           "that file.", **p),
    "encoding": lambda p: _("The file is not text in UTF-8 or Windows-1252; save it as CSV (UTF-8) and "
                            "import that file."),
    "no_item_columns": lambda p: _("No column of the header row is a question of %(instrument)s (for "
                                   "example %(example)s). Is the first row the header?", **p),
    "no_responses": lambda p: _("The file has a header row but no responses."),
    "field_count": lambda p: _("%(fields)d fields, but the header has %(expected)d.", **p),
    "one_field_other_delimiter": lambda p: _("1 field, but the header has %(expected)d (this row seems to use "
                                             "%(delimiter)s as delimiter).", **p),
    "one_column": lambda p: _("Only one column, %(column)s, separated by %(separator)s; separate the columns "
                              "with , or ;.", **p),
    "column_twice": lambda p: _("This column appears twice."),
    "no_such_option": lambda p: _("Unknown column: %(item)s has no option %(option)s.", **p),
    "did_you_mean": lambda p: _("Unknown column (did you mean %(suggestion)s?).", **p),
    "no_such_item": lambda p: _("Unknown column: there is no item %(column)s (the items are %(first)s–%(last)s).",
                                **p),
    "both_forms": lambda p: _("%(item)s is given both as one column and as %(item)s_<code> columns.", **p),
    "unnamed_values": lambda p: _("A column without a name holds values."),
    "not_whole": lambda p: _("%(value)s is not a whole number.", **p),
    "out_of_range": lambda p: _("%(value)s is outside the range of %(item)s (%(min)s–%(max)s).", **p),
    "out_of_scale": lambda p: _("Code %(value)s is outside the scale of %(item)s (%(codes)s).", **p),
    "text_in_number": lambda p: _("Text (%(value)s) where the item %(item)s expects a number.", **p),
    "not_code_or_label": lambda p: _("%(value)s is not a code or label of %(item)s (%(allowed)s).", **p),
    "not_an_option": lambda p: _("%(value)s is not an option of %(item)s (%(codes)s; separate several with "
                                 "%(separator)s).", **p),
    "not_zero_one": lambda p: _("%(value)s must be 0 or 1 (empty = not answered).", **p),
}


def import_rejection_message(rejection: Any) -> str:
    """Why a row of an imported file was rejected, in the current language."""
    message = _IMPORT.get(rejection.kind)
    return message(rejection.params) if message else rejection.reason
