"""Storage, scoring and import refusals in the analyst's language.

The store raises :class:`surveys.store.StoreError`, the scoring engine
:class:`scoring.errors.ScoringError` (and its kinds
:class:`~scoring.errors.IncomparableError` and
:class:`~scoring.disclosure.BreakdownError`) and the CSV reader
:class:`surveys.csvio.Refusal` with an English message and a reason key;
every key is worded here with gettext (``tests/analyst/test_reason_keys.py``
finds the keys in the code and fails on one without a wording). A refusal
without a key keeps its one-line English message.
"""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext as _

from scoring.disclosure import BreakdownError
from scoring.errors import IncomparableError, ScoringError
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
    "same_wave": lambda p: _("A wave cannot be compared with itself; choose another wave or none."),
    "slug_invalid": lambda p: _("The address %(slug)s must be 1–100 lower-case letters, digits or dashes.", **p),
    "mode_invalid": lambda p: _("A wave collects answers with codes or through an open link, not %(mode)s.", **p),
    "label_empty": lambda p: _("Give the wave a name."),
    "preset_invalid": lambda p: _("The list for the group %(group)s must hold non-empty values.", **p),
    "code_count": lambda p: _("Issue between 1 and %(max)s codes at a time.", **p),
    "codes_collide": lambda p: _("No unused codes could be drawn this time; try again."),
    "retention_date": lambda p: _("Write the date as YYYY-MM-DD, or leave it empty for none."),
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


#: The parts of a scale definition that ``scale_differs`` names (``aspects``).
_SCALE_ASPECTS: dict[str, Callable[[], str]] = {
    "items": lambda: _("its items"),
    "reversed": lambda: _("its reverse-coded items"),
    "range": lambda: _("its response range"),
    "method": lambda: _("how it is scored"),
    "key": lambda: _("its answer key"),
    "min_answered": lambda: _("the least number of items answered"),
}


def _scale_differs(p: dict) -> str:
    aspects = ", ".join(_SCALE_ASPECTS[a]() for a in p.get("aspects", ()) if a in _SCALE_ASPECTS)
    if not aspects:
        return _("The scale %(scale)s is defined differently in the two waves.", scale=p["scale"])
    return _("The scale %(scale)s is defined differently in the two waves (%(aspects)s).", scale=p["scale"],
             aspects=aspects)


def _earlier_unscorable(p: dict) -> str:
    if p.get("missing"):
        return _("The scale %(scale)s cannot be scored in the earlier wave: its data has no column for "
                 "%(missing)s.", scale=p["scale"], missing=p["missing"])
    return _("The scale %(scale)s cannot be scored in the earlier wave.", scale=p["scale"])


_INCOMPARABLE: dict[str, Callable[[dict], str]] = {
    "different_instruments": lambda p: _("Waves of different instruments (%(current)s and %(earlier)s) cannot "
                                         "be compared.", **p),
    "scale_missing": lambda p: _("The scale %(scale)s is missing from the earlier wave.", **p),
    "scale_differs": _scale_differs,
    "earlier_unscorable": _earlier_unscorable,
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


_SCORING: dict[str, Callable[[dict], str]] = {
    "unknown_column": lambda p: _("There is no group %(column)s in this wave (groups: %(known)s).", **p),
    "column_length": lambda p: _("The group %(column)s has %(values)s values for %(n)s respondents.", **p),
    "too_many_columns": lambda p: _("A breakdown takes one or two groups."),
    "same_column": lambda p: _("A breakdown names the same group twice."),
    "no_item_column": lambda p: _("The scale %(scale)s cannot be scored: the data has no column for %(items)s.",
                                  **p),
}


def scoring_message(exc: ScoringError) -> str:
    """Any scoring refusal (incomparable waves, a refused breakdown, data
    that cannot be scored) in the current language."""
    if isinstance(exc, IncomparableError):
        return incomparable_message(exc)
    if isinstance(exc, BreakdownError):
        return breakdown_message(exc)
    message = _SCORING.get(exc.reason)
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
    "too_many_decimals": lambda p: _("%(value)s has more than %(decimals)d decimal places.", **p),
    "out_of_range": lambda p: _("%(value)s is outside the range of %(item)s (%(min)s–%(max)s).", **p),
    "out_of_scale": lambda p: _("Code %(value)s is outside the scale of %(item)s (%(codes)s).", **p),
    "text_in_number": lambda p: _("Text (%(value)s) where the item %(item)s expects a number.", **p),
    "not_code_or_label": lambda p: _("%(value)s is not a code or label of %(item)s (%(allowed)s).", **p),
    "not_an_option": lambda p: _("%(value)s is not an option of %(item)s (%(codes)s; separate several with "
                                 "%(separator)s).", **p),
    "not_zero_one": lambda p: _("%(value)s must be 0 or 1 (empty = not answered).", **p),
}


