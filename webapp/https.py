"""HTTPS behind a reverse proxy: trusted forwarded headers, Secure cookies, HSTS.

Behind nginx the app sees plain HTTP from the proxy. With ``TRUSTED_PROXIES``
= n, Werkzeug's ProxyFix believes the last n proxies' ``X-Forwarded-For``,
``-Proto`` and ``-Host``, so ``request.is_secure``, ``request.host`` and every
``url_for(..., _external=True)`` are the public ones (Flask-WTF's HTTPS
referrer check compares the Referer with ``https://<request.host>/``).

Whenever a request arrived over HTTPS (directly, or through a trusted proxy
that says so) every cookie the response sets is marked ``Secure`` and the
response carries ``Strict-Transport-Security``. ``SESSION_COOKIE_SECURE=1``
still forces ``Secure`` on the session cookie for every request.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

#: One year, as the HSTS preload list and Mozilla's guidelines ask; no
#: ``includeSubDomains``: a municipality's other hosts are not ours to pin.
HSTS_VALUE = "max-age=31536000"


def trust_proxies(app: Flask, hops: int) -> None:
    """Wrap the WSGI app in ProxyFix believing ``hops`` proxies (0: none)."""
    if hops <= 0:
        return
    from werkzeug.middleware.proxy_fix import ProxyFix

    # The rate limits key on the client address; behind a proxy it is in
    # X-Forwarded-For. The address is never stored. Only the headers the
    # reference nginx sets are believed: X-Forwarded-Port and -Prefix would
    # pass through it from the client unchanged.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _secure_cookies_and_hsts(response: Any) -> Any:
    if not request.is_secure:
        return response
    headers = response.headers
    cookies = headers.getlist("Set-Cookie")
    if cookies:
        headers.setlist("Set-Cookie", [_with_secure(c) for c in cookies])
    if "Strict-Transport-Security" not in headers:
        headers["Strict-Transport-Security"] = HSTS_VALUE
    return response


def _with_secure(cookie: str) -> str:
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    return cookie if "secure" in attributes else cookie + "; Secure"


class _SessionCookies(SecureCookieSessionInterface):
    """The signed-cookie session, ``Secure`` also whenever the request was HTTPS.

    Flask sets the session cookie after the ``after_request`` hooks have run,
    so the hook below cannot mark it."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    """Trust ``TRUSTED_PROXIES`` proxies and mark HTTPS responses."""
    trust_proxies(app, int(app.config.get("TRUSTED_PROXIES") or 0))
    app.session_interface = _SessionCookies()
    app.after_request(_secure_cookies_and_hsts)
