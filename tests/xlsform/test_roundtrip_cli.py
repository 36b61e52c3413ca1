"""``instruments export-xlsform`` / ``import-xlsform`` end to end through the console
script: the three instruments survive the round trip (``instruments show --json``
identical, hash included), and pyxform converts every exported workbook without
an error or a warning."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
EXE = str(ROOT / ".venv" / "bin" / "survey-engine")
INSTRUMENTS = ("cannabis-attityd", "trygghet", "medborgardialog")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    proc = subprocess.run([EXE, "instruments", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def _shown(ident: str) -> dict:
    proc = run("show", ident, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    data.pop("path")
    for page in data["pages"]:  # the YAML line of each item differs between the two files
        for item in page["items"]:
            item.pop("line")
    return data


@pytest.mark.slow
@pytest.mark.parametrize("ident", INSTRUMENTS)
def test_round_trip(tmp_path: Path, ident: str) -> None:
    from pyxform.xls2xform import convert

    xlsx = tmp_path / f"{ident}.xlsx"
    proc = run("export-xlsform", ident, "--out", str(xlsx))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {xlsx} ({ident} 2018.1, sha256 ")
    warnings: list[str] = []
    xform = convert(xlsform=str(xlsx), warnings=warnings).xform
    assert warnings == []
    assert f'<data id="{ident}" version="2018.1">' in xform
    out = tmp_path / "back" / f"{ident}.yaml"
    proc = run("import-xlsform", str(xlsx), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no notes: nothing was assumed
    original, back = _shown(ident), _shown(str(out))
    assert back == original  # the same content hash too
    # the written YAML is a valid instrument for `instruments check`
    assert run("check", str(out)).returncode == 0


def test_import_refusal_writes_nothing(tmp_path: Path) -> None:
    from tests.xlsform.workbook import write_form

    form = write_form(tmp_path / "bad.xlsx", [["type", "name", "label"], ["geopoint", "where", "Var?"]],
                      settings=[["form_id", "version"], ["bad", "1"]])
    out = tmp_path / "bad.yaml"
    proc = run("import-xlsform", str(form), "--out", str(out))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{form}:survey:2:type: 'geopoint' is not a supported type; supported: text, integer, decimal, select_one LIST, "
        "select_multiple LIST (each may end in or_other), note, begin group, end group",
        "1 problem(s); nothing was written"]
    assert not out.exists()


def test_import_default_path_notes_and_overwrite(tmp_path: Path) -> None:
    corpus = ROOT.parent / "shared" / "fixtures" / "xlsform-corpus" / "derived" / "yes_or_no_question.xlsx"
    proc = run("import-xlsform", str(corpus), "--id", "yes-no", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / "instruments" / "yes-no.yaml"
    assert proc.stdout.startswith("wrote instruments/yes-no.yaml (yes-no 1, 1 pages, 1 items, sha256 ")
    assert f"{corpus}:choices:2:name: note: the choices of list 'yes_or_no' are not whole numbers; they are " \
           "coded 1..n in list order (yes=1, no=2)" in proc.stderr.splitlines()
    written.write_text(written.read_text() + "# edited\n")
    proc = run("import-xlsform", str(corpus), "--id", "yes-no", "--quiet", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == "instruments/yes-no.yaml: exists; give --force to replace it, or another --out\n"
    proc = run("import-xlsform", str(corpus), "--id", "yes-no", "--quiet", "--force", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert "# edited" not in written.read_text()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    proc = run("export-xlsform", "trygghet", "--out", str(tmp_path / "x.csv"))
    assert proc.returncode == 2 and "--out must name an .xlsx file" in proc.stderr
    assert run("import-xlsform").returncode == 2
    assert "Exit codes: 0 done, 1 refused input (one line per problem), 2 wrong usage." in \
        run("import-xlsform", "--help").stdout


def test_check_and_show_read_xlsforms(tmp_path: Path) -> None:
    from tests.xlsform.workbook import write_form

    corpus = ROOT.parent / "shared" / "fixtures" / "xlsform-corpus" / "derived"
    proc = run("check", str(corpus / "or_other.xlsx"), "instruments/trygghet.yaml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(f"ok {corpus / 'or_other.xlsx'} (or-other 1 sha256 ")
    bad = write_form(tmp_path / "bad.xlsx", [["type", "name", "label"], ["text", "Q", "Fråga"]])
    proc = run("check", str(bad))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{bad}:survey:2:name: the name 'Q' must be lower-case letters, digits and _, starting with a letter "
        "(e.g. q1)", "1 of 1 instrument file(s) have errors"]
    shown = run("show", str(corpus / "or_other.xlsx"))
    assert shown.returncode == 0 and "fav_color_other" in shown.stdout
    again = tmp_path / "again.xlsx"
    assert run("export-xlsform", str(corpus / "or_other.xlsx"), "--out", str(again)).returncode == 0
    assert _shown(str(again))["sha256"] == _shown(str(corpus / "or_other.xlsx"))["sha256"]