#: Answers the store refuses when an imported row is stored (``surveys.store.validate``,
#: ``surveys.store.bulk_import``).
_ANSWER: dict[str, Callable[[dict], str]] = {
    "answer_not_text": lambda p: _("%(item)s expects a text.", **p),
    "answer_too_long": lambda p: _("The text of %(item)s is longer than %(max)s characters.", **p),
    "answer_not_whole": lambda p: _("%(item)s expects a whole number, not %(value)s.", **p),
    "answer_out_of_range": lambda p: _("%(value)s is outside the range of %(item)s (%(min)s–%(max)s).", **p),
    "answer_not_code": lambda p: _("%(value)s is not one of the answer codes of %(item)s.", **p),
    "answer_not_codes": lambda p: _("%(item)s expects a list of answer codes.", **p),
    "bad_date": lambda p: _("%(value)s is not a date (write YYYY-MM-DD).", **p),
    "groups_not_mapping": lambda p: _("The groups of a row must be pairs of a group and its value."),
    "not_an_item": lambda p: _("%(item)s is not a question of %(instrument)s.", **p),
}


def import_rejection_message(rejection: Any) -> str:
    """Why a row of an imported file was rejected, in the current language."""
    message = _IMPORT.get(rejection.kind) or _ANSWER.get(rejection.kind)
    return message(rejection.params) if message else rejection.reason


