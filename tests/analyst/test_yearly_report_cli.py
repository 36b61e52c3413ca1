"""``survey-engine report --wave SLUG --out FILE.pdf [--lang sv|en]`` end to
end through the console script, on SQLite and PostgreSQL: the PDF's method
annex counts the codes issued and used, refusals are one line with exit 1,
usage errors exit 2, never a traceback."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from pypdf import PdfReader

from surveys.importer import import_wave

from .conftest import answer, register

pytestmark = pytest.mark.slow

EXE = str(Path(sys.executable).parent / "survey-engine")
SECRET = "report-cli-secret"


@pytest.fixture
def waves(migrated_url: str) -> Iterator[str]:
    """cannabis-2026: 30 pupils imported and 6 who answered with 6 of 10
    issued codes; cannabis-2025 (the previous wave, imported); empty-2026;
    purged-2026 (its raw answers purged)."""
    from surveys import lifecycle
    from surveys.db import make_engine
    from surveys.store import Store

    store = Store(make_engine(migrated_url), SECRET.encode())
    sha = register(store, "cannabis-attityd")
    header = "school;gender;use;" + ";".join(f"att{k:02d}" for k in range(1, 9))
    for slug in ("cannabis-2025", "cannabis-2026", "empty-2026"):
        store.create_survey(slug=slug, instrument_sha256=sha, label=slug.replace("-", " "), mode="codes",
                            presets={"school": ["Skola A", "Skola B"]}, is_open=True)
    for slug, shift in (("cannabis-2025", 0), ("cannabis-2026", 1)):
        rows = [f"{'Skola A' if i % 2 else 'Skola B'};{1 + i % 2};1;"
                + ";".join(str(min(6, 1 + (i + k) % 5 + shift)) for k in range(8)) for i in range(30)]
        assert import_wave(store, slug, ("\n".join([header, *rows]) + "\n").encode(), name="w.csv").imported == 30
    store.create_survey(slug="purged-2026", instrument_sha256=sha, label="purged", mode="codes",
                        presets={"school": ["Skola A", "Skola B"]})
    rows = [f"Skola A;1;1;" + ";".join("3" for _ in range(8))] * 6
    assert import_wave(store, "purged-2026", ("\n".join([header, *rows]) + "\n").encode(), name="p.csv").imported
    lifecycle.set_retention(store, "purged-2026", dt.date(2026, 1, 1))
    assert [p.slug for p in lifecycle.purge_due(store, dt.date(2026, 1, 2))] == ["purged-2026"]
    codes = store.issue_codes("cannabis-2026", 10, {})
    for i, code in enumerate(codes[:6]):
        answer(store, "cannabis-2026", {"school": 1, "gender": 1 + i % 2, "use": 1,
                                        **{f"att{k:02d}": 3 + (i + k) % 3 for k in range(1, 13)}}, code=code)
    yield migrated_url
    store.engine.dispose()


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    proc = subprocess.run([EXE, "report", *args], env=env, capture_output=True, text=True, timeout=180)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_report_command_writes_the_tagged_pdf(waves: str, tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    proc = run(waves, "--wave", "cannabis-2026", "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {out} (") and proc.stdout.endswith(", en)\n")
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Wave: cannabis 2026 (cannabis-2026), n = 36 respondents. Compared with: cannabis 2025" in text
    assert "36 submitted responses (30 imported from a file), 0 begun but not submitted." in text
    assert "60.0 %: 6 of 10 issued codes were used." in text
    # Swedish by default
    proc = run(waves, "--wave", "cannabis-2026", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Svarsfrekvens" in text and "60,0 %: 6 av 10 utdelade koder användes." in re.sub(r"\s+", " ", text)


#: (arguments, exit code, message on stderr)
REFUSALS = [
    (["--wave", "no-such-wave"], 1, "no wave 'no-such-wave' in the database\n"),
    (["--wave", "empty-2026"], 1, "wave empty-2026 has no submitted answers yet\n"),
    (["--wave", "purged-2026"], 1, "the raw answers of wave purged-2026 were purged on 2026-01-02; "
                                   "its report cannot be made again\n"),
    (["--wave", "cannabis-2026", "--lang", "ar"], 2, "Invalid value for '--lang': 'ar' is not one of 'sv', 'en'."),
]


def test_report_command_refusals(waves: str, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    for args, code, message in REFUSALS:
        proc = run(waves, *args, "--out", str(out))
        assert proc.returncode == code, args
        assert message in proc.stderr, proc.stderr
        assert not out.exists()
