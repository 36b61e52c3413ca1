"""``survey-engine run`` serves the app over real HTTP (dev server and gunicorn)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ENGINE = str(Path(sys.executable).with_name("survey-engine"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["0", "2"])
def test_run_serves_pages(tmp_path, workers):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", SECRET_KEY="run-test",
               SURVEY_ENGINE_INSTANCE=str(tmp_path))
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([ENGINE, "run", "--port", str(port), "--workers", workers],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, html = _get(f"http://127.0.0.1:{port}/s/no-such-survey/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert status == 404
        assert '<html lang="sv"' in html and "Enkäten hittades inte" in html
        status, css = _get(f"http://127.0.0.1:{port}/static/site.css")
        assert status == 200 and "focus" in css
    finally:
        proc.send_signal(signal.SIGINT)  # quick shutdown (gunicorn: no graceful wait)
        out, _ = proc.communicate(timeout=20)
    assert "Serving on http://127.0.0.1:" in out
    assert "127.0.0.1 -" not in out  # no client address in the request log


def test_run_fails_clearly_on_a_bad_database_url(tmp_path):
    env = dict(os.environ, DATABASE_URL="nosuchdb://x", SECRET_KEY="k", SURVEY_ENGINE_INSTANCE=str(tmp_path))
    proc = subprocess.run([ENGINE, "run", "--port", str(_free_port())], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Error: cannot migrate the database")


def test_run_refuses_a_database_behind_the_code(tmp_path):
    from surveys import db

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db.upgrade(url, "0001")
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="run-test", SURVEY_ENGINE_INSTANCE=str(tmp_path))
    run = subprocess.run([ENGINE, "run", "--no-migrate", "--port", str(_free_port())],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert f"the database is at revision 0001, this version needs {db.head()}" in run.stderr
    assert "survey-engine db upgrade" in run.stderr and "Traceback" not in run.stderr
    assert db.current(url) == "0001"  # nothing was changed