_EXPRESSIONS = "${q} = 'x', selected(${q}, 'x'), ${n} >= 10, and / or / not(...)"
_XLSFORM: dict[str, Callable[[dict], str]] = {
    "type_unsupported": lambda p: _("'%(type)s' is not a supported type; use text, integer, decimal, select_one LIST, "
                                    "select_multiple LIST (either may end in or_other), note, begin group or "
                                    "end group.", **p),
    "repeat": lambda p: _("'%(type)s' is not supported: a questionnaire here has no repeats; ask each question "
                          "once.", **p),
    "type_empty": lambda p: _("The type is empty; write e.g. text, integer or select_one LIST."),
    "group_nested": lambda p: _("Groups inside groups are not supported: a group is one page; end the outer "
                                "group first."),
    "group_unended": lambda p: _("This group is never ended: add a row 'end group'."),
    "group_end_alone": lambda p: _("'end group' without a 'begin group' above it."),
    "group_empty": lambda p: _("The group %(group)s has no questions; a group is one page and needs at least one "
                               "question (its notes become the page's introduction).", **p),
    "name_missing": lambda p: _("The question has no name; give it a short id such as q1."),
    "name_format": lambda p: _("The name %(name)s may only hold lower-case letters, digits and _, and must start "
                               "with a letter (e.g. q1).", **p),
    "name_taken": lambda p: _("The name %(name)s is also used on row %(other_row)s; names must be unique.", **p),
    "label_missing": lambda p: _("The question %(name)s has no label (its text).", **p),
    "note_no_label": lambda p: _("The note %(name)s has no label (its text).", **p),
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
    "constraint_kind": lambda p: _("Only integer, decimal and text questions take a constraint here."),
    "constraint_message_integer": lambda p: _("Only an integer question takes a constraint message here (the "
                                              "engine words the other messages itself)."),
    "expr_empty": lambda p: _("The expression is empty."),
    "expr_dot": lambda p: _("'.' (this answer) cannot be used in relevant; name a question with ${name}."),
    "expr_text_question": lambda p: _("${%(name)s} is a text question; conditions can only use choice and "
                                      "integer questions.", **p),
    "expr_integer_number": lambda p: _("${%(name)s} is an integer question: compare it with a whole number, "
                                       "not %(value)s.", **p),
    "expr_not": lambda p: _("not(...) is supported around conditions on one question only, e.g. "
                            "not(selected(${q}, 'x'))."),
    "expr_length_relevant": lambda p: _("string-length(.) belongs in constraint, not in relevant."),
    "expr_length_number": lambda p: _("string-length(.) must be compared with a whole number, not %(value)s.",
                                      **p),
    "expr_op_numbers": lambda p: _("'%(op)s' compares numbers; ${%(name)s} is a choice question: use = or "
                                   "selected().", **p),
    "expr_needs_number": lambda p: _("${%(name)s} %(op)s needs a number, not %(value)s.", **p),
    "expr_no_bounds": lambda p: _("${%(name)s} has no bounds to compare within.", **p),
    "expr_never_true": lambda p: _("The condition on ${%(name)s} can never be true.", **p),
    "note_last": lambda p: _("A note after the last question has no page to introduce; move it into a group "
                             "before a question."),
    "group_name_format": lambda p: _("The group name %(name)s may only hold lower-case letters, digits and _, "
                                     "and must start with a letter (it becomes the page id).", **p),
    "list_missing": lambda p: _("Write '%(type)s LIST' with the name of a list on the choices sheet.", **p),
    "group_unknown": lambda p: _("'%(group)s' is not a group variable; use one of %(groups)s.", **p),
    "options_from": lambda p: _("Write preset (the wave's list, e.g. the schools) or scale."),
    "or_other_alone": lambda p: _("or_other belongs after a list name: select_one LIST or_other."),
    "or_other_taken": lambda p: _("or_other adds a text question %(name)s, but that name is already used.", **p),
    "list_name_empty": lambda p: _("The list name is empty."),
    "choice_no_name": lambda p: _("The choice has no name (list %(list)s): give each choice a name such as 1, "
                                  "2, 3.", **p),
    "list_name_format": lambda p: _("The list name %(list)s may only hold lower-case letters, digits and _, and "
                                    "must start with a letter.", **p),
    "language_unknown": lambda p: _("Cannot tell the language of '%(name)s': write it as 'Name (code)', e.g. "
                                    "label::Svenska (sv) or label::English (en).", **p),
    "cell_not_whole": lambda p: _("'%(value)s' is not a whole number.", **p),
    "cell_not_number": lambda p: _("'%(value)s' is not a number.", **p),
    "cell_not_codes": lambda p: _("'%(value)s' must be whole numbers separated by spaces, e.g. 3 4.", **p),
    "cell_not_numbers": lambda p: _("'%(value)s' is not a number; separate numbers with spaces and write "
                                    "decimals with a point, e.g. 0.05 0.1 0.15.", **p),
    "cell_not_key": lambda p: _("'%(value)s' must look like item=code, e.g. know01=1.", **p),
    "scoring_column": lambda p: _("The column %(column)s is not part of the scoring sheet; see "
                                  "instruments/README.md.", **p),
    "scoring_setting": lambda p: _("'%(name)s' is not a setting; use one of %(settings)s.", **p),
    "scoring_type": lambda p: _("'%(type)s' is not a scoring row; use setting, response_scale, scale, share, "
                                "index, level, variable or tag_group.", **p),
    "index_unknown": lambda p: _("'%(index)s' is not an index declared on an earlier row (type index).", **p),
    "tag_group_twice": lambda p: _("The tag group %(name)s is declared twice.", **p),
    "tag_group_unnamed": lambda p: _("The tag_group has no name."),
    "row_unnamed": lambda p: _("The %(kind)s row has no name.", **p),
    "declared_twice": lambda p: _("%(kind)s %(name)s is declared twice.", **p),
    "baseline_value_missing": lambda p: _("The baseline needs a value in the column baseline."),
    "target_value_missing": lambda p: _("The target needs a value in the column target."),
    "internal_error_yaml": lambda p: _("Internal error: the YAML written does not read back the same; please "
                                       "report this file."),
    "decimals_too_many": lambda p: _("The bounds have %(places)s decimal places; at most %(max)s are "
                                     "supported.", **p),
    "decimals_invalid": lambda p: _("'%(value)s' is not a number of decimal places; write 1, 2 or 3.", **p),
    "too_many_rows": lambda p: _("More than %(max_rows)s filled rows; a questionnaire has far fewer: "
                                    "delete the rest.", **p),
    "cannot_read_file": lambda p: _("Cannot read the file (%(reason)s); save it from Excel as an Excel "
                                    "workbook (.xlsx).", **p),
    "no_such_file": lambda p: _("No such file."),
    "is_a_directory": lambda p: _("Is a directory, not an .xlsx file."),
    "cannot_read": lambda p: _("Cannot read: %(strerror)s.", **p),
    "column_twice": lambda p: _("The column '%(column)s' appears twice; delete one of them.", **p),
    "expr_decimal": lambda p: _("${%(name)s} is a decimal question; conditions can only use choice and "
                                "integer questions.", **p),
    "constraint_decimal": lambda p: _("A decimal constraint must look like . >= 0.5 and . <= 2.5."),
    # notes: what the import assumed (shown, not refused)
    "note_choice_codes": lambda p: _("note: the choices of list %(list)s are not whole numbers; they are coded "
                                     "1..n in list order (%(mapping)s).", **p),
    "note_form_id": lambda p: _("note: the form id %(id)s is used as %(used)s (lower-case letters, digits and -).",
                                **p),
    "note_no_version": lambda p: _("note: the settings sheet has no version; version \"1\" is used."),
    "note_group_label": lambda p: _("note: the group %(group)s has no label; its name is used as the page title.",
                                    **p),
    "note_integer_bounds": lambda p: _("note: the integer question %(item)s has no upper or lower bound; "
                                       "%(min)s–%(max)s is used (write e.g. . >= 0 and . <= 120).", **p),
    "note_decimal_places": lambda p: _("note: the decimal question %(item)s takes answers with up to %(decimals)s "
                                       "decimals (write 1, 2 or 3 in a column decimals to change).", **p),
    "note_decimal_bounds": lambda p: _("note: the decimal question %(item)s has no upper or lower bound; "
                                       "%(min)s–%(max)s is used (write e.g. . >= 0 and . <= 120).", **p),
}

