"""Instrument versions in the analyst workspace: the list of versions (hash,
what changed, the waves that use each), uploading an XLSForm or YAML file as
a draft (refused with the same one-line problems as the command line), a
preview of every respondent page in each language where conditions can be
tried, and publishing a draft as the newest version. Uploading and
publishing are for admins; every analyst may look."""
from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from surveys.instrument import Instrument, Option, Text
from surveys.loader import InstrumentError, load_instrument_text
from surveys.store import StoreError, UnknownInstrument
from surveys.versions import item_changes
from surveys.xlsform import XLSFormError, import_xlsform_bytes
from webapp import store
from webapp.analyst import bp
from webapp.analyst.forms import PostForm
from webapp.analyst.messages import instrument_error_line, store_error_message, xlsform_problem_line
from webapp.analyst.views import visible_surveys
from webapp.forms import Question, SavedAnswers

#: Largest instrument file accepted (the app's default cap is 64 KiB).
UPLOAD_MAX_BYTES = 4 * 1024 * 1024
#: Import notes shown after an upload (they travel in the session cookie).
MAX_NOTES = 8
#: Options shown in the preview for a list that each wave gives (e.g. the schools).
PRESET_PREVIEW = 3


class InstrumentUploadForm(FlaskForm):
    file = FileField(_l("XLSForm (.xlsx) or instrument file (.yaml)"), validators=[FileRequired()])


@bp.before_app_request
def _allow_instrument_upload() -> None:
    if request.endpoint == "analyst.upload_instrument":
        request.max_content_length = UPLOAD_MAX_BYTES


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _changes(info: Any, previous: str | None) -> list[Any] | None:
    if not previous:
        return None
    try:
        return item_changes(store().instrument(previous), store().instrument(info.sha256))
    except UnknownInstrument:
        return None


def _newest_published(infos: list[Any], instrument_id: str) -> str | None:
    """The version a draft would follow: the one no other published version follows."""
    published = [i for i in infos if i.instrument_id == instrument_id and i.published]
    followed = {i.previous_sha256 for i in published}
    heads = [i for i in published if i.sha256 not in followed]
    return heads[-1].sha256 if heads else None


@bp.get("/instruments/")
@login_required
def instrument_versions(form: InstrumentUploadForm | None = None, problems: list[str] | None = None,
                        status: int = 200) -> Any:
    infos = store().instrument_versions()
    waves: dict[str, list[Any]] = defaultdict(list)
    for survey in visible_surveys():
        waves[survey.instrument_sha256].append(survey)
    rows = []
    for info in infos:
        previous = info.previous_sha256 if info.published else _newest_published(infos, info.instrument_id)
        rows.append({"info": info, "previous": previous, "changes": _changes(info, previous),
                     "waves": waves.get(info.sha256, [])})
    return render_template("analyst/instruments.html", rows=rows, form=form or InstrumentUploadForm(),
                           problems=problems, short=lambda sha: sha[:12]), status


@bp.post("/instruments/upload")
@login_required
def upload_instrument() -> Any:
    _require_admin()
    form = InstrumentUploadForm()
    if not form.validate_on_submit():
        return instrument_versions(form, None, 400)
    upload = form.file.data
    name = PurePath(upload.filename or "upload").name
    data = upload.read()
    notes: list[str] = []
    try:
        if name.lower().endswith(".xlsx"):
            result = import_xlsform_bytes(data, name)
            instrument, text, fmt = result.instrument, result.yaml_text, "xlsform"
            notes = [xlsform_problem_line(n) for n in result.notes]
        elif name.lower().endswith((".yaml", ".yml")):
            text = data.decode("utf-8")
            instrument, fmt = load_instrument_text(text, name), "yaml"
        else:
            return instrument_versions(form, [_("%(name)s: choose an XLSForm (.xlsx) or an instrument file "
                                                "(.yaml).", name=name)], 400)
    except XLSFormError as exc:
        return instrument_versions(form, [xlsform_problem_line(p) for p in exc.problems], 400)
    except InstrumentError as exc:
        return instrument_versions(form, [instrument_error_line(e) for e in exc.errors], 400)
    except UnicodeDecodeError:
        return instrument_versions(form, [_("%(name)s: the file is not UTF-8 text.", name=name)], 400)
    info = store().add_draft(instrument, text, fmt)
    if info.published:
        flash(_("This content is already published as version %(version)s.", version=info.version), "info")
    else:
        flash(_("The file is valid. Preview the pages, then publish it as a new version."), "info")
    for note in notes[:MAX_NOTES]:  # what the import assumed (e.g. codes given to named choices)
        flash(note, "note")
    if len(notes) > MAX_NOTES:
        flash(_("… and %(n)s more notes (instruments import-xlsform prints them all).", n=len(notes) - MAX_NOTES),
              "note")
    return redirect(url_for("analyst.preview_instrument", sha256=info.sha256))


