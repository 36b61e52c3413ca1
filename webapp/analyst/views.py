"""The analyst pages: survey list, waves, codes, progress, results,
comparison, CSV import, downloads. Every view needs a logged-in analyst, and
a survey page needs a grant for that survey (admins see all)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, Response, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectChoice

from scoring.disclosure import BreakdownError
from scoring.errors import IncomparableError, ScoringError
from surveys import accounts, audit
from surveys.batch_signature import batch_is_signed, sign_batch
from surveys.codes import normalise_code, format_code
from surveys.exports import FORMATS
from surveys.importer import import_wave
from surveys.store import StoreError, UnknownSurvey
from surveys.store.groups import tag_values
from webapp import store
from webapp.attachments import attachment
from webapp.body_limits import body_limit
from surveys.service import access, comparison as cmp, downloads as files, progress as prog, waves
from surveys.service.trend import wave_trend
from scoring.trend import SIGNIFICANCE_LEVEL
from webapp.analyst import bp, results as res
from webapp.analyst.trend_view import trend_sections
from webapp.analyst.forms import ImportForm, PostForm, RetentionForm, SlipsForm, WaveForm, codes_form
from webapp.analyst.messages import (breakdown_message, import_rejection_message, incomparable_message,
                                     report_message, scoring_message, store_error_message)
from webapp.analyst.slips import slips_csv, slips_pdf

#: Largest CSV accepted by the import page (the app's default cap is 64 KiB).
IMPORT_MAX_BYTES = 20 * 1024 * 1024
#: How the pages name the usual group variables (others show their own name).
GROUP_LABELS = {"school": _l("School"), "grade": _l("Grade"), "gender": _l("Gender"),
                "area": _l("Area"), "age_band": _l("Age group"), "class": _l("Class")}
#: The download titles in the interface language; surveys.exports keeps
#: English ones, shown for a format missing here.
DOWNLOAD_TITLES = {
    "raw-csv": _l("Raw answers, CSV (UTF-8, comma)"),
    "raw-csv-sv": _l("Raw answers, CSV for Swedish Excel (semicolon, decimal comma)"),
    "raw-xlsx": _l("Raw answers, Excel (data, codebook, scores)"),
    "raw-sav": _l("Raw answers, SPSS .sav with labels"),
    "codebook-csv": _l("Codebook, CSV"),
    "codebook-xlsx": _l("Codebook, Excel"),
    "codebook-html": _l("Codebook, HTML"),
    "scores-json": _l("Scored results, JSON"),
    "scores-xlsx": _l("Scored results, Excel"),
}


@bp.context_processor
def _analyst_labels() -> dict[str, Any]:
    def group_label(name: str) -> str:
        return str(GROUP_LABELS.get(name, name))

    def download_title(fmt: Any) -> str:
        return str(DOWNLOAD_TITLES.get(fmt.key, fmt.title))

    return {"group_label": group_label, "download_title": download_title}


def _lang() -> str:
    from webapp.i18n import current_language

    return current_language()


def visible_surveys() -> list[Any]:
    """The surveys the current user may see (all for an admin)."""
    return access.visible_surveys(store(), current_user.info)


def survey_or_404(slug: str) -> Any:
    """The survey, if it exists and the current user may see it; else 404
    (an analyst learns nothing about surveys not granted to them)."""
    try:
        return access.visible_wave(store(), current_user.info, slug)
    except UnknownSurvey:
        abort(404)


def _survey_url(slug: str) -> str:
    """The respondent address of a wave (printed on the slips)."""
    return request.host_url.rstrip("/") + f"/s/{slug}/"


@bp.get("/")
@login_required
def surveys() -> Any:
    rows = []
    for s in visible_surveys():
        counts = store().progress(s.slug, groups=False)["total"]
        rows.append((s, counts))
    return render_template("analyst/surveys.html", rows=rows)


def _parse_lines(text: str, sep: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        key, found, value = line.partition(sep)
        if not found or not key.strip() or not value.strip():
            raise ValueError(line.strip())
        out[key.strip()] = value.strip()
    return out


def _new_wave_refusal(exc: StoreError, slug: str) -> str:
    """Why a wave was not created. A taken address is named as such only to
    whoever may see that wave: to anyone else it is just unusable."""
    if exc.reason == "slug_taken" and not accounts.can_see(store(), current_user.info, slug):
        return _("The address %(slug)s cannot be used; choose another.", slug=slug)
    return store_error_message(exc)


@bp.route("/waves/new", methods=["GET", "POST"])
@login_required
def new_wave() -> Any:
    form = WaveForm(year=dt.date.today().year)
    infos = store().instruments()
    form.instrument.choices = [SelectChoice(i.sha256, f"{i.instrument_id} {i.version} ({i.sha256[:10]})")
                               for i in infos]
    error = None
    if form.validate_on_submit():
        try:
            presets = {k: [v.strip() for v in vals.split(";") if v.strip()]
                       for k, vals in _parse_lines(form.presets.data, ":").items()}
        except ValueError as exc:
            error = _("Cannot read the line \"%(line)s\": write \"group: A; B; C\".", line=exc)
        else:
            try:
                store().create_survey(slug=form.slug.data, instrument_sha256=form.instrument.data,
                                      label=form.label.data, mode=form.mode.data, presets=presets,
                                      year=form.year.data)
            except StoreError as exc:
                error = _new_wave_refusal(exc, form.slug.data)
            else:
                audit.record(store(), current_user.email, "wave_create", form.slug.data)
                if not current_user.is_admin:
                    accounts.grant_survey(store(), current_user.id, form.slug.data)
                    audit.record(store(), current_user.email, "grant", form.slug.data, current_user.email)
                flash(_("The wave %(slug)s was created. It is closed until you open it.",
                        slug=form.slug.data), "info")
                return redirect(url_for("analyst.survey", slug=form.slug.data))
    status = 400 if error or (request.method == "POST" and form.errors) else 200
    return render_template("analyst/new_wave.html", form=form, error=error,
                           instruments=infos), status


@bp.get("/<slug>/")
@login_required
def survey(slug: str) -> Any:
    s = survey_or_404(slug)
    instrument = store().instrument(s.instrument_sha256)
    life = store().lifecycle(slug)
    return render_template("analyst/survey.html", survey=s, instrument=instrument,
                           form=PostForm(), url=_survey_url(slug),
                           total=store().progress(slug, groups=False)["total"], life=life,
                           retention_form=RetentionForm(retain_until=life["retain_until"]))


def _set_open(slug: str, opening: bool) -> Any:
    survey_or_404(slug)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        store().set_open(slug, opening)
    except StoreError as exc:
        flash(store_error_message(exc), "error")
        return redirect(url_for("analyst.survey", slug=slug))
    audit.record(store(), current_user.email, "wave_open" if opening else "wave_close", slug)
    flash(_("The wave is open for answers.") if opening else _("The wave is closed."), "info")
    return redirect(url_for("analyst.survey", slug=slug))


@bp.post("/<slug>/open")
@login_required
def open_wave(slug: str) -> Any:
    return _set_open(slug, True)


@bp.post("/<slug>/close")
@login_required
def close_wave(slug: str) -> Any:
    return _set_open(slug, False)


# ------------------------------------------------------------------ codes
@bp.route("/<slug>/codes", methods=["GET", "POST"])
@login_required
def codes(slug: str) -> Any:
    s = survey_or_404(slug)
    instrument = store().instrument(s.instrument_sha256)
    form = codes_form(tag_values(instrument, s.presets), lambda g: str(GROUP_LABELS.get(g, g)))
    error = None
    if s.mode != "codes":
        error = _("This wave uses an open link; it has no codes.")
    elif form.validate_on_submit():
        tags = form.tags()
        try:
            issued = store().issue_codes(slug, form.count.data, tags)
        except StoreError as exc:
            error = store_error_message(exc)
        else:
            audit.record(store(), current_user.email, "codes_issue", slug,
                         f"{len(issued)} codes, as {form.output.data}")
            return _slips(s, issued, tags, form.output.data)
    status = 400 if error or (request.method == "POST" and form.errors) else 200
    return render_template("analyst/codes.html", survey=s, form=form, error=error,
                           min_n=instrument.suppression_min_n,
                           batches=store().code_batches(slug) if s.mode == "codes" else []), status


def _slips(s: Any, codes: list[str], tags: dict[str, Any], output: str) -> Any:
    url = _survey_url(s.slug)
    title = s.label
    if output == "pdf":
        return _attachment(slips_pdf(f"{title}", url, codes, tags), "application/pdf",
                           f"{s.slug}-codes.pdf")
    if output == "csv":
        return _attachment(slips_csv(codes, tags, url), "text/csv", f"{s.slug}-codes.csv")
    form = SlipsForm(codes="\n".join(codes), tags="\n".join(f"{k} = {v}" for k, v in tags.items()),
                     signature=sign_batch(current_app.secret_key, s.slug, codes, tags))
    return render_template("analyst/slips.html", survey=s, codes=codes, tags=tags, url=url,
                           form=form)


@bp.post("/<slug>/codes/slips")
@login_required
def slips_again(slug: str) -> Any:
    """The batch just shown in the print view, as PDF or CSV (the codes come
    back from that page: the server never keeps them in clear)."""
    s = survey_or_404(slug)
    form = SlipsForm()
    if not form.validate_on_submit():
        abort(400)
    codes = [normalise_code(c) for c in form.codes.data.split()]
    if not codes or any(c is None for c in codes) or len(codes) > 2000:
        abort(400)
    try:
        tags = _parse_lines(form.tags.data, "=")
    except ValueError:
        abort(400)
    shown = [format_code(c) for c in codes]
    if not batch_is_signed(current_app.secret_key, form.signature.data or "", s.slug, shown, tags):
        message = _("These codes are not the batch this wave's print view showed, or the print view "
                    "is older than a day. Nothing was downloaded; issue the codes again if you need them.")
        return render_template("analyst/message.html", title=_("Not the batch that was issued"),
                               message=message, back=url_for("analyst.codes", slug=s.slug),
                               back_label=_("Back to the codes")), 400
    audit.record(store(), current_user.email, "codes_slips", s.slug, f"{len(shown)} codes, as {form.output.data}")
    return _slips(s, shown, tags, form.output.data)


def _attachment(data: Any, mimetype: str, filename: str) -> Response:
    """A download (bytes, or an iterable of chunks streamed as they come)."""
    return attachment(data, mimetype, filename)


# --------------------------------------------------------------- progress
@bp.get("/<slug>/progress")
@login_required
def progress(slug: str) -> Any:
    s = survey_or_404(slug)
    instrument = store().instrument(s.instrument_sha256)
    return render_template("analyst/progress.html", survey=s, p=prog.wave_progress(store(), slug, instrument),
                           min_n=instrument.suppression_min_n, hidden=res.HIDDEN,
                           no_answer=_("No answer"))


# ---------------------------------------------------------------- results
def earlier_waves(s: Any) -> list[Any]:
    """Other visible waves of the same instrument (any version), by survey
    year, the latest first."""
    return sorted((o for o in visible_surveys() if o.instrument_id == s.instrument_id and o.slug != s.slug),
                  key=cmp.wave_order, reverse=True)


def _comparison(s: Any, other: str | None) -> cmp.Comparison:
    """The wave to compare with (:func:`surveys.service.comparison.choose_comparison`);
    the wave itself is a 400, a wave not visible a 404."""
    try:
        return cmp.choose_comparison(store(), s, other, current_user.info)
    except cmp.SameWave:
        abort(400)
    except UnknownSurvey:
        abort(404)


def _compare_notes(comparison: cmp.Comparison) -> list[str]:
    """What the page says about the comparison: the automatic choice, and
    each earlier wave passed over with the reason."""
    notes = [_("The earlier wave %(label)s (%(slug)s) is not compared: %(reason)s",
               label=k.survey.label, slug=k.survey.slug, reason=incomparable_message(k.reason))
             for k in comparison.skipped]
    if comparison.automatic:
        notes.insert(0, _("Compared with the previous wave of the same survey, %(label)s "
                          "(%(slug)s). Choose another wave or none under \"Compare with\".",
                          label=comparison.wave.survey.label, slug=comparison.wave.survey.slug))
    return notes


def _results_page(slug: str, other: str | None) -> Any:
    s = survey_or_404(slug)
    life = store().lifecycle(slug)
    if life["purged_on"]:  # only the frozen, published aggregates are left
        return render_template("analyst/purged.html", survey=s, life=life)
    wave = waves.load_wave(store(), slug)
    groups = waves.breakdown_columns(wave)
    lang = _lang()
    try:
        by = list(waves.requested_breakdown(request.args.getlist("by")))
        report, made = cmp.compared_report(wave, by, _comparison(s, other))
    except BreakdownError as exc:
        return render_template("analyst/refused.html", survey=s, message=breakdown_message(exc),
                               title=_("This breakdown is not published")), 400
    except IncomparableError as exc:
        return render_template("analyst/refused.html", survey=s, message=incomparable_message(exc)), 409
    except ScoringError as exc:
        return render_template("analyst/refused.html", survey=s, message=scoring_message(exc),
                               title=_("These results cannot be computed")), 400
    compare = made.wave
    sections = res.scale_sections(report, lang)
    share = res.share_section(report, lang)
    if share:
        sections.append(share)
    sections += res.index_sections(report, wave.instrument, lang)
    sections += res.theme_sections(report, wave.instrument, lang)
    comparison = res.comparison_section(report, lang)
    trend = trend_sections(wave_trend(store(), s, visible_surveys()), lang)
    texts_page = max(0, request.args.get("texts_page", 0, type=int))
    texts = res.free_texts(wave.instrument, wave.dataset, lang, texts_page)
    choice = other if other else ""
    return render_template(
        "analyst/results.html", survey=s, report=report, sections=sections,
        comparison=comparison, other=compare.survey if compare else None,
        texts=texts, texts_links=_texts_links(texts, texts_page), groups=groups, by=by,
        earlier=earlier_waves(s), min_n=wave.instrument.suppression_min_n,
        any_hidden=any(sec.has_hidden for sec in sections), compare_notes=_compare_notes(made),
        compare_choice=choice, no_comparison=cmp.NO_COMPARISON, trend=trend,
        significance_level=SIGNIFICANCE_LEVEL)


def _texts_links(texts: list[Any], page: int) -> dict[str, str | None]:
    """Links to the free-text answers' earlier and next pages (None: none)."""
    def url(k: int) -> str:
        args = request.args.to_dict(flat=False)
        args["texts_page"] = [str(k)]
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    more = any(t.first - 1 + len(t.answers) < t.total for t in texts)
    return {"earlier": url(page - 1) if page > 0 else None, "more": url(page + 1) if more else None}