#: Meaning and shape problems of an instrument document (``surveys.validation``,
#: the schema in ``surveys.loader``), for XLSForm and YAML uploads alike.
_MEANING: dict[str, Callable[[dict], str]] = {
    "include_swedish_required": lambda p: _("Must include '%(required_language)s' (Swedish is required).", **p),
    "options_from_preset": lambda p: _("options_from: preset needs a single item with a group."),
    "group_kind_single": lambda p: _("A group item must be kind single, not %(kind)s.", **p),
    "only_number_takes": lambda p: _("Only a number item takes %(key)s.", **p),
    "condition_either_with": lambda p: _("A condition is either item with in/not_in, or all_of, or any_of."),
    "condition_needs": lambda p: _("A condition needs an item."),
    "condition_needs_exactly": lambda p: _("A condition needs exactly one of in and not_in."),
    "unknown_item": lambda p: _("Unknown item '%(iid)s'.", **p),
    "cannot_depend_on": lambda p: _("Item '%(iid)s' cannot depend on itself.", **p),
    "comes_later_condition": lambda p: _("Item '%(iid)s' comes later; a condition may only name an earlier "
                                         "item.", **p),
    "on_earlier_page": lambda p: _("Item '%(iid)s' is not on an earlier page.", **p),
    "text_condition_needs": lambda p: _("Item '%(iid)s' is a text item; a condition needs a choice or number "
                                        "item.", **p),
    "needs_single_or": lambda p: _("Item '%(iid)s' is a %(kind)s item; %(what)s needs a single or multi "
                                   "item.", **p),
    "with_method_correct": lambda p: _("A scale with method: correct has no reversed items."),
    "min_answered_more": lambda p: _("min_answered %(n_min)s is more than the %(len)s items of the scale.", **p),
    "needs_exactly_cut": lambda p: _("Needs exactly %(n_cut_points)s cut points (one per class 1-6), not "
                                     "%(len)s.", **p),
    "last_level_reach": lambda p: _("The last level must reach %(index_max)s, not %(max)s.", **p),
    "language_listed_twice": lambda p: _("Language '%(lang)s' is listed twice.", **p),
    "missing_swedish_text": lambda p: _("Missing Swedish text (%(required_language)s).", **p),
    "needs_at_least": lambda p: _("Needs at least one code that is not a missing code."),
    "duplicate_page_id": lambda p: _("Duplicate page id '%(id)s' (also pages[%(pages_seen)s]).", **p),
    "needs_response_field": lambda p: _("A %(kind)s item needs a response scale (field 'scale').", **p),
    "takes_no_response": lambda p: _("A %(kind)s item takes no response scale.", **p),
    "number_needs_min": lambda p: _("A number item needs min and max."),
    "decimal_number_condition": lambda p: _("Item '%(iid)s' is a decimal number item; a condition needs a choice "
                                            "or whole-number item.", **p),
    "code_listed_twice": lambda p: _("Code %(code)s is listed twice.", **p),
    "code_not_in_scale": lambda p: _("Code %(code)s is not in the response scale '%(scale)s' of item "
                                     "'%(item)s'.", **p),
    "listed_twice": lambda p: _("Item '%(iid)s' is listed twice.", **p),
    "single_on_response": lambda p: _("Item '%(iid)s' is not a single item on a response scale.", **p),
    "not_in_this_scale": lambda p: _("Item '%(iid)s' is not in this scale.", **p),
    "key_only_used": lambda p: _("A key is only used with method: correct."),
    "no_key_for": lambda p: _("No key for item '%(iid)s'.", **p),
    "lies_outside_range": lambda p: _("%(value)s lies outside the scale's range %(lo)s..%(hi)s.", **p),
    "group_already_asked": lambda p: _("Group '%(id)s' is already asked by an item.", **p),
    "another_declared_group": lambda p: _("'%(within)s' is not another declared group.", **p),
    "lies_outside_index": lambda p: _("%(value)s lies outside the index range 0..%(index_max)s.", **p),
    "cut_point_lies": lambda p: _("Cut point %(value)s lies outside 0..1 (a share).", **p),
    "language_declared_languages": lambda p: _("Language '%(lang)s' is not declared in languages.", **p),
    "duplicate_code_also": lambda p: _("Duplicate code %(code)s (also options[%(first)s]).", **p),
    "code_option": lambda p: _("Code %(code)s is not an option of this scale.", **p),
    "duplicate_id_also": lambda p: _("Duplicate item id '%(iid)s' (also %(format_path)s).", **p),
    "note_id_also": lambda p: _("Note id '%(id)s' is also an item's id.", **p),
    "note_after_unknown": lambda p: _("'%(after)s' is not an item of this page.", **p),
    "unknown_response": lambda p: _("Unknown response scale '%(sid)s'.", **p),
    "max_below_min": lambda p: _("max %(max)s is below min %(min)s.", **p),
    "only_text_takes": lambda p: _("Only a text item takes %(key)s.", **p),
    "uses_response_which": lambda p: _("Item '%(iid)s' uses response scale '%(scale)s', which is not numeric; "
                                       "a %(method)s scale needs numeric items.", **p),
    "scale_mixed": lambda p: _("Item '%(iid)s' uses response scale '%(scale)s', not '%(first)s' like "
                               "'%(other)s'.", **p),
    "share_proportion_lies": lambda p: _("A share is a proportion: %(value)s lies outside 0..1.", **p),
    "tag_group_declared": lambda p: _("Tag group '%(id)s' is declared twice.", **p),
    "duplicate_variable_id": lambda p: _("Duplicate variable id '%(id)s' (also variables[%(seen)s]).", **p),
    "cut_point_does": lambda p: _("Cut point %(value)s does not rise above the previous one (%(cuts)s).", **p),
    "level_max_does": lambda p: _("Level max %(value)s does not rise above the previous level's (%(max)s).", **p),
    "group_already_asked_2": lambda p: _("Group '%(group)s' is already asked by item '%(groups)s'.", **p),
    "response_has_other": lambda p: _("Response scale '%(sid)s' has an 'other' option, which only a multi "
                                      "item can use.", **p),
    "decimals_too_many": lambda p: _("%(value)s has more decimal places than decimals: %(places)s.", **p),
    "not_whole_bound": lambda p: _("%(value)s is not a whole number; add decimals: 1, 2 or 3.", **p),
    "outside_range": lambda p: _("%(code)s is outside the range %(lo)s..%(hi)s of item '%(iid)s'.", **p),
    "response_has_other_2": lambda p: _("Response scale '%(sid)s' has an 'other' option: add a text item "
                                        "'%(id)s_other'.", **p),
    "field_missing": lambda p: _("Required field is missing."),
    "field_unknown": lambda p: _("Unknown field '%(field)s'.", **p),
    "type_wrong": lambda p: _("Must be %(expected)s, not %(value)s.", **p),
    "enum": lambda p: _("%(value)s is not one of: %(allowed)s.", **p),
    "pattern": lambda p: _("%(value)s does not match the pattern %(pattern)s.", **p),
    "min_items": lambda p: _("Needs at least %(n)s entries.", **p),
    "empty": lambda p: _("Must not be empty."),
    "minimum": lambda p: _("Must be at least %(min)s, not %(value)s.", **p),
    "name_invalid": lambda p: _("%(value)s is not a valid name (lower-case letters, digits and _).", **p),
}

