"""Error pages: a clear page in the respondent's language, never a traceback."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

log = logging.getLogger(__name__)

#: status -> (title, message) shown on the error page.
#: Requests under this path are the JSON API's: their errors are JSON.
API_PREFIX = "/api/"

MESSAGES: dict[int, tuple[Any, Any]] = {
    400: (
        _l("The request could not be accepted"),
        _l("The form contained something the survey does not expect. Nothing you saved earlier has been lost."),
    ),
    403: (_l("Not allowed"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the link you were given.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way. Go back and use the buttons on the page.")),
    413: (
        _l("Too much text"),
        _l("What you sent was too large. Shorten your answers and try again. Nothing you saved earlier has been lost."),
    ),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times. Wait a minute and try again."),
    ),
    503: (
        _l("The service is busy"),
        _l("The service is busy right now. Your earlier answers are kept. Wait a moment and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. Your earlier answers are saved; try again in a moment."),
    ),
}
CSRF_MESSAGE = (
    _l("The form has expired"),
    _l("The form was missing its security token or the token had expired. Go back, reload the page and try again. Nothing you saved earlier has been lost."),
)


#: Seconds a client is asked to wait (``Retry-After``) when the database is
#: unreachable: a PostgreSQL restart or fail-over takes a few seconds.
RETRY_AFTER_SECONDS = 5


def render_error(status: int, title: Any = None, message: Any = None) -> tuple[str, int]:
    """Render ``errors/error.html`` with ``status``; defaults from :data:`MESSAGES`."""
    default_title, default_message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    html = render_template(
        "errors/error.html",
        status=status,
        title=title or default_title,
        message=message or default_message,
    )
    return html, status


def _http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if request.path.startswith(API_PREFIX):
        # Programs get JSON, also where no API view was reached (a wrong
        # method, an unknown address) or Flask chose this handler by status.
        return jsonify({"error": error.description or error.name}), status
    # A view may abort(400, description=...) with a message for the respondent.
    described = getattr(error, "survey_message", None)
    return render_error(status, message=described)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_error(400, *CSRF_MESSAGE)


def _unexpected(error: Exception) -> tuple[str, int]:
    if isinstance(error, HTTPException):
        return _http_error(error)
    from surveys.store.retry import is_unavailable

    if is_unavailable(error):
        return _service_unavailable(error)
    if current_app.testing:
        raise error  # let the test see the traceback
    log.exception("unhandled error", exc_info=error)
    return render_error(500)


def _service_unavailable(error: Exception) -> Any:
    log.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
    if request.path.startswith(API_PREFIX):
        body, status = jsonify({"error": "service unavailable, try again"}), 503
    else:
        title, message = MESSAGES[503]
        # A page that was being read can simply be asked for again; after a
        # form was sent, the respondent goes back (the browser keeps the form).
        again = (request.script_root + request.full_path).rstrip("?") if request.method == "GET" else None
        body = render_template("errors/busy.html", status=503, title=title, message=message, again=again)
        status = 503
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(InternalServerError, lambda e: render_error(500))
    app.register_error_handler(Exception, _unexpected)


class SurveyBadRequest(BadRequest):
    """A 400 with a message meant for the respondent."""

    def __init__(self, message: Any) -> None:
        super().__init__(description=str(message))
        self.survey_message = message
