"""``survey-engine demo``: CSV files that ``score`` reads, and a demo database
(SQLite and PostgreSQL, via DATABASE_URL) that the store can query."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from surveys import synthetic as S

CLI = str(Path(sys.executable).parent / "survey-engine")
ROOT = Path(__file__).parents[2]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def test_demo_out_writes_csvs_that_score_reads(tmp_path):
    out = tmp_path / "waves"
    proc = _run("demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["cannabis-2014.csv", "cannabis-2018.csv", "medborgardialog-2015.csv",
                     "medborgardialog-2016.csv", "trygghet-2014.csv"]
    for name in names:
        assert f"wrote {out / name}" in proc.stdout
    scored = _run("score", "--instrument", "instruments/cannabis-attityd.yaml",
                  "--responses", str(out / "cannabis-2014.csv"), "--by", "school")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["n_respondents"] == 2576
    assert report["scales"]["restrictive"]["overall"]["mean"] == pytest.approx(3.72, abs=0.02)
    assert len(report["scales"]["restrictive"]["groups"]) == 12
    tr = _run("score", "--instrument", "instruments/trygghet.yaml",
              "--responses", str(out / "trygghet-2014.csv"))
    assert tr.returncode == 0, tr.stderr
    index = json.loads(tr.stdout)["indices"]["trygghetsindex"]
    assert index["overall"]["index"] == pytest.approx(1.67, abs=0.3)
    md = _run("score", "--instrument", "instruments/medborgardialog.yaml",
              "--responses", str(out / "medborgardialog-2016.csv"),
              "--compare", str(out / "medborgardialog-2015.csv"), "--format", "table")
    assert md.returncode == 0, md.stderr
    assert "Dålig belysning" in md.stdout
    # the same seed writes the same bytes
    again = tmp_path / "again"
    assert _run("demo", "--out", str(again)).returncode == 0
    for name in names:
        assert (again / name).read_bytes() == (out / name).read_bytes()


def test_demo_out_unwritable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = _run("demo", "--out", str(blocker / "sub"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{blocker / 'sub'}: cannot write")


def _printed(stdout: str) -> tuple[str, str]:
    password = re.search(r"e-mail analyst@example\.org\s+password (\S+)", stdout).group(1)
    code = re.search(r"Sample code for cannabis-2018: (\S+)\s+at http://127\.0\.0\.1:5000/s/cannabis-2018/",
                     stdout).group(1)
    return password, code


@pytest.mark.slow
def test_demo_database(database_url, tmp_path):
    from surveys import accounts
    from surveys.dataset import from_records
    from surveys.db import make_engine
    from surveys.store import Store

    env = {"DATABASE_URL": database_url, "SURVEY_ENGINE_INSTANCE": str(tmp_path / "instance"),
           "SECRET_KEY": "demo-test-key"}
    first = _run("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "Demo database:" in first.stdout
    password, code = _printed(first.stdout)

    engine = make_engine(database_url)
    try:
        store = Store(engine, b"demo-test-key")
        surveys = {s.slug: s for s in store.surveys()}
        assert set(surveys) == {"cannabis-2014", "cannabis-2018", "trygghet-2014", "trygghet",
                                "medborgardialog-2015", "medborgardialog-2016", "medborgardialog"}
        assert not surveys["cannabis-2014"].is_open and surveys["cannabis-2018"].is_open
        assert surveys["cannabis-2018"].mode == "codes" and surveys["trygghet"].mode == "open"
        assert surveys["cannabis-2018"].presets["school"] == list(S.SCHOOLS)
        assert {slug: s.year for slug, s in surveys.items()} == {
            "cannabis-2014": 2014, "cannabis-2018": 2018, "trygghet-2014": 2014, "trygghet": 2018,
            "medborgardialog-2015": 2015, "medborgardialog-2016": 2016, "medborgardialog": 2017}

        records = store.wave_records("cannabis-2014")
        assert len(records) == 2576
        can = store.instrument(surveys["cannabis-2014"].instrument_sha256)
        ds = from_records(can, records)
        scale = can.scales["restrictive"]
        X = np.column_stack([ds.column(i) for i in scale.items])
        X = np.where([i in scale.reversed for i in scale.items], 7 - X, X)
        ok = (~np.isnan(X)).sum(axis=1) >= 6
        assert np.nanmean(X[ok], axis=1).mean() == pytest.approx(3.72, abs=0.02)
        assert sorted(set(ds.groups["school"])) == sorted(S.SCHOOLS)
        assert np.mean(ds.column("use") == 1) == pytest.approx(0.85, abs=0.005)
        # the open waves already hold a season's synthetic answers; 8 pupils
        # of cannabis-2018 answered through their codes
        season = len(S.cannabis_wave(can, S.CANNABIS_2018).records)
        assert len(store.wave_records("cannabis-2018")) == season
        assert store.progress("cannabis-2018", groups=False)["sources"] == {"app": 8, "imported": season - 8}
        assert store.progress("trygghet", groups=False)["total"]["submitted"] == len(S.trygghet_wave(
            store.instrument(surveys["trygghet"].instrument_sha256), 2018).records)
        assert store.progress("medborgardialog", groups=False)["total"]["submitted"] == len(
            S.medborgardialog_wave(store.instrument(surveys["medborgardialog"].instrument_sha256), 2017).records)
        assert len(store.wave_records("trygghet-2014")) == len(S.trygghet_wave(
            store.instrument(surveys["trygghet-2014"].instrument_sha256)).records)

        assert accounts.authenticate(store, "analyst@example.org", password) is not None
        handle = store.begin("cannabis-2018", code=code)
        assert handle.group_values.get("school") == S.SCHOOLS[0]

        # again: nothing twice, a new password and a new code
        second = _run("demo", env=env)
        assert second.returncode == 0, second.stderr
        password2, code2 = _printed(second.stdout)
        assert "kept (already there, 2576 submitted)" in second.stdout
        assert len(store.surveys()) == 7
        assert len(store.wave_records("cannabis-2014")) == 2576
        assert len(store.wave_records("cannabis-2018")) == season
        assert len(accounts.users(store)) == 1
        assert accounts.authenticate(store, "analyst@example.org", password2) is not None
        assert accounts.authenticate(store, "analyst@example.org", password) is None
        assert code2 != code
        store.begin("cannabis-2018", code=code2)
    finally:
        engine.dispose()


def _stderr_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (where progress bars show)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, text=True)
    os.close(slave)
    out, _ = proc.communicate(timeout=600)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.returncode, out, b"".join(chunks).decode("utf-8", "replace")


def test_demo_progress_bar_on_a_terminal_and_quiet(tmp_path):
    code, out, err = _stderr_on_a_terminal("demo", "--out", str(tmp_path / "a"))
    assert code == 0 and "writing waves:   0%" in err and "/5 [" in err
    assert out.count("wrote ") == 5
    code, out, err = _stderr_on_a_terminal("demo", "--out", str(tmp_path / "b"), "--quiet")
    assert (code, out, err) == (0, "", "")
    assert len(list((tmp_path / "b").iterdir())) == 5
    # not a terminal (scripts, cron): no bar even without --quiet
    proc = _run("demo", "--out", str(tmp_path / "c"))
    assert proc.returncode == 0 and proc.stderr == ""
