"""The Flask application factory.

``create_app()`` wires configuration (from the environment through
``surveys.config`` unless a ``config`` dict overrides it), CSRF protection,
Flask-Babel, Flask-Limiter, a request size cap, security headers, error pages
and the blueprints. The app keeps one :class:`surveys.store.Store` in
``app.extensions["store"]``; views reach it through :func:`store`.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

#: Shared extension objects; other blueprints may import them
#: (``from webapp import limiter, csrf``).
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: Largest request body accepted (a page of answers is a few KiB at most).
MAX_CONTENT_LENGTH = 64 * 1024


def store() -> Any:
    """The :class:`surveys.store.Store` of the current app."""
    return current_app.extensions["store"]


def _default_config() -> dict[str, Any]:
    from surveys import config as env

    return {
        "DATABASE_URL": env.database_url(),
        "SECRET_KEY": env.secret_key(),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
    }


def _session_key(secret: bytes | str) -> str:
    # The raw secret keys the code hashes in the store; cookies get a derived
    # key so a leaked session cookie says nothing about the code key.
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hashlib.sha256(b"survey-engine/session/" + raw).hexdigest()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web app.

    ``config`` keys override the environment: ``DATABASE_URL``, ``SECRET_KEY``,
    ``TESTING``, ``RATELIMIT_STORAGE_URI``, ``CODE_RATE_LIMIT`` (wrong code
    attempts per client address, a ceiling high enough for a whole school
    behind one address, default ``"60 per minute;600 per hour"``),
    ``CODE_RATE_LIMIT_SESSION`` (wrong code attempts per browser session,
    default ``"10 per minute;40 per hour"``), ``RESPONDENT_IDLE_MINUTES``
    (a browser forgets the response it answers after this long without a
    request; env of the same name, default 60), ``RESUME_COOKIE_DAYS``
    (0, the default: the open-link resume cookie lasts the browser session;
    more: a lasting cookie for residents answering on their own phones),
    ``TRUSTED_PROXIES`` (number of reverse proxies in front whose
    ``X-Forwarded-For`` is believed; env ``TRUSTED_PROXIES``, default 0) and
    any Flask setting.
    """
    app = Flask(__name__)
    from webapp.body_limits import Request

    app.request_class = Request  # per-view body limits (the CSV import), before CSRF reads the body
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    overrides = dict(config or {})
    settings = {
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "CODE_RATE_LIMIT": "60 per minute;600 per hour",
        "CODE_RATE_LIMIT_SESSION": "10 per minute;40 per hour",
        "RESPONDENT_IDLE_MINUTES": int(os.environ.get("RESPONDENT_IDLE_MINUTES") or 60),
        "RESUME_COOKIE_DAYS": int(os.environ.get("RESUME_COOKIE_DAYS") or 0),
        # A CSRF token lives as long as the session: a pupil may spend a whole
        # lesson on one page.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE") == "1",
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(app.root_path, "translations"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES") or 0),
    }
    needed = {"DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI"}
    if not needed <= overrides.keys():
        defaults = _default_config()
        settings.update({k: v for k, v in defaults.items() if k not in overrides})
    settings.update(overrides)
    app.config.update(settings)
    store_secret = app.config["SECRET_KEY"]
    if isinstance(store_secret, str):
        store_secret = store_secret.encode("utf-8")
    app.config["STORE_SECRET"] = store_secret
    app.secret_key = _session_key(store_secret)

    from surveys.db import make_engine
    from surveys.store import Store

    app.extensions["store"] = Store(make_engine(app.config["DATABASE_URL"]), store_secret)

    from webapp import https

    https.init_app(app)

    from webapp import health, limits

    csrf.init_app(app)
    limits.configure(app, limiter)
    limiter.init_app(app)
    health.init_app(app)

    from webapp import errors, i18n

    i18n.init_app(app)
    errors.init_app(app)
    app.after_request(_security_headers)

    from webapp.respondent import bp as respondent_bp

    app.register_blueprint(respondent_bp)

    # --- analyst and API blueprints -------------------------------------
    # Registered here by their owner: ``from webapp.analyst import bp`` (under
    # /analyst/) and ``from webapp.api import bp`` (under /api/v1/).
    from webapp.analyst import bp as analyst_bp
    from webapp.api import bp as api_bp

    app.register_blueprint(analyst_bp)
    app.register_blueprint(api_bp)
    # --- end of analyst and API blueprints -------------------------------

    @app.get("/")
    def index() -> Any:
        from flask import render_template

        return render_template("respondent/index.html")

    _check_limits_only_where_declared(app)
    return app


def _check_limits_only_where_declared(app: Flask) -> None:
    """Drop Flask-Limiter's check before every request.

    The app declares its limits on the few views they guard (code entry,
    open-link start, analyst login), and a decorated view checks its own
    limits when it runs. The hook before every request only looks for
    application-wide, default, meta and blueprint limits, which this app has
    none of, yet costs every request about as much as a check. Should such
    limits ever be configured, the hook stays.
    """
    manager = limiter.limit_manager
    app_wide = (
        manager.application_limits
        or manager.default_limits
        or any(manager.blueprint_limits(app, name) for name in app.blueprints)
        or app.config.get("RATELIMIT_DEFAULT")
        or app.config.get("RATELIMIT_APPLICATION")
        or app.config.get("RATELIMIT_META")
    )
    if not app_wide:
        app.before_request_funcs[None].remove(limiter._check_request_limit)


#: Everything is served by the app itself: no external fonts, scripts or
#: trackers, no inline scripts or styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


#: Sent with every response unless the view set the header itself.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # same-origin: a form posted to this site carries its full Referer, which
    # Flask-WTF's CSRF check demands over HTTPS; no other site ever gets one
    # (see docs/production.md).
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
#: Answers on a shared classroom device must not come back from a cache.
HTML_CACHE_CONTROL = ("Cache-Control", "no-store")


def _security_headers(response: Any) -> Any:
    headers = response.headers
    # One pass over the (list-backed) headers instead of a search per header.
    present = {name.lower() for name, _value in headers.items()}
    missing = [pair for pair in SECURITY_HEADERS if pair[0].lower() not in present]
    if response.mimetype == "text/html" and "cache-control" not in present:
        missing.append(HTML_CACHE_CONTROL)
    headers.extend(missing)
    return response
