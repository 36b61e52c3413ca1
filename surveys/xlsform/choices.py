"""The ``settings`` and ``choices`` sheets: the form's identity and its
choice lists (response scales), unsupported columns refused."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from surveys.xlsform.context import Context
from surveys.xlsform.languages import TRANSLATED, LanguageError, language_code, split_column
from surveys.xlsform.sheets import Row, Sheet

CHOICE_COLUMNS = {"list_name", "name", "other"}
SETTINGS_COLUMNS = {"form_title", "form_id", "version", "default_language"}


# -- settings ---------------------------------------------------------------------------

def read_settings(ctx: Context, sheet: Sheet | None) -> dict[str, Any]:
    if sheet is None or not sheet.rows:
        return {}
    row = sheet.rows[0]
    for key in row.cells:
        if key not in SETTINGS_COLUMNS and split_column(key)[0] != "form_title":
            ctx.error(sheet.name, row.number, sheet.header(key),
                      f"the setting '{sheet.header(key)}' is not supported; supported: "
                      f"{', '.join(sorted(SETTINGS_COLUMNS))} (delete the column)",
                      "setting_unsupported", setting=sheet.header(key))
    if row.text("default_language"):
        try:
            ctx.default_language = language_code(row.text("default_language"))
        except LanguageError as exc:
            ctx.error(sheet.name, row.number, sheet.header("default_language"), str(exc), exc.key, **exc.params)
    return {"row": row.number, "form_id": row.text("form_id"), "version": row.text("version"),
            "form_title": row.text("form_title"), "sheet": sheet.name}


# -- choices ---------------------------------------------------------------------------

@dataclass
class ChoiceList:
    name: str
    row: int
    options: list[dict[str, Any]] = field(default_factory=list)
    #: choice name -> code
    codes: dict[str, int] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)


def read_choices(ctx: Context, sheet: Sheet | None) -> dict[str, ChoiceList]:
    lists: dict[str, ChoiceList] = {}
    if sheet is None:
        return lists
    _unknown_columns(ctx, sheet, CHOICE_COLUMNS)
    raw: dict[str, list[tuple[Row, str]]] = {}
    for row in sheet.rows:
        lname = row.text("list_name")
        name = row.text("name")
        if not lname:
            ctx.error(sheet.name, row.number, sheet.header("list_name"), "the list name is empty", "list_name_empty")
            continue
        if not name:
            ctx.error(sheet.name, row.number, sheet.header("name"),
                      f"the choice has no name (list '{lname}'): give each choice a name such as 1, 2, 3",
                      "choice_no_name", list=lname)
            continue
        if lname not in lists:
            lists[lname] = ChoiceList(lname, row.number)
            raw[lname] = []
        if any(n == name for _, n in raw[lname]):
            ctx.error(sheet.name, row.number, sheet.header("name"),
                      f"the choice name '{name}' appears twice in list '{lname}'", "choice_duplicate",
                      name=name, list=lname)
            continue
        raw[lname].append((row, name))
    for lname, entries in raw.items():
        cl = lists[lname]
        numeric = all(re.fullmatch(r"-?\d+", n) for _, n in entries)
        if not numeric:
            mapping = ", ".join(f"{n}={i}" for i, (_, n) in enumerate(entries, start=1))
            ctx.note(sheet.name, entries[0][0].number, sheet.header("name"),
                     f"note: the choices of list '{lname}' are not whole numbers; they are coded 1..n "
                     f"in list order ({mapping})", "note_choice_codes", list=lname, mapping=mapping)
        for i, (row, name) in enumerate(entries, start=1):
            code = int(name) if numeric else i
            cl.codes[name] = code
            cl.rows.append(row.number)
            option: dict[str, Any] = {"code": code, "label": ctx.texts(sheet, row, "label") or {}}
            if not option["label"] and not ctx.bad_languages:
                ctx.error(sheet.name, row.number, "label", f"choice '{name}' of list '{lname}' has no label",
                          "choice_no_label", name=name, list=lname)
            other = row.text("other")
            if other:
                flag = _bool(other)
                if flag is None:
                    ctx.error(sheet.name, row.number, sheet.header("other"), "write yes or no", "not_yes_no",
                              value=other)
                else:
                    option["other"] = flag
            cl.options.append(option)
    return lists


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    if t in ("yes", "true", "true()", "1", "ja"):
        return True
    if t in ("no", "false", "false()", "0", "nej"):
        return False
    return None


def _unknown_columns(ctx: Context, sheet: Sheet, known: set[str]) -> None:
    """One problem per unsupported column that holds anything."""
    used: dict[str, int] = {}
    for row in sheet.rows:
        for key in row.cells:
            if key not in known and split_column(key)[0] not in TRANSLATED and key not in used:
                used[key] = row.number
    for key, number in used.items():
        ctx.error(sheet.name, number, sheet.header(key),
                  f"the column '{sheet.header(key)}' is not supported; clear it or delete the column",
                  "column_unsupported", name=sheet.header(key))


