"""The instrument model: frozen dataclasses built from an instrument YAML file.

This module is the contract between the loader (``surveys.loader``), the web
forms, the dataset builder and ``scoring``. It imports nothing but the standard
library, so ``scoring`` may read these objects without pulling in Flask or
SQLAlchemy.

Vocabulary
----------
* An *item* is one question. Kinds:
  ``single`` (one option from a response scale, stored as its numeric code),
  ``multi`` (any number of options; in datasets it becomes one 0/1 column per
  option, named ``<item id>_<code>``), ``text`` (free text, never scored) and
  ``number`` (a number between ``min`` and ``max``: whole, or with up to
  ``decimals`` (1-3) decimal places; see :meth:`Item.code_of`).
* A *response scale* is declared once and referenced by items: ordered options
  with integer codes and labels. ``numeric`` scales may be averaged.
* A *group variable* is a ``single`` item with ``group: <name>`` (school,
  grade, gender, area, age_band). Its options may come from the wave's presets
  (``options_from: preset``), e.g. the list of schools; an access code tagged
  with a value for that group pre-fills it and the question is not asked.
* A *tag group* (``tag_groups``) is a group given only by the tag of a code
  batch, never asked (e.g. ``class``); it may be nested ``within`` another
  group (a class within its school) and takes its values from a declared
  list or the wave's presets. Breakdowns are only by group items and tag
  groups (see docs/privacy.md).
* A *scale* averages (or sums) items after reverse coding (``min + max - x``).
  A scale with ``method: correct`` counts items answered with their key.
* A *share* is the proportion of respondents answering one of ``codes`` on an
  item, with an optional baseline share and target.
* An *index* (trygghetsindex) classes the share of problem responses of each
  variable into 0-6 by rising cut points and averages the classes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Mapping

DEFAULT_LANGUAGE = "sv"
ItemKind = Literal["single", "multi", "text", "number"]


@dataclass(frozen=True)
class Text:
    """A text in several languages; Swedish (``sv``) is always present."""

    values: Mapping[str, str]

    def get(self, lang: str | None = None) -> str:
        """The text in ``lang``, falling back to Swedish when it is missing."""
        if lang and lang in self.values and self.values[lang]:
            return self.values[lang]
        return self.values[DEFAULT_LANGUAGE]

    def has(self, lang: str) -> bool:
        return bool(self.values.get(lang))


@dataclass(frozen=True)
class Option:
    code: int
    label: Text
    #: ``multi`` items: this option opens a free-text "other" field named
    #: ``<item id>_other``.
    other: bool = False


@dataclass(frozen=True)
class ResponseScale:
    id: str
    options: tuple[Option, ...]
    #: True when the codes are ordered numbers that may be averaged.
    numeric: bool = True
    #: Codes that mean "no answer" for scoring (e.g. "vet inte" = 9 on a
    #: numeric scale); they are stored but treated as missing in scales.
    missing_codes: tuple[int, ...] = ()

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(o.code for o in self.options)

    @property
    def valid_codes(self) -> tuple[int, ...]:
        """Codes that count as an answer in a scale (``missing_codes`` removed)."""
        return tuple(c for c in self.codes if c not in self.missing_codes)

    @property
    def min(self) -> int:
        return min(self.valid_codes)

    @property
    def max(self) -> int:
        return max(self.valid_codes)

    def label(self, code: int, lang: str | None = None) -> str | None:
        for o in self.options:
            if o.code == code:
                return o.label.get(lang)
        return None


@dataclass(frozen=True)
class Condition:
    """Show an item or page only when an earlier item's answer is in ``codes``.

    ``all_of`` / ``any_of`` combine sub-conditions; a leaf has ``item`` and
    either ``in_codes`` or ``not_in_codes``. An unanswered item satisfies no
    ``in_codes`` leaf and every ``not_in_codes`` leaf: "not in [x]" means
    "not answered x", as XLSForm's ``not(selected(${q}, 'x'))`` and
    ``${q} != 'x'`` are true in ODK while q is empty.
    """

    item: str | None = None
    in_codes: tuple[int, ...] = ()
    not_in_codes: tuple[int, ...] = ()
    all_of: tuple["Condition", ...] = ()
    any_of: tuple["Condition", ...] = ()

    def items(self) -> set[str]:
        """Every item id this condition reads."""
        ids = {self.item} if self.item else set()
        for c in (*self.all_of, *self.any_of):
            ids |= c.items()
        return ids

    def describe(self) -> str:
        """The condition in one line, e.g. ``use in [2, 3] and age not in [15]``."""
        if self.all_of:
            return " and ".join(f"({c.describe()})" if c.any_of else c.describe() for c in self.all_of)
        if self.any_of:
            return " or ".join(c.describe() for c in self.any_of)
        if self.in_codes:
            return f"{self.item} in {list(self.in_codes)}"
        return f"{self.item} not in {list(self.not_in_codes)}"

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        """True when the condition holds for ``answers`` (item id -> code or
        list of codes for ``multi`` items; absent or None = unanswered)."""
        if self.all_of:
            return all(c.evaluate(answers) for c in self.all_of)
        if self.any_of:
            return any(c.evaluate(answers) for c in self.any_of)
        value = answers.get(self.item) if self.item else None
        if value is None or value == []:
            return not self.in_codes and bool(self.not_in_codes)
        chosen = set(value) if isinstance(value, (list, tuple, set)) else {value}
        if self.in_codes:
            return bool(chosen & set(self.in_codes))
        return not (chosen & set(self.not_in_codes))


@dataclass(frozen=True)
class Item:
    id: str
    kind: ItemKind
    text: Text
    #: Response scale id for ``single`` and ``multi`` items.
    scale: str | None = None
    help: Text | None = None
    required: bool = False
    show_if: Condition | None = None
    #: Group variable name (school, grade, gender, area, age_band) or None.
    group: str | None = None
    #: ``preset``: the options are the wave's list for this group (schools...).
    options_from: Literal["scale", "preset"] = "scale"
    #: ``number`` items: inclusive bounds (decimal when ``decimals`` > 0).
    min: int | float | None = None
    max: int | float | None = None
    #: ``number`` items: decimal places allowed (0: whole numbers). A decimal
    #: answer is stored as a fixed-point whole number, value * 10**decimals.
    decimals: int = 0
    #: ``text`` items: maximum length and whether a multi-line box is shown.
    max_length: int = 2000
    multiline: bool = False
    #: True where the wording is reconstructed (the seed gives no item text).
    reconstructed: bool = False
    #: ``number`` items: the message shown for an answer outside min..max
    #: (an XLSForm's constraint_message); the engine's own wording otherwise.
    constraint_message: Text | None = None
    #: 1-based line in the YAML file where the item is declared.
    line: int = 0

    @property
    def factor(self) -> int:
        """10**decimals: a stored code is the answer times this."""
        return 10 ** self.decimals

    def code_of(self, value: Any) -> int:
        """The stored code of a ``number`` answer ``value`` (exact: a decimal
        answer 1.25 with 2 decimals is 125). Raises ValueError when ``value``
        is not a number or has more than ``decimals`` decimal places."""
        if isinstance(value, bool):
            raise ValueError(f"not a number: {value!r}")
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a number: {value!r}")
        scaled = number * self.factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"more than {self.decimals} decimal places: {value!r}")
        return int(scaled)

    def value_of(self, code: int | float) -> int | float:
        """The answer a stored code stands for (the code itself for whole numbers)."""
        return code if not self.decimals else code / self.factor

    @property
    def code_bounds(self) -> tuple[int | None, int | None]:
        """``min`` and ``max`` as stored codes."""
        return tuple(None if b is None else self.code_of(b) for b in (self.min, self.max))  # type: ignore[return-value]


@dataclass(frozen=True)
class Note:
    """A text shown on its page only when ``show_if`` holds (an XLSForm
    ``note`` row with its own ``relevant``): below the question ``after``
    (an item of the same page), or at the top of the page when None."""

    id: str
    text: Text
    show_if: Condition | None = None
    after: str | None = None

    def shown(self, answers: Mapping[str, object]) -> bool:
        """True when the note is shown for ``answers``."""
        return self.show_if is None or self.show_if.evaluate(answers)


@dataclass(frozen=True)
class Page:
    id: str
    title: Text
    items: tuple[Item, ...]
    intro: Text | None = None
    show_if: Condition | None = None
    #: Notes with their own condition, shown below the intro in this order.
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Baseline:
    value: float
    year: int | None = None
    source: str | None = None
    #: True where the figure is an assumption, not a published value.
    assumption: bool = False


@dataclass(frozen=True)
class Target:
    value: float
    year: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Scale:
    id: str
    label: Text
    items: tuple[str, ...]
    reversed: tuple[str, ...] = ()
    min_answered: int = 1
    #: ``mean`` or ``sum`` of the (reverse-coded) items; ``correct`` counts the
    #: items answered with their ``key`` code (knowledge score).
    method: Literal["mean", "sum", "correct"] = "mean"
    key: Mapping[str, int] = field(default_factory=dict)
    baseline: Baseline | None = None
    target: Target | None = None
    #: The response range every item of the scale shares (set by the loader).
    response_min: int = 1
    response_max: int = 6


@dataclass(frozen=True)
class Share:
    id: str
    item: str
    codes: tuple[int, ...]
    label: Text
    baseline: Baseline | None = None
    target: Target | None = None


@dataclass(frozen=True)
class IndexVariable:
    id: str
    item: str
    problem: tuple[int, ...]
    label: Text
    family: Literal["victimisation", "worry", "disorder"]
    #: Six rising shares (0-1): a problem share >= cut_points[k-1] is class k.
    cut_points: tuple[float, ...]


@dataclass(frozen=True)
class IndexLevel:
    max: float
    label: Text
    colour: str


@dataclass(frozen=True)
class Index:
    id: str
    label: Text
    variables: tuple[IndexVariable, ...]
    levels: tuple[IndexLevel, ...]
    #: A variable enters an area's index only with at least this many answers.
    min_answers: int = 5
    baseline: Baseline | None = None
    #: The goal: an index at or below this value in every area.
    goal_max: float | None = None


@dataclass(frozen=True)
class TagGroup:
    """A group given only by a code batch's tag (never asked), e.g. class."""

    id: str
    label: Text
    #: The group it is nested in (a class within its school), or None.
    within: str | None = None
    #: The allowed values; empty: the wave's presets for this group.
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    response_scales: Mapping[str, ResponseScale]
    pages: tuple[Page, ...]
    scales: Mapping[str, Scale] = field(default_factory=dict)
    shares: Mapping[str, Share] = field(default_factory=dict)
    indices: Mapping[str, Index] = field(default_factory=dict)
    #: Aggregate cells with fewer respondents than this are hidden.
    suppression_min_n: int = 5
    description: Text | None = None
    #: sha256 (hex) of the canonical JSON form of the file's content.
    sha256: str = ""
    #: Path of the file it was loaded from (for messages).
    path: str = ""
    #: Where the content comes from and which parts are reconstructed or assumed.
    provenance: str = ""
    #: Groups given only by code batch tags (e.g. class), see :class:`TagGroup`.
    tag_groups: tuple[TagGroup, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, in questionnaire order."""
        return tuple(item for page in self.pages for item in page.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def group_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.group)

    @property
    def group_columns(self) -> tuple[str, ...]:
        """The declared group columns, the only ones results break down by
        and code batches are tagged with: group items, then tag groups."""
        return tuple(i.group for i in self.group_items) + tuple(t.id for t in self.tag_groups)

    @property
    def nested_groups(self) -> dict[str, str]:
        """Tag group -> the group it is nested in."""
        return {t.id: t.within for t in self.tag_groups if t.within}

    def response_scale(self, item: Item) -> ResponseScale | None:
        return self.response_scales.get(item.scale) if item.scale else None

    def answer_options(self, item_id: str) -> tuple[tuple[int, Mapping[str, str]], ...]:
        """What a respondent can answer to ``item_id``: (code, label texts) of
        its options; a number item's bounds as ((min, {}), (max, {})) (then
        (decimals, {"decimals": "d"}) for a decimal item); empty
        for text items and wave-preset lists. Two versions whose item has the
        same wording (``item.text``) and answer options ask the same question."""
        item = self.item(item_id)
        if item.kind == "number":
            bounds = ((item.min or 0, {}), (item.max or 0, {}))
            # decimal places change what can be answered (whole numbers: as before)
            return bounds + (((item.decimals, {"decimals": str(item.decimals)}),) if item.decimals else ())
        scale = self.response_scale(item)
        if scale is None:
            return ()
        return tuple((o.code, dict(o.label.values)) for o in scale.options)
