"""The analyst forms (Flask-WTF: every form carries a CSRF token)."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (EmailField, IntegerField, PasswordField, RadioField, SelectChoice, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"


class PostForm(FlaskForm):
    """A button-only form (open, close, logout): the CSRF token and nothing else."""


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class WaveForm(FlaskForm):
    instrument = SelectField(_l("Instrument version"), validators=[DataRequired()])
    slug = StringField(_l("Address name (slug)"), validators=[
        DataRequired(), Regexp(SLUG_PATTERN, message=_l(
            "Use lower-case letters, digits and dashes, e.g. cannabis-2018."))],
        description=_l("The survey is answered at /s/<slug>/."))
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=200)],
                        description=_l('For example "2018".'))
    mode = RadioField(_l("How respondents get in"), choices=[
        SelectChoice("codes", _l("One-time codes")), SelectChoice("open", _l("Open link"))], default="codes")
    presets = TextAreaField(_l("Lists for the survey"), validators=[Optional()],
                            description=_l('One line per group: "school: Skola A; Skola B". '
                                           "Needed for groups whose options come from the "
                                           "survey (the schools)."))


class CodesForm(FlaskForm):
    """A batch of codes; :func:`codes_form` adds one drop-down per group the
    batch may be tagged with."""

    count = IntegerField(_l("Number of codes"), default=30,
                         validators=[InputRequired(), NumberRange(min=1, max=2000)])
    output = RadioField(_l("Get the codes as"), choices=[
        SelectChoice("html", _l("Printable slips (web page)")), SelectChoice("pdf", _l("PDF")),
        SelectChoice("csv", _l("CSV"))], default="html")

    #: (group, field name) of the tag drop-downs, in the instrument's order
    tag_fields: list[tuple[str, str]] = []

    def tags(self) -> dict[str, str]:
        """The chosen group values (groups left at "(none)" are not tags)."""
        return {group: self[name].data for group, name in self.tag_fields if self[name].data}


def codes_form(values: Mapping[str, Sequence[str]], label: Callable[[str], str]) -> CodesForm:
    """The codes form with a drop-down per group in ``values`` (group ->
    the values a batch may be tagged with); only those values validate."""

    class BatchForm(CodesForm):
        pass

    fields = []
    for group, allowed in values.items():
        name = f"tag_{group}"
        setattr(BatchForm, name, SelectField(
            label(group), default="", validate_choice=True,
            choices=[SelectChoice("", _l("(none)"))] + [SelectChoice(v, v) for v in allowed]))
        fields.append((group, name))
    BatchForm.tag_fields = fields
    return BatchForm()


class SlipsForm(FlaskForm):
    """The codes of the batch just issued, posted back from the print view to
    get the same codes as PDF or CSV."""

    codes = TextAreaField(validators=[DataRequired()])
    tags = TextAreaField(validators=[Optional()])
    output = SelectField(choices=[SelectChoice("pdf", "PDF"), SelectChoice("csv", "CSV")])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
