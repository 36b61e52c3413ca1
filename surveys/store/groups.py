"""Group items' codes and labels: the code a code's tags give a group item,
and the label of a group item's code."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Item


def tag_code(instrument: Instrument, item: Item, presets: Mapping[str, Sequence[str]], tags: Mapping[str, Any]) -> int | None:
    """The code a group item gets from a code's tags, or None."""
    group = item.group or item.id
    if group not in tags:
        return None
    tag = str(tags[group]).strip().casefold()
    if item.options_from == "preset":
        for i, label in enumerate(presets.get(group, []), start=1):
            if label.casefold() == tag:
                return i
        return None
    scale = instrument.response_scale(item)
    for option in scale.options if scale else ():
        if tag == str(option.code) or any(t.casefold() == tag for t in option.label.values.values()):
            return option.code
    return None


def code_label(instrument: Instrument, item: Item, presets: Mapping[str, Sequence[str]], code: int) -> str:
    """The Swedish label of a group item's code (preset labels for presets)."""
    if item.options_from == "preset":
        labels = presets.get(item.group or item.id, [])
        return labels[code - 1] if 1 <= code <= len(labels) else str(code)
    scale = instrument.response_scale(item)
    label = scale.label(code) if scale else None
    return label if label is not None else str(code)
