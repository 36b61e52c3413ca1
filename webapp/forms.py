"""WTForms built per page from the instrument.

One field per askable item, named by the item id: ``single`` -> RadioField,
``multi`` -> MultiCheckboxField (plus a ``<item>_other`` text field when an
option opens one), ``text`` -> StringField / TextAreaField with a maximum
length, ``number`` -> IntegerField with its bounds, or
:class:`DecimalAnswerField` for a decimal item (its data is the stored code).

:func:`check_tampering` rejects what no honest browser sends (an unknown
field, a code outside the scale, a repeated single value); the views turn that
into a 400 page. Everything a respondent can get wrong by typing is a normal
validation error shown beside the field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from surveys.instrument import Instrument, Item, Option

#: Form fields that are not answers.
CONTROL_FIELDS = frozenset({"csrf_token", "action", "switch_lang"})


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (``multi`` items)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        # Unknown codes are caught by check_tampering before validation.
        return None


#: A typed decimal number: digits with one decimal comma or point.
_DECIMAL_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
#: The decimal mark shown per language (both are accepted in every language).
_DECIMAL_MARK = {"sv": ","}


def decimal_text(item: Item, value: Any, lang: str | None = None, *, code: bool = True) -> str:
    """A decimal item's answer as the respondent reads it (``1,5`` in
    Swedish, ``1.5`` otherwise); ``value`` is the stored code unless ``code``
    is False (then the value itself, e.g. a bound)."""
    if value is None or value == "":
        return ""
    number = Decimal(int(value)).scaleb(-item.decimals) if code else Decimal(str(value))
    text = f"{number:.{item.decimals}f}"
    return text.replace(".", _DECIMAL_MARK.get(lang or "", "."))


class DecimalAnswerField(Field):
    """A ``number`` item with decimals, typed as text: ``1,5`` and ``1.5``
    both read; ``data`` is the stored code (value * 10**decimals). Wrong
    input, too many decimals and a value out of bounds are field errors."""

    def __init__(self, label: str, item: Item, lang: str, range_message: Any, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.item, self.lang, self.range_message = item, lang, range_message

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip().replace("\u2212", "-").replace(" ", "") if valuelist else ""
        if not text:
            self.data = None
            return
        self.data = None
        if not _DECIMAL_RE.fullmatch(text):
            raise ValueError(_l("Write a number, with a decimal comma or point (e.g. 1,5)."))
        try:
            code = self.item.code_of(text)
        except ValueError:
            raise ValueError(_l("Write at most %(decimals)d decimals.", decimals=self.item.decimals)) from None
        lo, hi = self.item.code_bounds
        if (lo is not None and code < lo) or (hi is not None and code > hi):
            raise ValueError(self.range_message)
        self.data = code

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return decimal_text(self.item, self.data, self.lang)


class RequiredChoice:
    """Like InputRequired, with a message that fits a choice question."""

    def __init__(self, message: Any) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        if field.data in (None, "", []) or field.raw_data in (None, [], [""]):
            field.errors[:] = []
            raise StopValidation(self.message)


class TamperedInput(ValueError):
    """The submitted form cannot come from the page we rendered."""


@dataclass(frozen=True)
class Question:
    """An item as shown on a page, with its resolved options."""

    item: Item
    options: tuple[Option, ...]
    #: False when the instrument declares ``<item>_other`` as an item of its own.
    own_other: bool = True

    @property
    def other_field(self) -> str | None:
        if self.own_other and self.item.kind == "multi" and any(o.other for o in self.options):
            return f"{self.item.id}_other"
        return None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(str(o.code) for o in self.options)

    def field_names(self) -> tuple[str, ...]:
        other = self.other_field
        return (self.item.id, other) if other else (self.item.id,)


def item_options(instrument: Instrument, item: Item, presets: Mapping[str, Sequence[str]]) -> tuple[Option, ...]:
    """The options of ``item``: its response scale, or the wave's preset list
    for ``options_from: preset`` group items (codes 1..n in list order)."""
    from surveys.instrument import Text

    if item.options_from == "preset" and item.group:
        labels = presets.get(item.group) or ()
        return tuple(Option(code=i, label=Text({"sv": str(label)})) for i, label in enumerate(labels, start=1))
    scale = instrument.response_scale(item)
    return scale.options if scale else ()


#: Form classes already built, by :func:`_form_key` (a page in one language).
_FORM_CLASSES: dict[tuple, type] = {}
_FORM_CLASSES_MAX = 512


def _form_key(questions: Sequence[Question], lang: str) -> tuple:
    """Everything :func:`_form_class` reads from ``questions`` in ``lang``."""
    return (lang,) + tuple(
        (
            q.item.id,
            q.item.kind,
            q.item.required,
            q.item.text.get(lang),
            q.item.min,
            q.item.max,
            q.item.decimals,
            q.item.max_length,
            q.item.multiline,
            q.item.constraint_message.get(lang) if q.item.constraint_message else None,
            q.other_field,
            tuple((o.code, o.label.get(lang)) for o in q.options),
        )
        for q in questions
    )


def build_form(questions: Sequence[Question], lang: str, formdata: Any = None, data: Mapping[str, Any] | None = None) -> FlaskForm:
    """A FlaskForm for ``questions``; ``formdata`` None means "from the request".

    The form class of a page is built once per language and process (a new
    class per request cost more than the rest of building the form)."""
    key = _form_key(questions, lang)
    form_cls = _FORM_CLASSES.get(key)
    if form_cls is None:
        if len(_FORM_CLASSES) >= _FORM_CLASSES_MAX:
            _FORM_CLASSES.clear()
        form_cls = _FORM_CLASSES[key] = _form_class(questions, lang)
    kwargs: dict[str, Any] = {}
    if formdata is not None:
        kwargs["formdata"] = formdata
    if data:
        kwargs["data"] = dict(data)
    return form_cls(**kwargs)


@dataclass(frozen=True)
class SavedField:
    """A field of :class:`SavedAnswers`: what a page form field holds when
    built from saved answers without form data (no request values, no errors)."""

    data: Any
    raw_data: None = None
    errors: tuple = ()


class SavedAnswers:
    """The saved answers of a page as its form would hold them, for showing a
    page (GET) without building the WTForms form: ``answers[name].data`` is
    coerced exactly as the page form's field coerces it (choice codes and
    numbers to ``int``, a value that cannot be coerced to None)."""

    def __init__(self, questions: Sequence[Question], values: Mapping[str, Any]) -> None:
        fields: dict[str, SavedField] = {}
        for q in questions:
            item = q.item
            value = values.get(item.id)
            if item.kind == "multi":
                fields[item.id] = SavedField(_coerce_list(value))
                if q.other_field:
                    fields[q.other_field] = SavedField(values.get(q.other_field))
            elif item.kind in ("single", "number"):
                fields[item.id] = SavedField(_coerce_int(value))
            else:
                fields[item.id] = SavedField(value)
        self._fields = fields

    def __getitem__(self, name: str) -> SavedField:
        return self._fields[name]


def _coerce_int(value: Any) -> int | None:
    # As RadioField(coerce=int) and IntegerField.process_data.
    if value is None:
        return None
    try:
        return int(value)
    except (ValueError, TypeError):
        return None


def _coerce_list(value: Any) -> list[int] | None:
    # As SelectMultipleField(coerce=int).process_data.
    try:
        return [int(v) for v in value]
    except (ValueError, TypeError):
        return None


class PageFormBase(FlaskForm):
    """The base of every page's form class."""

    class Meta:
        # CSRFProtect checks the token of every POST before any view runs
        # (and answers a bad one with the 400 page); a form of its own would
        # sign a new token and check the same one again on every page save.
        csrf = False


