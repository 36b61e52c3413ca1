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

from scoring.disclosure import BreakdownError
from scoring.errors import IncomparableError
from surveys.store import StoreError

_MESSAGES: dict[str, Callable[[dict], str]] = {
    "slug_taken": lambda p: _("A wave with the address %(slug)s already exists; choose another.", **p),
    "preset_missing": lambda p: _("This instrument needs a list for the group %(group)s (one value "
                                  "per option, e.g. the schools).", **p),
    "preset_duplicate": lambda p: _("The list for the group %(group)s names a value twice.", **p),
    "tag_empty": lambda p: _("The group value %(tag)s is empty.", **p),
    "open_link": lambda p: _("This wave uses an open link; it has no codes."),
    "draft_instrument": lambda p: _("That instrument version is a draft; publish it before a wave uses it."),
    "already_published": lambda p: _("Version %(version)s of %(instrument)s is published already.", **p),
    "version_taken": lambda p: _("Version %(version)s of %(instrument)s is published already with other "
                                 "content; give the new one a new version number.", **p),
    "tag_not_declared": lambda p: _("%(tag)s is not a group of this survey; a batch can be tagged only with "
                                    "its groups (%(known)s).", **p),
    "tag_value_unknown": lambda p: _("%(value)s is not a value of the group %(tag)s (values: %(allowed)s).",
                                     **p),
    "tag_needs_parent": lambda p: _("A batch tagged with %(tag)s must also be tagged with %(parent)s.", **p),
    "batch_too_small": lambda p: _("A batch with group values has at least %(min_n)s codes.", **p),
    "bad_year": lambda p: _("The survey year must be a year from %(low)s to %(high)s.", **p),
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
    "item_reworded": lambda p: _("The item %(item)s of %(scale)s was reworded between the two instrument "
                                 "versions.", **p),
    "item_options_changed": lambda p: _("The answer options of the item %(item)s of %(scale)s changed between "
                                        "the two instrument versions.", **p),
}


def incomparable_message(exc: IncomparableError) -> str:
    """Why two waves cannot be compared, in the current language."""
    message = _INCOMPARABLE.get(exc.reason)
    return message(exc.params) if message else str(exc)


_BREAKDOWN: dict[str, Callable[[dict], str]] = {
    "not_declared": lambda p: _("Results cannot be broken down by %(column)s: only by the group questions and "
                                "code tags the instrument declares (%(known)s).", **p),
    "no_values": lambda p: _("Results cannot be broken down by %(column)s: no respondent has a value for it.",
                             **p),
    "too_many_columns": lambda p: _("A breakdown takes one or two groups."),
    "same_column": lambda p: _("A breakdown names the same group twice."),
    "pair_not_allowed": lambda p: _("%(columns)s is not published: that group is shown only within "
                                    "%(within)s.", **p),
    "too_many_cells": lambda p: _("%(columns)s would have %(cells)s groups; at most %(cap)s are published.",
                                  **p),
}


def breakdown_message(exc: BreakdownError) -> str:
    """Why a breakdown is refused, in the current language."""
    message = _BREAKDOWN.get(exc.reason)
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


