"""The instruments answered in the priority areas offer Arabic: every text has one.

Walks the raw YAML (not the loaded model), so a text anywhere in the file --
title, description, page, item, help, option, scale, share, index, level or
variable label -- counts, and a new text added without Arabic fails here.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from surveys.loader import load_instrument

ROOT = Path(__file__).resolve().parent.parent.parent
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
STEMS = ["trygghet", "medborgardialog"]


def texts(node: object, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every mapping with an ``sv`` key (a text), with its dotted path."""
    if isinstance(node, dict):
        if "sv" in node:
            yield path, node
        for key, value in node.items():
            yield from texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, f"{path}[{i}]")


def data_of(stem: str) -> dict:
    return yaml.safe_load((ROOT / "instruments" / f"{stem}.yaml").read_text(encoding="utf-8"))


def test_walker_finds_texts_at_every_level() -> None:
    found = dict(texts({"title": {"sv": "T"}, "pages": [{"items": [{"text": {"sv": "Q", "ar": "س"}}]}]}))
    assert found == {"title": {"sv": "T"}, "pages[0].items[0].text": {"sv": "Q", "ar": "س"}}


@pytest.mark.parametrize("stem", STEMS)
def test_every_text_has_arabic(stem: str) -> None:
    data = data_of(stem)
    assert "ar" in data["languages"]
    found = list(texts(data))
    # title, description, pages, items, options, labels: far more than a handful
    assert len(found) > 50
    bad = [path for path, text in found
           if not (isinstance(text.get("ar"), str) and text["ar"].strip() and ARABIC_SCRIPT.search(text["ar"]))]
    assert bad == [], f"{stem}: texts without an Arabic (ar) entry in Arabic script: {bad}"


@pytest.mark.parametrize("stem", STEMS)
def test_arabic_is_what_the_loaded_instrument_shows(stem: str) -> None:
    inst = load_instrument(ROOT / "instruments" / f"{stem}.yaml")
    data = data_of(stem)
    assert inst.title.get("ar") == data["title"]["ar"] != inst.title.get("sv")
    for item in inst.items:
        assert ARABIC_SCRIPT.search(item.text.get("ar")), item.id


@pytest.mark.parametrize("stem", STEMS)
def test_provenance_says_the_arabic_is_a_draft_to_be_reviewed(stem: str) -> None:
    provenance = data_of(stem)["provenance"]
    assert "Arabic" in provenance and "qualified translator" in provenance
