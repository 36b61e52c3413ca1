"""``survey-engine instruments check|show`` through the installed console script."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
EXE = str(ROOT / ".venv" / "bin" / "survey-engine")
BROKEN = "tests/instruments/broken"


def run(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([EXE, "instruments", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_check_default_passes() -> None:
    proc = run("check")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "ok instruments/cannabis-attityd.yaml", "ok instruments/medborgardialog.yaml", "ok instruments/trygghet.yaml"]
    assert lines[0].startswith("ok instruments/cannabis-attityd.yaml (cannabis-attityd 2018.1 sha256 ")
    assert proc.stderr == ""


def test_check_reports_every_error_of_a_broken_file() -> None:
    proc = run("check", f"{BROKEN}/three-errors.yaml", "instruments/trygghet.yaml")
    assert proc.returncode == 1
    assert proc.stdout.startswith("ok instruments/trygghet.yaml (trygghet ")
    assert proc.stderr.splitlines() == [
        f"{BROKEN}/three-errors.yaml:12: pages[0].title: missing Swedish text (sv)",
        f"{BROKEN}/three-errors.yaml:21: scales.s.items[1]: unknown item 'q2'",
        f"{BROKEN}/three-errors.yaml:22: scales.s.reversed[0]: item 'q3' is not in this scale",
        "1 of 2 instrument file(s) have errors",
    ]


def test_check_yaml_syntax_error() -> None:
    proc = run("check", f"{BROKEN}/syntax.yaml")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (
        f"{BROKEN}/syntax.yaml:4: (yaml): YAML syntax error: expected ',' or '}}', but got ':' "
        "(while parsing a flow mapping started on line 3)")


def test_check_missing_file_and_directory() -> None:
    proc = run("check", "no/such/file.yaml", "tests")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "no/such/file.yaml: no such file",
        "tests: is a directory, not an instrument file",
        "2 of 2 instrument file(s) have errors",
    ]


def test_check_directory_means_its_yaml_files() -> None:
    proc = run("check", BROKEN)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert f"{BROKEN}/syntax.yaml:4:" in proc.stderr and f"{BROKEN}/three-errors.yaml:12:" in proc.stderr


def test_show_summary() -> None:
    proc = run("show", "cannabis-attityd")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "page attitudes" in out
    assert ("scale restrictive (mean, 1-6): att01, att02, att03, att04, att05, att06, att07, att08; "
            "reversed att02, att04, att06, att08; min answered 6; baseline 3.72 (2014); target 4.72") in out
    assert "share sometimes_or_regular: use in [3, 4]; baseline 0.08 (assumption); target 0.04" in out
    trygghet = run("show", "trygghet", "--lang", "en").stdout
    assert "index trygghetsindex: 33 variables, min answers 5, baseline 1.67, goal <= 2" in trygghet
    assert "Problems that must be addressed" in trygghet


def test_show_json() -> None:
    proc = run("show", "trygghet", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["id"] == "trygghet" and len(data["sha256"]) == 64
    index = data["indices"]["trygghetsindex"]
    assert len(index["variables"]) == 33 and index["goal_max"] == 2
    assert data["pages"][0]["items"][0]["id"] == "area"
    assert data["pages"][0]["items"][0]["text"]["sv"] == "I vilken stadsdel bor du?"


def test_show_unknown_or_broken() -> None:
    proc = run("show", "nope")
    assert proc.returncode == 1
    assert "unknown instrument 'nope' (known: cannabis-attityd, medborgardialog, trygghet)" in proc.stderr
    proc = run("show", f"{BROKEN}/three-errors.yaml")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f"{BROKEN}/three-errors.yaml:12: pages[0].title: missing Swedish text (sv)"
