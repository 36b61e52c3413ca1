"""The API endpoints. Every answer is JSON (a download is the file itself);
errors are ``{"error": message}`` with 400, 401, 404 or 409."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Response, abort, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from scoring.disclosure import BreakdownError
from scoring.errors import IncomparableError, ScoringError
from surveys import accounts, audit
from surveys.exports import FORMATS
from surveys.exports.report import json_bytes, report_json
from surveys.store import UnknownSurvey
from webapp import csrf, store
from webapp.attachments import attachment
from surveys.service.trend import wave_trend
from surveys.service import access, comparison as cmp, downloads as files, progress as prog, waves
from webapp.api import bp
from webapp.api.openapi import document

csrf.exempt(bp)  # token-authenticated, no cookies: CSRF does not apply


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="survey-engine"'
    return response


@bp.after_request
def _no_store(response: Response) -> Response:
    """Nothing the API sends is cached: raw answers, counts and results alike."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error(exc.code or 500, exc.description or exc.name)



def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let the request through only with a valid bearer token."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = accounts.user_by_api_token(store(), token.strip()) \
            if scheme.lower() == "bearer" else None
        if user is None:
            return _error(401, "missing or invalid API token (Authorization: Bearer <token>)")
        g.api_user = user
        return view(*args, **kwargs)
    return wrapper


def _survey(slug: str) -> Any:
    """The wave, if it exists and the token may see it; else a JSON 404 (a
    token learns nothing about waves not granted to it)."""
    try:
        return access.visible_wave(store(), g.api_user, slug)
    except UnknownSurvey:
        abort(404, description=f"no survey '{slug}'")


def _survey_json(s: Any) -> dict[str, Any]:
    return {"slug": s.slug, "label": s.label, "mode": s.mode, "open": bool(s.is_open),
            "created_on": s.created_on.isoformat(),
            "year": s.year,
            "instrument": {"id": s.instrument_id, "version": s.instrument_version,
                           "sha256": s.instrument_sha256},
            "links": {"progress": url_for("api.progress", slug=s.slug),
                      "results": url_for("api.results", slug=s.slug),
                      "downloads": url_for("api.downloads", slug=s.slug)}}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.get("/surveys")
@token_required
def surveys() -> Response:
    return jsonify({"surveys": [_survey_json(s) for s in access.visible_surveys(store(), g.api_user)]})


@bp.get("/surveys/<slug>")
@token_required
def survey(slug: str) -> Response:
    return jsonify(_survey_json(_survey(slug)))


@bp.get("/surveys/<slug>/progress")
@token_required
def progress(slug: str) -> Response:
    s = _survey(slug)
    instrument = store().instrument(s.instrument_sha256)
    min_n = instrument.suppression_min_n
    p = prog.wave_progress(store(), slug, instrument)
    groups = [{"group": group, **cell} for group, cells in p["groups"].items() for cell in cells]
    return jsonify({"started": p["total"]["started"], "submitted": p["total"]["submitted"],
                    "in_progress": p["total"]["in_progress"], "imported": p["sources"]["imported"],
                    "app": p["sources"]["app"], "codes": p["codes"],
                    "suppression_min_n": min_n, "groups": groups})


@bp.get("/surveys/<slug>/results")
@token_required
def results(slug: str) -> Response:
    s = _survey(slug)
    snapshot = store().lifecycle(slug)["results_snapshot"]
    if snapshot is not None:  # purged: the published aggregates frozen then
        by = [b for b in request.args.getlist("by") if b]
        if len(by) > 1 or (by and by[0] not in snapshot["by"]) or snapshot["overall"] is None:
            return _error(409, f"the raw answers of '{slug}' were purged on {snapshot['taken_on']}; only the "
                               f"overall results and one breakdown by {', '.join(snapshot['by']) or 'nothing'} "
                               "are kept")
        report = snapshot["by"][by[0]] if by else snapshot["overall"]
        # the snapshot holds the report's JSON as the serialiser wrote it at the purge
        return Response(json_bytes({**report, "compared_with": None, "not_compared": [],
                                    "purged_on": snapshot["taken_on"]}), mimetype="application/json")
    wave = waves.load_wave(store(), slug)
    try:
        by = waves.requested_breakdown(request.args.getlist("by"))
        report, comparison = cmp.compared_report(wave, by, _comparison(s, request.args.get("compare")))
    except BreakdownError as exc:
        return _error(400, f"{exc} (breakdowns: {', '.join(waves.breakdown_columns(wave)) or 'none'};"
                           " at most two)")
    except IncomparableError as exc:
        return _error(409, str(exc))
    except ScoringError as exc:
        return _error(400, str(exc))
    compare = comparison.wave
    compared_with = None if compare is None else {
        "slug": compare.survey.slug, "label": compare.survey.label, "automatic": comparison.automatic}
    not_compared = [{"slug": k.survey.slug, "label": k.survey.label, "reason": str(k.reason),
                     "reason_code": k.reason.reason} for k in comparison.skipped]
    return Response(report_json(report, {"compared_with": compared_with, "not_compared": not_compared}),
                    mimetype="application/json")


def _comparison(s: Any, other: str | None) -> cmp.Comparison:
    """The wave to compare with, as on the results page
    (:func:`surveys.service.comparison.choose_comparison`); the wave itself
    is a 400, a wave the token may not see a 404."""
    try:
        return cmp.choose_comparison(store(), s, other, g.api_user)
    except cmp.SameWave:
        abort(400, description="a wave cannot be compared with itself")
    except UnknownSurvey:
        abort(404, description=f"no survey '{other}'")


@bp.get("/surveys/<slug>/trend")
@token_required
def trend(slug: str) -> Response:
    """The trend over this wave and the earlier comparable waves the token may see."""
    s = _survey(slug)
    return jsonify(wave_trend(store(), s, access.visible_surveys(store(), g.api_user)).as_json())


@bp.get("/surveys/<slug>/responses")
@token_required
def responses(slug: str) -> Response:
    """The raw rows of a wave, one page at a time (``offset``, ``limit``)."""
    _survey(slug)
    offset = request.args.get("offset", "0")
    limit = request.args.get("limit", str(files.RAW_PAGE_DEFAULT))
    if not (offset.isdigit() and limit.isdigit()) or not 1 <= int(limit) <= files.RAW_PAGE_MAX:
        return _error(400, "offset must be a whole number >= 0 and limit one from 1 to "
                           f"{files.RAW_PAGE_MAX}")
    page = files.raw_page(waves.load_wave(store(), slug), int(offset), int(limit))
    following = int(offset) + int(limit)
    page["next"] = url_for("api.responses", slug=slug, offset=following, limit=int(limit)) \
        if following < page["total"] else None
    return jsonify(page)


@bp.get("/surveys/<slug>/downloads")
@token_required
def downloads(slug: str) -> Response:
    _survey(slug)
    return jsonify({"downloads": [
        {"format": f.key, "title": f.title, "filename": f.filename(slug),
         "url": url_for("api.download", slug=slug, key=f.key)} for f in FORMATS.values()]})


@bp.get("/surveys/<slug>/downloads/<key>")
@token_required
def download(slug: str, key: str) -> Response:
    _survey(slug)
    if key not in FORMATS:
        return _error(404, f"no download format '{key}' (known: {', '.join(FORMATS)})")
    audit.record(store(), g.api_user.email, audit.download_action(key), slug, f"{key} (API)")
    data, mimetype, filename = files.download(waves.load_wave(store(), slug), key)
    return attachment(data, mimetype, filename)
