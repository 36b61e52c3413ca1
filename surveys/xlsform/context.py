"""What the sheet readers share: the file name, the problems and notes met,
and the cell every field of the document came from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from surveys.xlsform.languages import TRANSLATED, LanguageError, language_code, split_column
from surveys.xlsform.sheets import Problem, Row, Sheet, cell_text

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Cell:
    sheet: str
    row: int | None
    column: str


@dataclass
class Context:
    """What the sheet readers share: the file name, problems, notes, origins."""

    file: str
    default_language: str = "sv"
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    #: field path in the document -> the cell it came from
    origins: dict[tuple, Cell] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    bad_languages: set[tuple[str, str]] = field(default_factory=set)

    def error(self, sheet: str, row: int | None, column: str, message: str, key: str = "", /,
              **params: Any) -> None:
        """A problem at the cell; ``key`` and ``params`` (any names, ``column``
        too) word it in other languages."""
        self.problems.append(Problem(self.file, sheet, row, column, message, key, params))

    def note(self, sheet: str, row: int | None, column: str, message: str, key: str = "", /,
             **params: Any) -> None:
        """What the import assumed at the cell (shown, not refused)."""
        self.notes.append(Problem(self.file, sheet, row, column, message, key, params))

    def at(self, path: tuple, sheet: str, row: int | None, column: str) -> None:
        self.origins[path] = Cell(sheet, row, column)

    def lang(self, sheet: Sheet, header: str, lang: str | None, row: int = 1) -> str | None:
        """The language code of a translated column (None after reporting a problem)."""
        if lang is None:
            code = self.default_language
        else:
            lang = split_column(header)[1] or lang  # as written, not lower-cased
            try:
                code = language_code(lang)
            except LanguageError as exc:
                if (sheet.name, header) not in self.bad_languages:
                    self.bad_languages.add((sheet.name, header))
                    self.error(sheet.name, 1, header, str(exc), exc.key, **exc.params)
                return None
            if code == self.default_language and sheet.header(split_column(header)[0]) in sheet.columns:
                pass  # label and label::Svenska (sv) together: the language column wins per cell
        if code not in self.languages:
            self.languages.append(code)
        return code

    def texts(self, sheet: Sheet, row: Row, base: str) -> dict[str, str] | None:
        """The translations of ``base`` (label, hint...) in ``row``."""
        out: dict[str, str] = {}
        for key, value in row.cells.items():
            b, lang = split_column(key)
            if b != base:
                continue
            code = self.lang(sheet, sheet.header(key), lang)
            text = _text(value)
            if code and text:
                out[code] = text
        return out or None


def _text(value: Any) -> str:
    return cell_text(value)


def translated_columns(sheet: Sheet) -> set[str]:
    return {h.lower() for h in sheet.columns if split_column(h)[0] in TRANSLATED}


