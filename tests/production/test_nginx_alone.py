"""The reference nginx configuration on its own (no app instance running):
it passes `nginx -t`, and when no instance answers a respondent gets the
three-language busy page with Retry-After, not nginx's bare 502."""
from __future__ import annotations

import shutil

import pytest
import requests

from benchmarks.load.deployment import Nginx, free_port, new_folder
from tests.production.conftest import _needs


@pytest.fixture
def lone_nginx():
    _needs("nginx", "/usr/sbin/nginx")
    folder = new_folder("survey-nginx-")
    server = Nginx(folder / "nginx", [free_port(), free_port()])  # nothing listens there
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_no_instance_answering_gets_the_busy_page_in_three_languages(lone_nginx):
    r = requests.get(f"{lone_nginx.url}/s/cannabis/p/use", verify=str(lone_nginx.cert), timeout=10)
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    r.encoding = "utf-8"
    assert "Tjänsten är upptagen" in r.text and "The service is busy" in r.text and "الخدمة مشغولة" in r.text
    assert "nginx" not in r.text


def test_health_endpoints_are_not_for_the_outside(lone_nginx):
    # From loopback they pass (here: to no instance, so the busy page); the
    # configuration denies every other address, which a loopback test cannot
    # show, so the rule itself is checked.
    site = (lone_nginx.folder / "site.conf").read_text()
    block = site[site.index("location ~ ^/(healthz|readyz)$"):]
    assert "allow 127.0.0.1;" in block and "deny all;" in block
