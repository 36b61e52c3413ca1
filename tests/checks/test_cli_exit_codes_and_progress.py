"""Every command documents its exit codes in ``--help`` and keeps them (0 done,
1 refused input, 2 wrong usage); long work shows a progress bar on stderr
only when stderr is a terminal and ``--quiet`` is not given."""
from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
from pathlib import Path
from typing import Iterator

import click
import pytest
from click.testing import CliRunner

from surveys.cli import main
from surveys.commands.progress import EXIT_CODES

ROOT = Path(__file__).parent.parent.parent
EXE = str(ROOT / ".venv" / "bin" / "survey-engine")


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, path + (name,))


ALL = list(_commands(main))


def test_every_command_has_a_subcommand_list_worth_checking() -> None:
    names = {" ".join(p) for p in ALL}
    assert {"db backup", "score", "waves open", "users create", "codes issue", "instruments import-xlsform",
            "demo", "run"} <= names


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "survey-engine")
def test_help_documents_the_exit_codes(path: tuple[str, ...]) -> None:
    out = CliRunner().invoke(main, [*path, "--help"])
    assert out.exit_code == 0
    assert EXIT_CODES in " ".join(out.output.split())


def test_exit_codes_are_kept(tmp_path: Path) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert runner.invoke(main, ["db", "upgrade", "--url", url]).exit_code == 0
    cases = [  # (arguments, exit code)
        (["waves", "list", "--url", url], 0),
        (["waves", "open", "no-such-wave", "--url", url], 1),
        (["waves", "open"], 2),                                  # missing argument
        (["waves", "frobnicate"], 2),                            # unknown command
        (["db", "backup", "--url", url, str(tmp_path)], 2),      # a folder, not a file
        (["db", "backup", "--url", url, str(tmp_path / "nowhere" / "b.db")], 1),
        (["score", "--wave"], 2),
        (["score", "--instrument", str(tmp_path / "none.yaml"), "--responses", str(tmp_path / "r.csv")], 1),
        (["instruments", "show", "no-such-instrument"], 1),
        (["codes", "issue", "x", "--count", "0", "--out", str(tmp_path / "c.txt")], 2),
        (["users", "--no-such-option"], 2),
    ]
    for args, code in cases:
        out = runner.invoke(main, args)
        assert out.exit_code == code, (args, out.output)
        assert "Traceback" not in out.output


def _run_on_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal: (status, stdout, stderr)."""
    master, slave = pty.openpty()
    # a terminal of 100 columns (a new pseudo-terminal has none, and tqdm draws nothing in 0)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ)
    proc = subprocess.Popen([EXE, *args], stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.communicate(timeout=60)[0].decode()
    os.close(master)
    return proc.returncode, stdout, b"".join(chunks).decode(errors="replace")


def test_backup_and_score_show_a_bar_on_a_terminal_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert subprocess.run([EXE, "db", "upgrade", "--url", url], capture_output=True).returncode == 0
    status, stdout, stderr = _run_on_terminal(["db", "backup", "--url", url, str(tmp_path / "b1.db")])
    assert status == 0 and "backup" in stderr and "page" in stderr  # the bar (tqdm) on the terminal
    assert stdout.startswith("backup of ")
    status, stdout, stderr = _run_on_terminal(["db", "backup", "--quiet", "--url", url, str(tmp_path / "b2.db")])
    assert status == 0 and stderr == "" and stdout == ""  # --quiet: nothing but problems
    piped = subprocess.run([EXE, "db", "backup", "--url", url, str(tmp_path / "b3.db")], capture_output=True,
                           text=True)
    assert piped.returncode == 0 and piped.stderr == ""  # stderr not a terminal: no bar
    assert (tmp_path / "b1.db").stat().st_size == (tmp_path / "b3.db").stat().st_size > 0

    instrument = str(ROOT / "tests" / "instruments" / "mini.yaml")
    csv = tmp_path / "r.csv"
    csv.write_text("q1,q2,q3,q4\n1,2,3,1\n2,,1,2\n", encoding="utf-8")
    args = ["score", "--instrument", instrument, "--responses", str(csv)]
    status, stdout, stderr = _run_on_terminal(args)
    assert status == 0 and '"n_respondents": 2' in stdout
    assert "scoring" in stderr and "step" in stderr
    status, stdout, stderr = _run_on_terminal(args + ["--quiet"])
    assert status == 0 and '"n_respondents": 2' in stdout and stderr == ""


def test_csv_reading_reports_its_columns(tmp_path: Path) -> None:
    """The CSV reader tells how far it is, column by column (the score bar's "k/n columns")."""
    from surveys.csvio import read_responses_csv
    from surveys.loader import load_instrument

    csv = tmp_path / "r.csv"
    csv.write_text("q1,q2,q3,q4,case\n1,2,3,1,a\n2,,1,2,b\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    dataset = read_responses_csv(csv, load_instrument(ROOT / "tests" / "instruments" / "mini.yaml"),
                                 progress=lambda done, total: seen.append((done, total)))
    assert dataset.n == 2
    assert seen == [(k, 5) for k in range(6)]
