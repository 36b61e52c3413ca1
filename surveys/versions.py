"""What changed between two versions of an instrument, item by item.

An item is *added* or *removed* by its id, *reworded* when its text differs
in any language (the languages are named), and its *options changed* when
its kind, its answer codes, their labels or a number item's bounds differ
(:meth:`surveys.instrument.Instrument.answer_options`). The comparability
rule for waves (``scoring.comparison``) refuses a comparison of a scale or a
share whose items were reworded in Swedish or had their options changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from surveys.instrument import Instrument

ChangeKind = Literal["added", "removed", "reworded", "options"]


@dataclass(frozen=True)
class Change:
    """One change of one item; ``detail`` says what (languages, codes)."""

    kind: ChangeKind
    item: str
    detail: str = ""


def item_changes(old: Instrument, new: Instrument) -> list[Change]:
    """The changes from ``old`` to ``new``, in questionnaire order (removed items last)."""
    old_ids = {i.id for i in old.items}
    new_ids = {i.id for i in new.items}
    out: list[Change] = []
    for item in new.items:
        if item.id not in old_ids:
            out.append(Change("added", item.id))
            continue
        before = old.item(item.id)
        langs = sorted(set(before.text.values) | set(item.text.values))
        changed = [lang for lang in langs if before.text.values.get(lang) != item.text.values.get(lang)]
        if changed:
            out.append(Change("reworded", item.id, ", ".join(changed)))
        detail = _option_detail(old, new, item.id)
        if detail:
            out.append(Change("options", item.id, detail))
    out.extend(Change("removed", i.id) for i in old.items if i.id not in new_ids)
    return out


def _option_detail(old: Instrument, new: Instrument, item_id: str) -> str:
    a, b = old.item(item_id), new.item(item_id)
    if a.kind != b.kind:
        return f"kind {a.kind} -> {b.kind}"
    if a.kind == "number":
        if a.decimals != b.decimals:
            return f"decimals {a.decimals} -> {b.decimals}"
        return "" if (a.min, a.max) == (b.min, b.max) else f"range {a.min}-{a.max} -> {b.min}-{b.max}"
    before, after = dict(old.answer_options(item_id)), dict(new.answer_options(item_id))
    parts = []
    if set(before) != set(after):
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        if added:
            parts.append("codes added " + " ".join(map(str, added)))
        if removed:
            parts.append("codes removed " + " ".join(map(str, removed)))
    relabelled = sorted(c for c in set(before) & set(after) if before[c] != after[c])
    if relabelled:
        parts.append("labels changed of " + " ".join(map(str, relabelled)))
    if list(before) != list(after) and set(before) == set(after):
        parts.append("order changed")
    return "; ".join(parts)
