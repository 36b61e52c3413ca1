"""HTTPS behind a trusted reverse proxy: the CSRF check passes with the
Referer a browser sends under the page's referrer policy, cookies are Secure
and HSTS is sent only when the request really came over HTTPS; forwarded
headers from an untrusted hop are ignored. (The same over a real nginx with
TLS: tests/production.)"""
from __future__ import annotations

import pytest

from respondent_support import CSRF_RE, make_app

C = "/s/cannabis-2018"
HOST = "enkat.kommun.example"
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST, "X-Forwarded-For": "198.51.100.7"}


@pytest.fixture
def proxied(surveys):
    app = make_app(surveys.url, TRUSTED_PROXIES=1)
    yield app
    app.extensions["store"].engine.dispose()


def _welcome(client, headers):
    r = client.get(C + "/", headers=headers)
    assert r.status_code == 200
    return r, CSRF_RE.search(r.get_data(as_text=True)).group(1)


def test_pages_send_a_referrer_policy_that_keeps_same_origin_referers(proxied):
    r = proxied.test_client().get(C + "/", headers=HTTPS)
    # same-origin: our own forms get the full Referer (the HTTPS CSRF check
    # needs it); no other site ever gets one.
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_code_entry_over_https_passes_the_csrf_referrer_check(proxied, surveys):
    client = proxied.test_client()
    r, token = _welcome(client, HTTPS)
    referer = {"Referer": f"https://{HOST}{C}/", "Origin": f"https://{HOST}"}
    r = client.post(C + "/", data={"csrf_token": token, "code": surveys.cannabis_codes[0]},
                    headers={**HTTPS, **referer})
    assert r.status_code == 302 and r.headers["Location"].endswith(C + "/resume")


@pytest.mark.parametrize("referer", [None, "https://elsewhere.example/s/cannabis-2018/", f"http://{HOST}/s/"])
def test_https_post_without_a_same_origin_referer_is_refused_clearly(proxied, surveys, referer):
    client = proxied.test_client()
    _r, token = _welcome(client, HTTPS)
    headers = dict(HTTPS, **({"Referer": referer} if referer else {}))
    r = client.post(C + "/", data={"csrf_token": token, "code": surveys.cannabis_codes[0]}, headers=headers)
    assert r.status_code == 400
    assert "Formuläret har gått ut" in r.get_data(as_text=True)
    assert surveys.store.progress("cannabis-2018")["total"]["started"] == 0


def test_https_responses_have_secure_cookies_and_hsts(proxied):
    r = proxied.test_client().get(C + "/?lang=en", headers=HTTPS)
    cookies = r.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in c for c in cookies)
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_gets_neither_secure_cookies_nor_hsts(proxied):
    r = proxied.test_client().get(C + "/?lang=en", headers={"X-Forwarded-Proto": "http"})
    cookies = r.headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in c for c in cookies)
    assert "Strict-Transport-Security" not in r.headers


def test_forwarded_headers_from_an_untrusted_hop_are_ignored(surveys):
    app = make_app(surveys.url)  # TRUSTED_PROXIES 0: nobody in front is believed
    try:
        r = app.test_client().get(C + "/?lang=en", headers=HTTPS)
        assert "Strict-Transport-Security" not in r.headers
        assert not any("Secure" in c for c in r.headers.getlist("Set-Cookie"))
    finally:
        app.extensions["store"].engine.dispose()


def test_external_urls_use_the_forwarded_scheme_and_host(proxied):
    from flask import url_for

    seen = {}

    @proxied.get("/__probe")
    def probe():
        seen["url"] = url_for("respondent.welcome", slug="cannabis-2018", _external=True)
        return "ok"

    proxied.test_client().get("/__probe", headers=HTTPS)
    assert seen["url"] == f"https://{HOST}/s/cannabis-2018/"


def test_port_and_prefix_headers_nginx_does_not_set_are_not_believed(proxied):
    from flask import url_for

    seen = {}

    @proxied.get("/__probe")
    def probe():
        seen["url"] = url_for("respondent.welcome", slug="cannabis-2018", _external=True)
        return "ok"

    spoofed = {**HTTPS, "X-Forwarded-Port": "8443", "X-Forwarded-Prefix": "/elsewhere"}
    proxied.test_client().get("/__probe", headers=spoofed)
    assert seen["url"] == f"https://{HOST}/s/cannabis-2018/"
