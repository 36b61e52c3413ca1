"""Analyst login: Flask-Login sessions, argon2 passwords (surveys.accounts),
a rate-limited login form with a per-account lockout, idle and absolute
session expiry, a session version checked on every request (logout and a
password change end every session of the account), logout and the password
change page."""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from surveys import accounts, audit
from webapp import limiter, store
from webapp.analyst import bp
from webapp.analyst.forms import LoginForm, PasswordForm, PostForm
from webapp.analyst.messages import account_error_message

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


#: The session key holding the account's session version at login.
SESSION_VERSION_KEY = "analyst_sv"


@login_manager.user_loader
def _load_user(user_id: str) -> Analyst | None:
    """The account of the session, on every request that asks who is logged
    in; None (logged out) when it is disabled or the session carries an
    older session version than the account (logout or password change
    elsewhere)."""
    try:
        info = accounts.get_user(store(), int(user_id))
    except ValueError:
        return None
    if info is None or not info.is_active or session.get(SESSION_VERSION_KEY) != info.session_version:
        return None
    return Analyst(info)


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


@bp.after_request
def _no_store(response: Any) -> Any:
    """No analyst page or file is cached (answers, codes, counts); only the
    stylesheet is."""
    if request.endpoint != "analyst.static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _end_session() -> None:
    logout_user()
    for key in ("analyst_seen", "analyst_since", SESSION_VERSION_KEY):
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
        outcome = accounts.login_attempt(store(), form.email.data or "", form.password.data or "")
        info = outcome.user
        if info is not None:
            session.clear()  # a fresh session: no fixation, no respondent state
            session[SESSION_VERSION_KEY] = info.session_version
            login_user(Analyst(info))
            session["analyst_since"] = session["analyst_seen"] = time.time()
            audit.record(store(), info.email, "login")
            return redirect(_safe_next(request.args.get("next")))
        # One message whether the e-mail is unknown, the password wrong or
        # the account waiting: none of them tells whether an account exists.
        error = " ".join((_("Wrong e-mail address or password."),
                          _("After several failed attempts an account waits a few minutes "
                            "before it accepts a login.")))
    elif request.method == "POST":
        error = _("Fill in your e-mail address and password.")
    return render_template("analyst/login.html", form=form, error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    form = PostForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Server side: every session of the account ends, a copied
            # cookie included.
            accounts.end_sessions(store(), current_user.id)
            audit.record(store(), current_user.email, "logout")
        _end_session()
        flash(_("You are logged out."), "info")
    return redirect(url_for("analyst.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """Change one's own password (the current one is asked again); every
    session of the account ends, this one is renewed."""
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        if form.new.data != form.repeat.data:
            error = _("The two new passwords differ.")
        elif accounts.login_attempt(store(), current_user.email, form.current.data or "").user is None:
            error = _("The current password is wrong.")
        else:
            try:
                accounts.set_password(store(), current_user.id, form.new.data)
            except accounts.AccountError as exc:
                error = account_error_message(exc)
            else:
                info = accounts.get_user(store(), current_user.id)
                session[SESSION_VERSION_KEY] = info.session_version
                audit.record(store(), current_user.email, "password_change")
                flash(_("Your password is changed. Every other session of your account has ended."),
                      "info")
                return redirect(url_for("analyst.surveys"))
    elif request.method == "POST":
        error = _("Fill in every field.")
    return render_template("analyst/password.html", form=form, error=error), (400 if error else 200)
