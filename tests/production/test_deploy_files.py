"""The files in deploy/ an IT department copies: the run script refuses bad
arguments with one line and exit 1; the env example names every variable
the app reads; the nginx template leaves no variable unrendered."""
from __future__ import annotations

import subprocess
from pathlib import Path

from benchmarks.load.deployment import TEMPLATE, render_site

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_run_script_refuses_bad_arguments(tmp_path):
    script = str(DEPLOY / "run-instance.sh")
    done = subprocess.run(["sh", script], capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr == f"usage: {script} ENV_FILE PORT\n"
    done = subprocess.run(["sh", script, str(tmp_path / "missing.env"), "8000"], capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr == f"{script}: cannot read {tmp_path / 'missing.env'}\n"


def test_env_example_sets_what_the_app_reads():
    text = (DEPLOY / "env" / "survey-engine.env.example").read_text()
    names = {line.split("=", 1)[0] for line in text.splitlines() if line and not line.startswith("#")}
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TRUSTED_PROXIES", "SURVEY_ENGINE_INSTANCE",
            "SURVEY_ENGINE_WORKERS"} <= names
    unit = (DEPLOY / "systemd" / "survey-engine@.service").read_text()
    assert "--no-migrate" in unit and "${SURVEY_ENGINE_WORKERS}" in unit


def test_nginx_template_names_every_variable_in_its_envsubst_line():
    text = TEMPLATE.read_text()
    line = next(l for l in text.splitlines() if "envsubst '" in l)
    listed = {part.split("}")[0] for part in line.split("${")[1:]}
    used = {part.split("}")[0] for part in text.split("${")[1:]}
    assert used == listed
    rendered = render_site({name: "x" for name in listed})
    assert "${" not in rendered and "$http_host" in rendered  # nginx's own variables stay
