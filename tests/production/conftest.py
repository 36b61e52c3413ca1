"""One real deployment per module: nginx with a self-signed certificate in
front of two app instances (gunicorn, 2 workers each), their own PostgreSQL
cluster (initdb in a temporary folder) and their own redis-server, all on
loopback (benchmarks/load/deployment.py). Every process is started by the
fixture and stopped by its pid.

Without nginx the tests are skipped, except with ``CI=true`` where they fail:
``make test`` installs it through ``scripts/install-nginx.sh``.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.load.deployment import SECRET, Deployment, new_folder

ANALYST = ("analys@kommun.example", "ett långt lösenord för test 42")
SCHOOLS = ["Rinmanskolan", "Skiftingeskolan", "Årbyskolan"]


def _needs(program: str, *fallbacks: str) -> None:
    if shutil.which(program) or any(os.path.exists(f) for f in fallbacks):
        return
    message = f"{program} missing: run scripts/install-nginx.sh (make test does)"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class Site:
    """The running deployment and what was seeded in it."""

    deployment: Deployment
    base: str  # https://127.0.0.1:<port>
    cert: str
    slug: str
    codes: list[str]

    def code(self) -> str:
        return self.codes.pop()

    def store(self):
        from surveys.db import make_engine
        from surveys.store import Store

        return Store(make_engine(self.deployment.database_url), SECRET.encode())


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    _needs("nginx", "/usr/sbin/nginx")
    _needs("redis-server")
    folder = new_folder()
    deployment = Deployment(folder, workers=2)
    try:
        deployment.start()
        site = Site(deployment, deployment.nginx.url, str(deployment.nginx.cert), *_seed(deployment))
        yield site
    finally:
        deployment.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _seed(deployment: Deployment) -> tuple[str, list[str]]:
    from surveys.accounts import create_user
    from surveys.db import make_engine
    from surveys.loader import load_all
    from surveys.store import Store

    engine = make_engine(deployment.database_url)
    try:
        store = Store(engine, SECRET.encode())
        instrument = load_all()["cannabis-attityd"]
        store.register_instrument(instrument, Path(instrument.path).read_text(encoding="utf-8"))
        slug = "cannabis-prod"
        store.create_survey(slug=slug, instrument_sha256=instrument.sha256, label="Cannabis (production test)",
                            mode="codes", presets={"school": SCHOOLS})
        store.set_open(slug, True)
        codes = store.issue_codes(slug, 40, tags={"school": SCHOOLS[0]})
        create_user(store, ANALYST[0], "admin", ANALYST[1])
        return slug, codes
    finally:
        engine.dispose()
