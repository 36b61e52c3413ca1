"""``survey-engine codes issue`` end to end through the console script, on
SQLite and PostgreSQL: the slips file holds working codes with their tags,
refusals are one line with exit 1, usage errors exit 2."""
from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent.parent
EXE = str(ROOT / ".venv" / "bin" / "survey-engine")
SECRET = "codes-cli-secret"


@pytest.fixture
def wave(migrated_url: str):
    from surveys.db import make_engine
    from surveys.loader import instruments_dir, load_instrument_text
    from surveys.store import Store

    store = Store(make_engine(migrated_url), SECRET.encode())
    path = instruments_dir() / "cannabis-attityd.yaml"
    text = path.read_text(encoding="utf-8")
    sha = store.register_instrument(load_instrument_text(text, str(path)), text)
    store.create_survey(slug="cannabis-2026", instrument_sha256=sha, label="2026", mode="codes",
                        presets={"school": ["Skola A", "Skola B"], "class": ["9A", "9B"]}, is_open=True)
    store.create_survey(slug="open-2026", instrument_sha256=sha, label="Öppen", mode="open",
                        presets={"school": ["Skola A"]}, is_open=True)
    yield store, migrated_url
    store.engine.dispose()


def run(url: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "SURVEY_BASE_URL": "https://enkat.kommun.se"}
    proc = subprocess.run([EXE, "codes", "issue", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_issue_csv_and_pdf(wave, tmp_path: Path) -> None:
    store, url = wave
    out = tmp_path / "slips.csv"
    proc = run(url, "cannabis-2026", "--count", "12", "--tag", "school=Skola B", "--tag", "class=9A",
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"issued 12 codes for cannabis-2026 (school=Skola B, class=9A); wrote {out}\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 12 and len({r["code"] for r in rows}) == 12
    assert {(r["url"], r["school"], r["class"]) for r in rows} == {
        ("https://enkat.kommun.se/s/cannabis-2026/", "Skola B", "9A")}
    # the codes work, carry their tags, and were counted as one batch
    handle = store.begin("cannabis-2026", code=rows[0]["code"])
    assert handle.group_values == {"school": "Skola B", "class": "9A"}
    [batch] = store.code_batches("cannabis-2026")
    assert (batch.unused, batch.started, batch.tags) == (11, 1, {"school": "Skola B", "class": "9A"})
    pdf = tmp_path / "slips.pdf"
    proc = run(url, "cannabis-2026", "--count", "3", "--out", str(pdf), "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_refusals_exit_1_and_usage_exit_2(wave, tmp_path: Path) -> None:
    store, url = wave
    out = str(tmp_path / "x.csv")
    proc = run(url, "no-such-wave", "--count", "2", "--out", out)
    assert (proc.returncode, proc.stderr) == (1, "no-such-wave: no survey 'no-such-wave'\n")
    proc = run(url, "open-2026", "--count", "2", "--out", out)
    assert (proc.returncode, proc.stderr) == (1, "open-2026: survey 'open-2026' uses an open link, not codes\n")
    proc = run(url, "cannabis-2026", "--count", "2", "--tag", "school=", "--out", out)
    assert proc.returncode == 1 and proc.stderr.startswith("cannabis-2026: tag 'school' ")
    assert not Path(out).exists()
    assert store.code_batches("cannabis-2026") == []
    for args, message in ((["--count", "0", "--out", out], "Invalid value for '--count'"),
                          (["--count", "2", "--out", str(tmp_path / "x.txt")], "must name a .csv or a .pdf file"),
                          (["--count", "2", "--tag", "school", "--out", out], "must look like KEY=VALUE"),
                          (["--count", "2"], "Missing option '--out'")):
        proc = run(url, "cannabis-2026", *args)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    helptext = subprocess.run([EXE, "codes", "issue", "--help"], capture_output=True, text=True).stdout
    assert "Exit codes: 0 done, 1 refused input (one line per problem), 2 wrong usage." in helptext
