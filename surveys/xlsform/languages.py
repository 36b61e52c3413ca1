"""Language columns of an XLSForm (``label::Svenska (sv)``) and their codes."""
from __future__ import annotations

import re
from typing import Any

#: How exported columns name a language (its own name and its code).
NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية", "so": "Soomaali", "fi": "Suomi",
         "ti": "ትግርኛ", "fa": "فارسی", "ku": "Kurdî", "pl": "Polski", "bs": "Bosanski"}
#: Names without a code that are understood anyway (lower case).
KNOWN_NAMES = {"svenska": "sv", "swedish": "sv", "english": "en", "engelska": "en", "arabic": "ar",
               "arabiska": "ar", "العربية": "ar", "somali": "so", "somaliska": "so", "soomaali": "so",
               "finnish": "fi", "finska": "fi", "suomi": "fi", "persian": "fa", "farsi": "fa",
               "tigrinya": "ti", "kurdish": "ku", "polish": "pl", "bosnian": "bs", "chinese": "zh",
               "french": "fr", "spanish": "es", "portuguese": "pt", "german": "de", "swahili": "sw",
               "hindi": "hi", "russian": "ru", "turkish": "tr", "dari": "prs", "pashto": "ps"}
_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:-[A-Za-z0-9]+)*\)\s*$")
_BARE = re.compile(r"^[a-z]{2,3}$")
TRANSLATED = ("label", "hint", "constraint_message")


class LanguageError(ValueError):
    """A language name without a recognisable code (``key`` and ``params``
    name the case for other languages)."""

    def __init__(self, message: str, key: str, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


def language_code(name: str) -> str:
    """``'Svenska (sv)'`` -> ``'sv'``; ``'sv'`` -> ``'sv'``; ``'English'`` -> ``'en'``."""
    text = name.strip()
    m = _CODE.search(text)
    if m:
        return m.group(1).lower()
    if _BARE.match(text.lower()):
        return text.lower()
    if text.lower() in KNOWN_NAMES:
        return KNOWN_NAMES[text.lower()]
    raise LanguageError(f"cannot tell the language of '{text}': write it as 'Name (code)', "
                        "e.g. label::Svenska (sv) or label::English (en)", "language_unknown", name=text)


def split_column(header: str) -> tuple[str, str | None]:
    """``'label::English (en)'`` -> ``('label', 'English (en)')``; ``'label'`` -> ``('label', None)``."""
    base, sep, lang = header.partition("::")
    return base.strip().lower(), (lang.strip() if sep else None)


def column_name(base: str, code: str) -> str:
    """The exported header of a translated column, e.g. ``label::Svenska (sv)``."""
    return f"{base}::{language_name(code)}"


def language_name(code: str) -> str:
    return f"{NAMES.get(code, code)} ({code})"
