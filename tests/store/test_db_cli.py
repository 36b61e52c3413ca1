"""``survey-engine db upgrade|current|downgrade``."""
from __future__ import annotations

from click.testing import CliRunner

from surveys.cli import main
from surveys.db import head


def test_db_commands(database_url: str) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["db", "current", "--url", database_url])
    assert out.exit_code == 0 and out.output.startswith("base (empty)")
    out = runner.invoke(main, ["db", "upgrade", "--url", database_url])
    assert out.exit_code == 0, out.output
    assert out.output == f"database at revision {head()}\n"
    out = runner.invoke(main, ["db", "current", "--url", database_url])
    assert out.output == f"{head()} (up to date)\n"
    out = runner.invoke(main, ["db", "downgrade", "--url", database_url])
    assert out.exit_code == 0 and out.output == "database at revision base (empty)\n"


def test_db_errors_are_one_line(tmp_path) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    out = runner.invoke(main, ["db", "upgrade", "--url", url, "no-such-revision"])
    assert out.exit_code == 1
    assert out.output == "Error: Can't locate revision identified by 'no-such-revision'\n"
    out = runner.invoke(main, ["db", "current", "--url", "postgresql://nobody@127.0.0.1:1/x"])
    assert out.exit_code == 1
    assert out.output.startswith("Error: (psycopg.OperationalError) connection failed")
    assert "Traceback" not in out.output and out.output.count("\n") == 1
