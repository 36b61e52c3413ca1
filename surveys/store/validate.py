"""Checking answer values against the instrument: the fields of a page and
the answer rows a value becomes."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from surveys.store.errors import InvalidAnswer

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Item, Page


def find_page(instrument: Instrument, page_id: str) -> Page:
    """The page with that id; raises :class:`InvalidAnswer` for an unknown one."""
    for page in instrument.pages:
        if page.id == page_id:
            return page
    raise InvalidAnswer(f"unknown page '{page_id}'")


def _other_field(instrument: Instrument, item: Item) -> str | None:
    scale = instrument.response_scale(item)
    if item.kind == "multi" and scale and any(o.other for o in scale.options):
        return f"{item.id}_other"
    return None


def page_fields(instrument: Instrument, page: Page) -> dict[str, Item]:
    """Field id -> item for one page (``<id>_other`` maps to its multi item)."""
    fields: dict[str, Item] = {}
    declared = {i.id for i in instrument.items}
    for item in page.items:
        fields[item.id] = item
        other = _other_field(instrument, item)
        # an implicit "other" text field, unless the instrument declares it as an item
        if other and other not in declared:
            fields[other] = item
    return fields


def instrument_fields(instrument: Instrument) -> dict[str, Item]:
    """Field id -> item over every page of the instrument."""
    fields: dict[str, Item] = {}
    for page in instrument.pages:
        fields.update(page_fields(instrument, page))
    return fields


def _valid_codes(item: Item, presets: Mapping[str, Sequence[str]], instrument: Instrument) -> set[int]:
    if item.options_from == "preset":
        return set(range(1, len(presets.get(item.group or item.id, [])) + 1))
    scale = instrument.response_scale(item)
    return set(scale.codes) if scale else set()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def answer_rows(
    rid: str,
    field_id: str,
    item: Item,
    value: Any,
    presets: Mapping[str, Sequence[str]],
    instrument: Instrument,
) -> list[dict[str, Any]]:
    """Checked answer rows for one field; [] for no answer."""
    base = dict(response_id=rid, item_id=field_id, position=0, multi=False, code=None, text=None)
    if value is None or value == "" or value == []:
        return []
    if field_id != item.id or item.kind == "text":  # free text (incl. "other")
        if not isinstance(value, str):
            raise InvalidAnswer(f"item '{field_id}': expected a text", "answer_not_text", item=field_id)
        text = value.strip()
        if len(text) > item.max_length:
            raise InvalidAnswer(f"item '{field_id}': text longer than {item.max_length} characters", "answer_too_long",
                                item=field_id, max=item.max_length)
        return [dict(base, text=text)] if text else []
    if item.kind == "number":
        # A decimal item's answer arrives as its code (value * 10**decimals).
        if not _is_int(value):
            raise InvalidAnswer(f"item '{field_id}': expected a whole number, got {value!r}", "answer_not_whole",
                                item=field_id, value=value)
        lo, hi = item.code_bounds
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            shown = item.value_of(value)
            raise InvalidAnswer(f"item '{field_id}': {shown} is outside {item.min}-{item.max}", "answer_out_of_range",
                                item=field_id, value=shown, min=item.min, max=item.max)
        return [dict(base, code=value)]
    codes = _valid_codes(item, presets, instrument)
    if item.kind == "single":
        if not _is_int(value) or value not in codes:
            raise InvalidAnswer(f"item '{field_id}': {value!r} is not one of its response codes", "answer_not_code",
                                item=field_id, value=value)
        return [dict(base, code=value)]
    # multi
    if not isinstance(value, (list, tuple)) or not all(_is_int(v) for v in value):
        raise InvalidAnswer(f"item '{field_id}': expected a list of response codes", "answer_not_codes",
                            item=field_id)
    chosen = list(dict.fromkeys(value))
    bad = [v for v in chosen if v not in codes]
    if bad:
        raise InvalidAnswer(f"item '{field_id}': {bad[0]!r} is not one of its response codes", "answer_not_code",
                            item=field_id, value=bad[0])
    return [dict(base, position=i, multi=True, code=v) for i, v in enumerate(chosen)]
