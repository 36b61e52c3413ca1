"""Respondent views. The server decides every step (no JavaScript needed):
which page comes next, which questions a condition shows, where a resumed
respondent continues. Answers are saved page by page by the store."""
from __future__ import annotations

import secrets
from typing import Any

from flask import abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from markupsafe import escape

from webapp import limiter, store
from webapp.errors import SurveyBadRequest
from webapp.forms import (
    SavedAnswers, TamperedInput, answered, build_form, check_tampering, decimal_text, form_values,
)
from webapp.i18n import current_language, isolate_numeric_runs, offered_languages, text_direction, translated
from webapp.respondent import bp
from webapp.respondent import context as ctx
from webapp.respondent.flow import Flow
from webapp.respondent.fragments import question_block


# -- request set-up ----------------------------------------------------
@bp.url_value_preprocessor
def _pull_slug(endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.slug = (values or {}).pop("slug", None)


@bp.url_defaults
def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "slug" not in values and g.get("slug"):
        values["slug"] = g.slug


#: Views that read the survey again with the respondent's response row
#: (``_load_state``): they check ``is_open`` there, one query instead of two.
_ANSWERING = frozenset({"respondent.resume", "respondent.page", "respondent.review", "respondent.submit"})
#: Views that work on a closed survey too: leaving and forgetting the device.
_ALWAYS = frozenset({"respondent.forget", "respondent.forget_confirmed", "respondent.left"})


@bp.before_request
def _load_survey() -> Any:
    from surveys.store import UnknownSurvey

    deferred = request.endpoint in _ANSWERING and ctx.active_response() is not None
    cached = deferred or request.endpoint == "respondent.thanks" or request.endpoint in _ALWAYS
    try:
        survey = ctx.cached_survey(g.slug) if cached else ctx.fresh_survey(g.slug)
    except UnknownSurvey:
        raise_not_found()
    g.survey = survey
    g.instrument = ctx.instrument_for(survey.instrument_sha256)
    g.languages = offered_languages(g.instrument.languages)
    if not cached and not survey.is_open:
        return _closed_page()
    return None


def _closed_page() -> Any:
    return message_page(
        _("This survey is closed"),
        _("The survey is not open for answers. Thank you for your interest."),
        403,
    )


def raise_not_found() -> None:
    from webapp.errors import render_error

    abort(make_response(render_error(
        404,
        _("Survey not found"),
        _("There is no survey at this address. Check the link you were given."),
    )))


def message_page(title: str, message: str, status: int = 200) -> Any:
    return render_template("respondent/message.html", title=title, message=message), status


def _survey_context() -> dict[str, Any]:
    lang = current_language()
    inst = g.instrument
    return {
        "survey": g.survey,
        "instrument": inst,
        "survey_title": inst.title.get(lang),
        "survey_description": inst.description.get(lang) if inst.description else "",
    }


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return _survey_context() if g.get("instrument") is not None else {}


def _mode() -> str:
    return g.survey.mode


def _flow() -> Flow:
    """The respondent's Flow, shared by every request of this process with
    the same instrument, presets and code-answered groups (it is pure and
    keeps each page's questions once built)."""
    presets = g.survey.presets or {}
    fixed = g.get("fixed_groups", frozenset())
    key = (g.survey.instrument_sha256, tuple((k, tuple(v)) for k, v in sorted(presets.items())), fixed)
    flows = current_app.extensions.setdefault("respondent_flows", {})
    flow = flows.get(key)
    if flow is None:
        if len(flows) > 256:  # many waves with their own presets: start afresh
            flows.clear()
        flow = flows[key] = Flow(g.instrument, presets, fixed)
    return flow


def _begin(**kwargs: Any) -> Any:
    # The survey was read afresh before this request (code entry and start
    # are not among _ANSWERING): the store need not read it again.
    return store().begin(g.slug, survey=g.survey, **kwargs)


def _handle_response_id(handle: Any) -> str:
    return str(handle.id)


def _load_state(response_id: str) -> Any:
    """The response, its survey and answers in one read. A survey closed
    meanwhile ends here with the closed page; a vanished response sends the
    browser back to the welcome page."""
    from surveys.store import UnknownResponse

    try:
        state = store().response_state(response_id)
    except UnknownResponse:
        ctx.forget_response(submitted=False)
        abort(redirect(url_for(".welcome")))
    g.survey = state.survey
    if not state.survey.is_open:
        abort(make_response(_closed_page()))
    return state


def _answers_of(state: Any) -> dict[str, Any]:
    """The saved answers of an in-progress response; also notes which group
    items the code answered (their question is not asked). A response
    submitted meanwhile (another tab or device) ends here with a clear page."""
    handle = state.handle
    answers = dict(state.answers)
    if handle.status != "in_progress":
        ctx.forget_response(submitted=True)
        if request.method == "POST":
            raise SurveyBadRequest(_("These answers have already been submitted and can no longer be changed."))
        abort(redirect(url_for(".thanks")))
    g.fixed_groups = frozenset(
        item.group
        for item in g.instrument.group_items
        if item.group in handle.group_values and answered(answers.get(item.id))
    )
    return answers


def _load_answers(response_id: str) -> dict[str, Any]:
    """The saved answers of the active response (see :func:`_answers_of`)."""
    return _answers_of(_load_state(response_id))


def _require_response(for_post: bool) -> str:
    """The active response id, or a clear page when the session has none."""
    response_id = ctx.active_response()
    if response_id:
        return response_id
    if for_post:
        raise SurveyBadRequest(
            _("Your session has ended. Open the survey again with your code or link to continue; pages you finished are saved.")
        )
    abort(redirect(url_for(".welcome")))
    raise AssertionError  # pragma: no cover


# -- welcome and start -------------------------------------------------
@bp.get("/")
def welcome() -> Any:
    return _render_welcome()


def _render_welcome(error: str | None = None, code: str = "", status: int = 200) -> Any:
    resuming = ctx.active_response() is not None or (
        _mode() == "open" and ctx.read_resume_token() is not None
    )
    return (
        render_template(
            "respondent/welcome.html",
            mode=_mode(),
            error=error,
            code=code,
            resuming=resuming,
        ),
        status,
    )


def _failed_attempt(response: Any) -> bool:
    return bool(g.get("code_failed"))


def _browser_key() -> str:
    """The wrong-code limit's key for this browser session: a random value in
    the signed session cookie, never stored with answers. A client that drops
    its cookies gets a new one each time and meets the address ceiling."""
    key = session.get("limit_key")
    if not isinstance(key, str):
        key = session["limit_key"] = secrets.token_urlsafe(12)
    return "browser:" + key


@bp.post("/")
# Only wrong attempts count: a classroom behind one school address entering
# valid codes together is never slowed down; guessing codes is. A browser
# meets its own limit long before the address ceiling, so one pupil typing
# wrong codes does not lock out the school (docs/privacy.md has the figures).
@limiter.limit(lambda: current_app.config["CODE_RATE_LIMIT_SESSION"], methods=["POST"],
               deduct_when=_failed_attempt, key_func=_browser_key)
@limiter.limit(lambda: current_app.config["CODE_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_attempt)
def enter_code() -> Any:
    from surveys.store import CodeSpent, SurveyClosed, UnknownCode

    if _mode() != "codes":
        return redirect(url_for(".welcome"))
    if set(request.form) - {"csrf_token", "code"}:
        raise SurveyBadRequest(_("The form contained fields the survey does not expect."))
    code = (request.form.get("code") or "").strip()
    g.code_failed = True
    if not code:
        return _render_welcome(_("Enter the code you were given."))
    if len(code) > 64:
        return _render_welcome(_("The code was not recognised. Check it and try again."))
    try:
        handle = _begin(code=code)
    except CodeSpent:
        return message_page(
            _("This code has already been used"),
            _("The answers for this code have been submitted. A code can only be used once. Thank you for taking part."),
        )
    except UnknownCode:
        return _render_welcome(_("The code was not recognised. Check it and try again."))
    except SurveyClosed:
        return _closed_page()
    g.code_failed = False
    ctx.remember_response(_handle_response_id(handle))
    return redirect(url_for(".resume"))


@bp.post("/start")
@limiter.limit(lambda: current_app.config.get("START_RATE_LIMIT", "30 per minute"))
def start() -> Any:
    if _mode() != "open":
        return redirect(url_for(".welcome"))
    if set(request.form) - {"csrf_token"}:
        raise SurveyBadRequest(_("The form contained fields the survey does not expect."))
    from surveys.store import SurveyClosed

    try:
        handle = _begin(resume_token=ctx.read_resume_token())
    except SurveyClosed:
        return _closed_page()
    ctx.remember_response(_handle_response_id(handle))
    response = redirect(url_for(".resume"))
    token = ctx.attr(handle, "resume_token", "token")
    if token:
        ctx.set_resume_cookie(response, token)
    return response


@bp.get("/resume")
def resume() -> Any:
    response_id = _require_response(for_post=False)
    answers = _load_answers(response_id)
    page = _flow().first_unanswered(answers)
    if page is None:
        return redirect(url_for(".review"))
    return redirect(url_for(".page", page_id=page.id))


# -- one page at a time --------------------------------------------------
@bp.route("/p/<page_id>", methods=["GET", "POST"])
def page(page_id: str) -> Any:
    from surveys.store import AlreadySubmitted, InvalidAnswer

    response_id = _require_response(for_post=request.method == "POST")
    state = _load_state(response_id)
    answers = _answers_of(state)
    flow = _flow()
    page = flow.page(page_id)
    if page is None:
        abort(404)
    shown = flow.questions(page, answers)
    if request.method == "GET":
        if not shown:  # hidden by a condition or nothing left to ask
            return redirect(url_for(".resume"))
        # Showing saved answers needs no WTForms form (nothing to validate).
        return _render_page(flow, page, shown, SavedAnswers(shown, answers), answers)

    askable = flow.askable(page)
    try:
        check_tampering(request.form, askable, flow.page_fields(askable))
    except TamperedInput:
        raise SurveyBadRequest(
            _("The answers sent do not match the questions on this page. Nothing you saved earlier has been lost.")
        ) from None

    action = request.form.get("action", "next")
    switch = request.form.get("switch_lang")
    form = build_form(askable, current_language())
    form.validate()
    posted = form_values(form, askable, only_valid=True)
    merged = {**answers, **posted}
    now_shown = flow.questions(page, merged)
    shown_ids = {q.item.id for q in shown}
    shown_notes = {n.id for notes in flow.notes(page, answers).values() for n in notes}
    revealed = [q.item.id for q in now_shown if q.item.id not in shown_ids] + [
        f"note-{n.id}" for notes in flow.notes(page, merged).values() for n in notes if n.id not in shown_notes]
    errors = {
        name: form[name].errors
        for q in now_shown
        if q.item.id in shown_ids
        for name in q.field_names()
        if form[name].errors
    }
    lenient = action == "back" or switch is not None
    if errors and not lenient:
        for q in askable:  # only the questions on screen carry errors
            if q.item.id not in shown_ids:
                for name in q.field_names():
                    form[name].errors = []
        return _render_page(flow, page, shown, form, answers, errors=errors, status=200)

    # The store replaces the whole page: send every field (a field that
    # failed validation while leaving backwards keeps its saved value).
    values = {}
    for q in askable:
        visible = any(q.item.id == v.item.id for v in now_shown)
        for name in q.field_names():
            values[name] = posted.get(name, answers.get(name)) if visible else None
    try:
        store().save_page(response_id, page.id, values, state)
        merged = {**answers, **values}
        _clear_stale(flow, state, merged)
    except AlreadySubmitted:
        ctx.forget_response(submitted=True)
        raise SurveyBadRequest(
            _("These answers have already been submitted and can no longer be changed.")
        ) from None
    except InvalidAnswer:
        raise SurveyBadRequest(
            _("The answers sent do not match the questions on this page. Nothing you saved earlier has been lost.")
        ) from None

    return _refresh_resume(_after_save(flow, page, merged, action, switch, revealed, lenient))


def _after_save(flow: Flow, page: Any, merged: dict, action: str, switch: str | None,
                revealed: list, lenient: bool) -> Any:
    """Where a saved page leads: the same page (another language, or a
    follow-up question it revealed), the next or previous page, or review."""
    if switch is not None:
        lang = switch if switch in g.languages else current_language()
        return redirect(url_for(".page", page_id=page.id, lang=lang))
    if revealed and not lenient:
        # A follow-up question or note appeared on this page: show it before moving on.
        return redirect(url_for(".page", page_id=page.id, _anchor=revealed[0]))
    step = -1 if action == "back" else 1
    target = flow.neighbour(page, merged, step)
    if target is not None:
        return redirect(url_for(".page", page_id=target.id))
    return redirect(url_for(".welcome" if step < 0 else ".review"))


def _refresh_resume(response: Any) -> Any:
    """An open-link resume cookie expires when idle: each saved page renews it."""
    if _mode() == "open":
        token = ctx.read_resume_token()
        if token:
            ctx.set_resume_cookie(response, token)
    return response


def _clear_stale(flow: Flow, state: Any, merged: dict[str, Any]) -> None:
    """Clear answers to questions a changed answer now hides (any page)."""
    for page_id, cleared in flow.stale(merged).items():
        stale_page = flow.page(page_id)
        fields = flow.page_fields(flow.askable(stale_page))
        store().save_page(state.handle.id, page_id, {**{f: merged.get(f) for f in fields}, **cleared}, state)
        merged.update(cleared)


def _render_page(flow: Flow, page: Any, shown: list, form: Any, answers: dict, errors: dict | None = None, status: int = 200) -> Any:
    number, total = flow.position(page, answers)
    lang = current_language()
    previous = flow.neighbour(page, answers, -1)
    return (
        render_template(
            "respondent/page.html",
            page=page,
            page_title=page.title.get(lang),
            page_intro=page.intro.get(lang) if page.intro else "",
            notes=flow.notes(page, answers),
            questions=shown,
            form=form,
            errors=errors or {},
            number=number,
            total=total,
            has_previous=previous is not None,
            question_block=question_block,
        ),
        status,
    )


# -- review, submit, thanks ----------------------------------------------
@bp.get("/review")
def review() -> Any:
    response_id = _require_response(for_post=False)
    answers = _load_answers(response_id)
    flow = _flow()
    return _render_review(flow, answers)


def _render_review(flow: Flow, answers: dict, status: int = 200) -> Any:
    lang = current_language()
    sections = []
    for page in flow.pages(answers):
        rows = []
        for q in flow.questions(page, answers):
            rows.append({"id": q.item.id, "text": translated(q.item.text, lang), "answer": _display(q, answers, lang)})
        sections.append({"page": page, "title": translated(page.title, lang), "rows": rows})
    missing = flow.missing_required(answers)
    return (
        render_template(
            "respondent/review.html",
            sections=sections,
            missing=[{"page": p.id, "item": i.id, "text": i.text.get(lang)} for p, i in missing],
        ),
        status,
    )


def _display(q: Any, answers: dict, lang: str) -> Any:
    """A saved answer as the review page shows it (option labels in ``lang``)."""
    value = answers.get(q.item.id)
    if not answered(value):
        return ""
    labels = {o.code: o.label.get(lang) for o in q.options}
    if q.item.kind == "multi":
        parts = [labels.get(v, str(v)) for v in value]
        other = answers.get(f"{q.item.id}_other")
        if other:
            parts.append(str(other))
        text = ", ".join(parts)
    elif q.item.kind == "single":
        text = labels.get(value, str(value))
    elif q.item.kind == "number" and q.item.decimals:
        return decimal_text(q.item, value, lang)
    else:
        return str(value)
    return isolate_numeric_runs(escape(text)) if text_direction(lang) == "rtl" else text


@bp.post("/submit")
def submit() -> Any:
    from surveys.store import AlreadySubmitted

    if set(request.form) - {"csrf_token"}:
        raise SurveyBadRequest(_("The form contained fields the survey does not expect."))
    response_id = ctx.active_response()
    if response_id is None:
        if ctx.has_submitted():  # a second click after the first one landed
            return redirect(url_for(".thanks"))
        _require_response(for_post=True)
    state = _load_state(response_id)
    if state.handle.status == "in_progress":
        answers = _answers_of(state)
        flow = _flow()
        try:
            _clear_stale(flow, state, answers)
        except AlreadySubmitted:
            pass  # another tab submitted meanwhile: that submission counts
        else:
            if flow.missing_required(answers):
                return redirect(url_for(".review"))
        store().submit(response_id)  # idempotent: one response however often it runs
    ctx.forget_response(submitted=True)
    response = redirect(url_for(".thanks"))
    if _mode() == "open":
        ctx.clear_resume_cookie(response)
    return response


@bp.get("/thanks")
def thanks() -> Any:
    return render_template("respondent/thanks.html")


# -- leave and forget this device ------------------------------------------
@bp.get("/forget")
def forget() -> Any:
    """What leaving does, and the button that does it (no accidental loss)."""
    return render_template("respondent/forget.html", mode=_mode())


@bp.post("/forget")
def forget_confirmed() -> Any:
    """End the response in this browser: session and resume cookie dropped.
    With a code the answers stay reachable with the code, on any device."""
    if set(request.form) - {"csrf_token"}:
        raise SurveyBadRequest(_("The form contained fields the survey does not expect."))
    ctx.forget_device()
    response = redirect(url_for(".left"))
    ctx.clear_resume_cookie(response)
    return response


@bp.get("/left")
def left() -> Any:
    if _mode() == "codes":
        message = _("This browser no longer remembers your answers. Everything you saved is kept: "
                    "to go on, open the survey again and enter your code, on this device or another.")
    else:
        message = _("This browser no longer remembers your answers. The pages you finished are kept "
                    "with the other anonymous answers; opening the link again starts a new survey.")
    return message_page(_("You have left the survey"), message)