_EXPRESSIONS = "${q} = 'x', selected(${q}, 'x'), ${n} >= 10, and / or / not(...)"
_XLSFORM: dict[str, Callable[[dict], str]] = {
    "type_unsupported": lambda p: _("'%(type)s' is not a supported type; use text, integer, select_one LIST, "
                                    "select_multiple LIST (either may end in or_other), note, begin group or "
                                    "end group.", **p),
    "decimal": lambda p: _("'decimal' is not supported yet: answers are stored as whole numbers; use integer "
                           "(e.g. centimetres instead of metres)."),
    "repeat": lambda p: _("'%(type)s' is not supported: a questionnaire here has no repeats; ask each question "
                          "once.", **p),
    "type_empty": lambda p: _("The type is empty; write e.g. text, integer or select_one LIST."),
    "group_nested": lambda p: _("Groups inside groups are not supported: a group is one page; end the outer "
                                "group first."),
    "group_unended": lambda p: _("This group is never ended: add a row 'end group'."),
    "group_end_alone": lambda p: _("'end group' without a 'begin group' above it."),
    "group_empty": lambda p: _("The group %(group)s has no questions; a group is one page and needs at least one "
                               "question (its notes become the page's introduction).", **p),
    "note_condition": lambda p: _("A note cannot have a condition of its own: notes become the page's "
                                  "introduction; put the condition on the group instead."),
    "name_missing": lambda p: _("The question has no name; give it a short id such as q1."),
    "name_format": lambda p: _("The name %(name)s may only hold lower-case letters, digits and _, and must start "
                               "with a letter (e.g. q1).", **p),
    "name_taken": lambda p: _("The name %(name)s is also used on row %(other_row)s; names must be unique.", **p),
    "label_missing": lambda p: _("The question %(name)s has no label (its text).", **p),
    "list_unknown": lambda p: _("There is no list %(list)s on the choices sheet.", **p),
    "column_unsupported": lambda p: _("The column %(name)s is not supported; clear it or delete the column.", **p),
    "setting_unsupported": lambda p: _("The setting %(setting)s is not supported (only default_language, form_id, "
                                       "form_title and version); delete the column.", **p),
    "not_yes_no": lambda p: _("'%(value)s' is not yes or no.", **p),
    "no_survey_sheet": lambda p: _("There is no sheet named survey; an XLSForm has the sheets survey, choices and "
                                   "settings."),
    "no_swedish": lambda p: _("The form has no Swedish texts: add label::Svenska (sv) columns, or set "
                              "default_language to Svenska (sv) on the settings sheet when the plain label column "
                              "is in Swedish."),
    "choice_duplicate": lambda p: _("The choice %(name)s appears twice in the list %(list)s.", **p),
    "choice_no_label": lambda p: _("The choice %(name)s of the list %(list)s has no label.", **p),
    "id_invalid": lambda p: _("'%(id)s' is not a valid instrument id (lower-case letters, digits and -, starting "
                              "with a letter); change form_id on the settings sheet.", **p),
    "expr_syntax": lambda p: _("Cannot read '%(text)s' at character %(position)s; write conditions like "
                               "%(examples)s.", examples=_EXPRESSIONS, **p),
    "expr_incomplete": lambda p: _("The expression ends too early; write conditions like %(examples)s.",
                                   examples=_EXPRESSIONS),
    "expr_curly": lambda p: _("The quote %(quote)s at character %(position)s is a typographic quote; write "
                              "straight quotes ' (Excel's autocorrect makes them curly).", **p),
    "expr_function": lambda p: _("%(name)s is not supported; write conditions like %(examples)s.",
                                 examples=_EXPRESSIONS, **p),
    "expr_not_earlier": lambda p: _("${%(name)s} is not a question before this row (a condition can only use "
                                    "earlier questions).", **p),
    "expr_not_choice": lambda p: _("'%(value)s' is not a choice of ${%(name)s} (choices: %(choices)s).", **p),
    "expr_multi": lambda p: _("${%(name)s} allows several answers: write selected(${%(name)s}, '%(value)s').",
                              **p),
    "constraint_integer": lambda p: _("An integer constraint must look like . >= 10 and . <= 20."),
    "constraint_text": lambda p: _("A text constraint must look like string-length(.) <= 200."),
}


def xlsform_problem_line(problem: Any) -> str:
    """``FILE:SHEET:ROW:COLUMN: message`` with the message in the current
    language (the English one for cases not worded here)."""
    message = _XLSFORM.get(problem.key)
    return f"{problem.location()}: {message(problem.params) if message else problem.message}"


_REPORT: dict[str, Callable[[dict], str]] = {
    "language": lambda p: _("The yearly report is written in Swedish (sv) or English (en), not in %(lang)s.",
                            **p),
    "no_answers": lambda p: _("The wave %(slug)s has no submitted answers yet, so there is no report to make.",
                              **p),
    "purged": lambda p: _("The raw answers of %(slug)s were purged on %(day)s, so its yearly report cannot be "
                          "made again; the kept results are on the results page.", **p),
}


def report_message(exc: Any) -> str:
    """Why the yearly report cannot be made (``surveys.yearly_report.ReportRefused``)."""
    message = _REPORT.get(exc.reason)
    return message(exc.params) if message else str(exc)
