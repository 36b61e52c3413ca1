"""``survey-engine score``: score a CSV of responses against an instrument.

Every expected failure (a bad instrument, a malformed CSV, an unknown ``--by``
column, waves that cannot be compared) is one line on stderr and exit 1.
"""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from surveys.commands.score_table import render_report

if TYPE_CHECKING:
    from surveys.instrument import Instrument


class _Failure(Exception):
    """An expected failure; its lines go to stderr and the exit status is 1."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@click.command("score")
@click.option("--instrument", "instrument_path", required=True,
              type=click.Path(dir_okay=False), help="Instrument YAML file.")
@click.option("--responses", "responses_path", required=True,
              type=click.Path(dir_okay=False), help="CSV, one row per respondent.")
@click.option("--by", "by", multiple=True, metavar="COL",
              help="Break down by this group column (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True)
@click.option("--compare", "compare_path", type=click.Path(dir_okay=False), default=None,
              help="Another wave's CSV of the same instrument to compare with.")
@click.option("--compare-instrument", "compare_instrument_path", type=click.Path(dir_okay=False),
              default=None, help="The instrument version of the --compare wave "
                                 "(default: the same --instrument).")
def command(instrument_path: str, responses_path: str, by: tuple[str, ...], fmt: str,
            compare_path: str | None, compare_instrument_path: str | None) -> None:
    """Score FILE.csv: scales, shares and indices as JSON (or a table)."""
    try:
        instrument, report = build_report(instrument_path, responses_path, by, compare_path,
                                          compare_instrument_path)
    except _Failure as failure:
        for line in failure.lines:
            click.echo(line, err=True)
        sys.exit(1)
    if fmt == "json":
        from scoring.jsonsafe import plain

        click.echo(json.dumps(plain(report), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo(render_report(report, instrument))


def build_report(instrument_path: str, responses_path: str, by: tuple[str, ...] = (),
                 compare_path: str | None = None,
                 compare_instrument_path: str | None = None) -> tuple["Instrument", dict[str, Any]]:
    """Load, read, check ``by`` and score; raises ``_Failure`` for user errors.

    The ``compare_path`` wave is read against ``compare_instrument_path``
    (default: the same instrument), and waves whose scales are defined
    differently are refused.
    """
    from surveys.csvio import CsvError, read_responses_csv

    if compare_instrument_path and not compare_path:
        raise _Failure(["--compare-instrument needs --compare OTHER.csv"])
    instrument = _load(instrument_path)
    other_instrument = _load(compare_instrument_path) if compare_instrument_path else instrument
    try:
        dataset = read_responses_csv(responses_path, instrument)
        other = read_responses_csv(compare_path, other_instrument) if compare_path else None
    except CsvError as exc:
        raise _Failure([str(exc)]) from None
    from scoring.disclosure import BreakdownError  # scipy is imported only when scoring
    from scoring.errors import IncomparableError, ScoringError
    from scoring.report import score_report

    try:
        compare = (other_instrument, other) if other is not None else None
        return instrument, score_report(instrument, dataset, by=tuple(by), compare=compare)
    except BreakdownError as exc:
        raise _Failure([f"{responses_path}: --by: {exc}"]) from None
    except IncomparableError as exc:
        raise _Failure([f"{compare_path}: {exc}"]) from None
    except ScoringError as exc:
        raise _Failure([f"cannot score: {exc}"]) from None


def _load(path: str) -> "Instrument":
    """The instrument at ``path``; its errors become a ``_Failure``."""
    from surveys.loader import InstrumentError, load_instrument

    try:
        return load_instrument(path)
    except InstrumentError as exc:
        raise _Failure([str(e) for e in exc.errors] or [str(exc)]) from None