def _form_class(questions: Sequence[Question], lang: str) -> type:
    attrs: dict[str, Any] = {}
    for q in questions:
        item = q.item
        label = item.text.get(lang)
        if item.kind == "single":
            validators = [RequiredChoice(_l("Choose one of the options."))] if item.required else [Optional()]
            attrs[item.id] = RadioField(
                label,
                choices=[SelectChoice(o.code, o.label.get(lang)) for o in q.options],
                coerce=int,
                validators=validators,
                validate_choice=False,
            )
        elif item.kind == "multi":
            validators = [RequiredChoice(_l("Choose at least one option."))] if item.required else [Optional()]
            attrs[item.id] = MultiCheckboxField(
                label,
                choices=[SelectChoice(o.code, o.label.get(lang)) for o in q.options],
                coerce=int,
                validators=validators,
            )
            if q.other_field:
                attrs[q.other_field] = StringField(
                    _l("Other, namely"),
                    validators=[Optional(), Length(max=item.max_length, message=_l("Write at most %(max)d characters."))],
                )
        elif item.kind == "number":
            lo, hi = item.min, item.max
            validators = [InputRequired(_l("Write a number."))] if item.required else [Optional()]
            if lo is not None or hi is not None:
                message = (item.constraint_message.get(lang) if item.constraint_message
                           else _number_message(lo, hi))
                validators.append(NumberRange(min=lo, max=hi, message=message))
            if item.decimals:
                message = (item.constraint_message.get(lang) if item.constraint_message
                           else _l("Write a number from %(min)s to %(max)s.",
                                   min=decimal_text(item, lo, lang, code=False),
                                   max=decimal_text(item, hi, lang, code=False)))
                required = [InputRequired(_l("Write a number."))] if item.required else [Optional()]
                attrs[item.id] = DecimalAnswerField(label, item, lang, message, validators=required)
                continue
            attrs[item.id] = IntegerField(label, validators=validators)
        else:  # text
            length = Length(max=item.max_length, message=_l("Write at most %(max)d characters."))
            validators = [InputRequired(_l("Write an answer.")), length] if item.required else [Optional(), length]
            field_cls = TextAreaField if item.multiline else StringField
            attrs[item.id] = field_cls(label, validators=validators)
    return type("PageForm", (PageFormBase,), attrs)