def _answers(instrument: Instrument) -> dict[str, Any]:
    """The answers tried in the preview (query string), as codes."""
    out: dict[str, Any] = {}
    for item in instrument.items:
        values = [v for v in request.args.getlist(item.id) if v.strip()]
        if not values or item.kind == "text":
            continue
        try:
            codes = [int(v) for v in values]
        except ValueError:
            continue
        out[item.id] = codes if item.kind == "multi" else codes[0]
    return out


def _preview_options(instrument: Instrument, item: Any) -> tuple[Option, ...]:
    if item.options_from == "preset":
        label = _("Value %(n)s of the wave's list", n="{n}")
        return tuple(Option(code=n, label=Text({"sv": label.replace("{n}", str(n))}))
                     for n in range(1, PRESET_PREVIEW + 1))
    scale = instrument.response_scale(item)
    return scale.options if scale else ()


@bp.get("/instruments/<sha256>/")
@login_required
def preview_instrument(sha256: str) -> Any:
    try:
        info = store().instrument_info(sha256)
    except UnknownInstrument:
        abort(404)
    instrument = store().instrument(sha256)
    lang = request.args.get("language") or "sv"
    if lang not in instrument.languages:
        lang = "sv"
    answers = _answers(instrument)
    own_other = {i.id for i in instrument.items}
    pages = []
    for number, page in enumerate(instrument.pages, start=1):
        page_shown = page.show_if is None or page.show_if.evaluate(answers)
        questions = []
        for item in page.items:
            shown = page_shown and (item.show_if is None or item.show_if.evaluate(answers))
            questions.append((Question(item, _preview_options(instrument, item),
                                       own_other=f"{item.id}_other" not in own_other), shown))
        form = SavedAnswers([q for q, _shown in questions], answers)
        # every conditional note below the question it follows, shown or not
        notes: dict[str | None, list[dict[str, Any]]] = {}
        for note in page.notes:
            notes.setdefault(note.after, []).append({"note": note, "shown_here": note.shown(answers)})
        pages.append({"number": number, "page": page, "shown": page_shown, "questions": questions, "form": form,
                      "notes": notes})
    infos = store().instrument_versions()
    previous = info.previous_sha256 if info.published else _newest_published(infos, info.instrument_id)
    return render_template("analyst/instrument_preview.html", info=info, instrument=instrument,
                           preview_lang=lang, pages=pages, changes=_changes(info, previous),
                           previous=previous, publish=PostForm(), tried=bool(answers))


@bp.get("/instruments/<sha256>/<name>.xlsx")
@login_required
def download_xlsform(sha256: str, name: str) -> Any:
    """The version as an XLSForm: the starting point for the next version in Excel."""
    from surveys.loader import parse_document
    from surveys.xlsform import export_xlsform
    from webapp.analyst.views import _attachment

    try:
        info = store().instrument_info(sha256)
        source = store().instrument_source(sha256)
    except UnknownInstrument:
        abort(404)
    doc, _lines = parse_document(source, f"{info.instrument_id}.yaml")
    return _attachment(export_xlsform(doc), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       f"{info.instrument_id}-{info.version}.xlsx")


@bp.post("/instruments/<sha256>/publish")
@login_required
def publish_instrument(sha256: str) -> Any:
    _require_admin()
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        info = store().publish_instrument(sha256)
    except UnknownInstrument:
        abort(404)
    except StoreError as exc:
        flash(store_error_message(exc), "error")
        return redirect(url_for("analyst.preview_instrument", sha256=sha256))
    flash(_("Version %(version)s of %(instrument)s is published; new waves can use it.",
            version=info.version, instrument=info.instrument_id), "info")
    return redirect(url_for("analyst.instrument_versions"))
