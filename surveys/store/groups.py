"""Group items' codes and labels: the code a code's tags give a group item,
the label of a group item's code, and the values a code batch may be
tagged with."""
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


def tag_values(instrument: Instrument, presets: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The values a code batch may be tagged with, per declared group column:
    a preset group's wave list, a group item's option labels (Swedish), a
    tag group's declared list or else the wave's presets. Groups without a
    value are left out."""
    out: dict[str, list[str]] = {}
    for item in instrument.group_items:
        group = item.group or item.id
        if item.options_from == "preset":
            values = [str(v) for v in presets.get(group, [])]
        else:
            scale = instrument.response_scale(item)
            values = [o.label.get() for o in scale.options] if scale else []
        if values:
            out[group] = values
    for tag in instrument.tag_groups:
        values = list(tag.values) or [str(v) for v in presets.get(tag.id, [])]
        if values:
            out[tag.id] = values
    return out


def allowed_tags(instrument: Instrument, presets: Mapping[str, Sequence[str]],
                 tags: Mapping[str, Any]) -> tuple[dict[str, str], list[tuple[str, str, Any]]]:
    """The ``tags`` a batch may carry, each value in its canonical spelling,
    and the refusals as (reason, group, value): ``tag_not_declared`` (not a
    declared group column), ``tag_value_unknown`` (not one of
    :func:`tag_values`), ``tag_needs_parent`` (a nested group without the
    group it is nested in)."""
    allowed = tag_values(instrument, presets)
    clean: dict[str, str] = {}
    problems: list[tuple[str, str, Any]] = []
    for key, value in tags.items():
        if key not in instrument.group_columns:
            problems.append(("tag_not_declared", key, value))
            continue
        match = next((v for v in allowed.get(key, []) if v.casefold() == str(value).strip().casefold()), None)
        if match is None:
            item = next((i for i in instrument.group_items if (i.group or i.id) == key), None)
            code = tag_code(instrument, item, presets, {key: value}) if item is not None else None
            if code is not None and item.options_from != "preset":
                match = code_label(instrument, item, presets, code)
        if match is None:
            problems.append(("tag_value_unknown", key, value))
            continue
        clean[key] = match
    for child, parent in instrument.nested_groups.items():
        if child in clean and parent not in clean:
            problems.append(("tag_needs_parent", child, parent))
    return clean, problems