#: The schema's words for a value's kind (``surveys.loader._a`` / ``_describe``).
_KINDS = {
    "a mapping": lambda: _("a mapping"), "a list": lambda: _("a list"), "a text": lambda: _("a text"),
    "an integer": lambda: _("an integer"), "a number": lambda: _("a number"),
    "true or false": lambda: _("true or false"), "empty": lambda: _("empty"),
}


def _worded(key: str, params: dict, english: str) -> str:
    """The message of case ``key`` in the current language; ``meaning.X``
    keys are the instrument checks' (``english`` when the case is not worded)."""
    if key.startswith("meaning."):
        message = _MEANING.get(key[len("meaning."):])
        words = {k: (_KINDS[v]() if isinstance(v, str) and v in _KINDS else v) for k, v in params.items()}
        return message(words) if message else english
    message = _XLSFORM.get(key)
    return message(params) if message else english


def xlsform_problem_line(problem: Any) -> str:
    """``FILE:SHEET:ROW:COLUMN: message`` with the message in the current
    language (the English one for cases not worded here); a meaning problem
    located by its field path keeps the path in front (``at``)."""
    message = _worded(problem.key, problem.params, problem.message)
    if problem.key.startswith("meaning.") and problem.params.get("at") and message != problem.message:
        message = f"{problem.params['at']}: {message}"
    return f"{problem.location()}: {message}"


def instrument_error_line(error: Any) -> str:
    """One problem of an instrument (YAML) file, ``FILE:LINE: PATH: message``,
    with the message in the current language."""
    message = _worded(f"meaning.{error.key}", error.params, error.message) if error.key else error.message
    if error.line is None:
        return f"{error.file}: {message}"
    return f"{error.file}:{error.line}: {error.path}: {message}"


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
