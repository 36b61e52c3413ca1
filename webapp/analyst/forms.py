"""The analyst forms (Flask-WTF: every form carries a CSRF token)."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (DateField, EmailField, HiddenField, IntegerField, PasswordField, RadioField, SelectChoice, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from surveys.store.waves import YEAR_MAX, YEAR_MIN

#: WTForms' Regexp uses ``re.match``: ``\Z`` (not ``$``) anchors at the very
#: end, so a final newline is refused.
SLUG_PATTERN = r"\A[a-z0-9][a-z0-9-]{0,99}\Z"


class PostForm(FlaskForm):
    """A button-only form (open, close, logout): the CSRF token and nothing else."""


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class PasswordForm(FlaskForm):
    """Change one's own password: the current one, the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1000)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1000)],
                        description=_l("At least 12 characters; spaces are fine. A commonly used "
                                       "password is refused."))
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=1000)])


class WaveForm(FlaskForm):
    instrument = SelectField(_l("Instrument version"), validators=[DataRequired()])
    slug = StringField(_l("Address name (slug)"), validators=[
        DataRequired(), Regexp(SLUG_PATTERN, message=_l(
            "Use lower-case letters, digits and dashes, e.g. cannabis-2018."))],
        description=_l("The survey is answered at /s/<slug>/."))
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=200)],
                        description=_l('For example "2018".'))
    year = IntegerField(_l("Survey year"), validators=[
        Optional(), NumberRange(min=YEAR_MIN, max=YEAR_MAX, message=_l("Give a year from %(min)s to %(max)s."))],
        description=_l("The year the survey was carried out. The previous wave is the one with the "
                       "latest year before it, whatever order the waves were entered in."))
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
    #: The server's signature over the batch (surveys.batch_signature).
    signature = HiddenField(validators=[Optional(), Length(max=500)])


class RetentionForm(FlaskForm):
    """A wave's retention date (empty: none)."""

    retain_until = DateField(_l("Keep the raw answers and codes until"), validators=[Optional()],
                             description=_l("After this day `survey-engine waves purge` deletes them; "
                                            "the published results are kept."))


class DeleteWaveForm(FlaskForm):
    """Deleting a wave: the admin types its address name to confirm."""

    confirm = StringField(_l("Type the wave's address name to confirm"),
                          validators=[DataRequired(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    year = IntegerField(_l("Survey year of these answers"), validators=[
        Optional(), NumberRange(min=YEAR_MIN, max=YEAR_MAX, message=_l("Give a year from %(min)s to %(max)s."))],
        description=_l("Saved as the wave's survey year with the answers, so that the wave is compared with "
                       "the right earlier and later waves."))
