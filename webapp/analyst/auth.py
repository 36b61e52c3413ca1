"""Analyst login: Flask-Login sessions, argon2 passwords (surveys.accounts),
a rate-limited login form, idle and absolute session expiry, logout."""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from surveys import accounts
from webapp import limiter, store
from webapp.analyst import bp
from webapp.analyst.forms import LoginForm, PostForm

login_manager = LoginManager()
login_manager.login_view = "analyst.login"
login_manager.login_message = None  # the login page says why on its own

#: Defaults, overridable in the app config.
IDLE_MINUTES = 30
MAX_HOURS = 8
LOGIN_RATE_LIMIT = "5 per minute"


class Analyst(UserMixin):
    """The logged-in account (a view of :class:`surveys.accounts.UserInfo`)."""

    def __init__(self, info: accounts.UserInfo):
        self.info = info
        self.id = info.id

    @property
    def email(self) -> str:
        return self.info.email

    @property
    def is_admin(self) -> bool:
        return self.info.is_admin

    @property
    def is_active(self) -> bool:
        return self.info.is_active

    def get_id(self) -> str:
        return str(self.info.id)


@login_manager.user_loader
def _load_user(user_id: str) -> Analyst | None:
    try:
        info = accounts.get_user(store(), int(user_id))
    except ValueError:
        return None
    return Analyst(info) if info and info.is_active else None


@bp.record_once
def _setup(state: Any) -> None:
    app = state.app
    # Flask-Login's own context processor loads the user for every template
    # rendered, respondent pages included; the proxy is resolved only where a
    # template reads it (the analyst layout).
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    app.config.setdefault("ANALYST_IDLE_MINUTES", IDLE_MINUTES)
    app.config.setdefault("ANALYST_MAX_HOURS", MAX_HOURS)
    app.config.setdefault("LOGIN_RATE_LIMIT", LOGIN_RATE_LIMIT)


@bp.before_request
def _expire_session() -> Any:
    """Log out after ``ANALYST_IDLE_MINUTES`` without a request or
    ``ANALYST_MAX_HOURS`` after login."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    cfg = current_app.config
    seen = session.get("analyst_seen", 0)
    since = session.get("analyst_since", 0)
    if now - seen > cfg["ANALYST_IDLE_MINUTES"] * 60 or now - since > cfg["ANALYST_MAX_HOURS"] * 3600:
        _end_session()
        flash(_("Your session has expired. Log in again."), "info")
        return redirect(url_for("analyst.login", next=request.path))
    session["analyst_seen"] = now
    return None


def _end_session() -> None:
    logout_user()
    for key in ("analyst_seen", "analyst_since"):
        session.pop(key, None)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/analyst/") and not urlsplit(target).netloc \
            and not target.startswith("//"):
        return target
    return url_for("analyst.surveys")


def _login_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", LOGIN_RATE_LIMIT)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Any:
    """The login form; a wrong e-mail or password gets one message for both."""
    if current_user.is_authenticated:
        return redirect(url_for("analyst.surveys"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        info = accounts.authenticate(store(), form.email.data or "", form.password.data or "")
        if info is not None:
            session.clear()  # a fresh session: no fixation, no respondent state
            login_user(Analyst(info))
            session["analyst_since"] = session["analyst_seen"] = time.time()
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong e-mail address or password.")
    elif request.method == "POST":
        error = _("Fill in your e-mail address and password.")
    return render_template("analyst/login.html", form=form, error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    form = PostForm()
    if form.validate_on_submit():
        _end_session()
        flash(_("You are logged out."), "info")
    return redirect(url_for("analyst.login"))