@bp.get("/<slug>/results")
@login_required
def results(slug: str) -> Any:
    return _results_page(slug, request.args.get("compare") or None)


@bp.get("/<slug>/compare/<other>")
@login_required
def compare(slug: str, other: str) -> Any:
    return _results_page(slug, other)


@bp.get("/<slug>/report.pdf")
@login_required
def report_pdf(slug: str) -> Any:
    """The wave's yearly report as a tagged PDF (``?lang=sv|en``, default the
    interface language), compared with the previous comparable wave."""
    from surveys.yearly_report import ReportRefused, render_pdf, yearly_report

    s = survey_or_404(slug)
    lang = request.args.get("lang") or _lang()
    try:
        document = yearly_report(store(), slug, visible_surveys(), lang)
    except ReportRefused as exc:
        return render_template("analyst/message.html", title=_("No yearly report"), message=report_message(exc),
                               back=url_for("analyst.results", slug=s.slug),
                               back_label=_("Back to the results")), 400
    audit.record(store(), current_user.email, "download", slug, f"report.pdf ({lang})")
    return _attachment(render_pdf(document), "application/pdf", f"{slug}-report-{lang}.pdf")


# ----------------------------------------------------------------- import
@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> Any:
    """A file over the import limit gets the import's own message (other
    analyst forms keep the general one)."""
    if request.endpoint == "analyst.import_csv":
        message = _("The file is larger than %(mib)d MiB; nothing was imported. Split it into smaller "
                    "files and import them one after the other.", mib=IMPORT_MAX_BYTES // (1024 * 1024))
        slug = (request.view_args or {}).get("slug", "")
        back = url_for("analyst.import_csv", slug=slug) if slug else None
        return render_template("analyst/message.html", title=_("The file is too large"), message=message,
                               back=back, back_label=_("Back to the import")), 413
    from webapp.errors import render_error

    return render_error(413)


@bp.route("/<slug>/import", methods=["GET", "POST"])
@body_limit("analyst.import_csv", IMPORT_MAX_BYTES)
@login_required
def import_csv(slug: str) -> Any:
    s = survey_or_404(slug)
    form = ImportForm(year=s.year)
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        report = import_wave(store(), slug, upload.read(), name=upload.filename or "upload.csv")
        if report.imported:
            if form.year.data and form.year.data != s.year:
                store().set_year(slug, form.year.data)
                audit.record(store(), current_user.email, "wave_year", slug, str(form.year.data))
            audit.record(store(), current_user.email, "import", slug, f"{report.imported} responses")
            flash(_("%(n)s responses imported.", n=report.imported), "info")
            if report.dropped_columns:
                flash(_("The columns %(columns)s are not groups of this survey and were not stored.",
                        columns=", ".join(report.dropped_columns)), "info")
            return redirect(url_for("analyst.survey", slug=slug))
    status = 400 if report is not None or (request.method == "POST" and form.errors) else 200
    return render_template("analyst/import.html", survey=s, form=form, report=report,
                           why=import_rejection_message), status


# -------------------------------------------------------------- downloads
@bp.get("/<slug>/downloads")
@login_required
def downloads(slug: str) -> Any:
    s = survey_or_404(slug)
    return render_template("analyst/downloads.html", survey=s, formats=FORMATS.values())


@bp.get("/<slug>/downloads/<key>")
@login_required
def download(slug: str, key: str) -> Any:
    survey_or_404(slug)
    if key not in FORMATS:
        abort(404)
    audit.record(store(), current_user.email, audit.download_action(key), slug, key)
    data, mimetype, filename = files.download(waves.load_wave(store(), slug), key, _lang())
    return _attachment(data, mimetype, filename)