def _number_message(lo: int | None, hi: int | None) -> Any:
    if lo is not None and hi is not None:
        return _l("Write a number from %(min)d to %(max)d.", min=lo, max=hi)
    if lo is not None:
        return _l("Write a number of at least %(min)d.", min=lo)
    return _l("Write a number of at most %(max)d.", max=hi)


def check_tampering(formdata: MultiDict, questions: Iterable[Question], page_fields: Iterable[str]) -> None:
    """Raise :class:`TamperedInput` when ``formdata`` holds what our page
    never offers: an unknown field, a choice code outside the item's options,
    or several values for a one-value field.

    ``page_fields`` are every field name the page could hold (items hidden by
    a condition included: their values are ignored, not refused).
    """
    allowed = set(page_fields) | CONTROL_FIELDS
    for name in formdata.keys():
        if name not in allowed:
            raise TamperedInput(f"unknown field {name!r}")
    for name in CONTROL_FIELDS:
        if len(formdata.getlist(name)) > 1:
            raise TamperedInput(f"repeated field {name!r}")
    for q in questions:
        values = formdata.getlist(q.item.id)
        if q.item.kind == "multi":
            if len(set(values)) != len(values):
                raise TamperedInput(f"repeated code for {q.item.id!r}")
        elif len(values) > 1:
            raise TamperedInput(f"several values for {q.item.id!r}")
        if q.item.kind in ("single", "multi"):
            for value in values:
                if value not in q.codes:
                    raise TamperedInput(f"code {value!r} is not an option of {q.item.id!r}")
        other = q.other_field
        if other and len(formdata.getlist(other)) > 1:
            raise TamperedInput(f"several values for {other!r}")


def form_values(form: FlaskForm, questions: Iterable[Question], *, only_valid: bool = False) -> dict[str, Any]:
    """The answers in ``form`` as the store wants them (None = no answer).

    With ``only_valid`` fields that failed validation are left out (used when
    leaving a page backwards: keep what is right, drop what is not).
    """
    values: dict[str, Any] = {}
    for q in questions:
        for name in q.field_names():
            field = form[name]
            if only_valid and field.errors:
                continue
            data = field.data
            if isinstance(data, str):
                data = data.strip() or None
            if data == []:
                data = None
            values[name] = data
    return values


def answered(value: Any) -> bool:
    """True when a stored value counts as an answer."""
    return value is not None and value != "" and value != []
