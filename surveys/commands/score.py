"""``survey-engine score``: score a CSV of responses against an instrument,
or a wave in the database (``--wave SLUG``, read from ``DATABASE_URL``
through the same read as the analyst pages and the API).

Every expected failure (a bad instrument, a malformed CSV, an unknown ``--by``
column, waves that cannot be compared) is one line on stderr and exit 1.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from surveys.commands.progress import QUIET_HELP, Stages, steps
from surveys.commands.score_table import render_report

if TYPE_CHECKING:
    from scoring.model import Report
    from surveys.instrument import Instrument


class _Failure(Exception):
    """An expected failure; its lines go to stderr and the exit status is 1."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@click.command("score")
@click.option("--instrument", "instrument_path", default=None,
              type=click.Path(dir_okay=False), help="Instrument YAML file.")
@click.option("--responses", "responses_path", default=None,
              type=click.Path(dir_okay=False), help="CSV, one row per respondent.")
@click.option("--wave", "wave", default=None, metavar="SLUG",
              help="Score a wave in the database (DATABASE_URL) instead of a CSV.")
@click.option("--by", "by", multiple=True, metavar="COL",
              help="Break down by this group column (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True)
@click.option("--compare", "compare_path", type=click.Path(dir_okay=False), default=None,
              help="Another wave's CSV of the same instrument to compare with.")
@click.option("--compare-instrument", "compare_instrument_path", type=click.Path(dir_okay=False),
              default=None, help="The instrument version of the --compare wave "
                                 "(default: the same --instrument).")
@click.option("--quiet", "-q", is_flag=True, help=QUIET_HELP)
def command(instrument_path: str | None, responses_path: str | None, wave: str | None,
            by: tuple[str, ...], fmt: str, compare_path: str | None,
            compare_instrument_path: str | None, quiet: bool) -> None:
    """Score FILE.csv (or a database wave): scales, shares and indices as JSON (or a table).

    On a terminal a progress bar on stderr follows the stages (reading,
    scoring); the figures alone go to stdout."""
    stages = ["reading", "scoring"] + (["reading"] if compare_path else [])
    try:
        with steps(stages, quiet=quiet) as step:
            if wave is not None:
                if instrument_path or responses_path or compare_path or compare_instrument_path:
                    raise _Failure(["--wave scores a database wave: give it without --instrument, "
                                    "--responses, --compare or --compare-instrument"])
                instrument, report = wave_report(wave, by, step)
            elif not instrument_path or not responses_path:
                raise _Failure(["give --instrument PATH --responses FILE.csv, or --wave SLUG"])
            else:
                instrument, report = build_report(instrument_path, responses_path, by, compare_path,
                                                  compare_instrument_path, step)
    except _Failure as failure:
        for line in failure.lines:
            click.echo(line, err=True)
        sys.exit(1)
    if fmt == "json":
        from surveys.exports.report import report_json

        click.echo(report_json(report).decode("utf-8"))
    else:
        click.echo(render_report(report, instrument))


def build_report(instrument_path: str, responses_path: str, by: tuple[str, ...] = (),
                 compare_path: str | None = None,
                 compare_instrument_path: str | None = None,
                 step: Stages = Stages()) -> tuple["Instrument", "Report"]:
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
        columns = functools.partial(step.part, unit="columns")
        step(f"reading {Path(responses_path).name}")
        dataset = read_responses_csv(responses_path, instrument, progress=columns)
        if compare_path:
            step(f"reading {Path(compare_path).name}")
        other = read_responses_csv(compare_path, other_instrument, progress=columns) if compare_path else None
    except CsvError as exc:
        raise _Failure([str(exc)]) from None
    from scoring.disclosure import BreakdownError  # scipy is imported only when scoring
    from scoring.errors import IncomparableError, ScoringError
    from scoring.report import score_report

    try:
        compare = (other_instrument, other) if other is not None else None
        step("scoring")
        return instrument, score_report(instrument, dataset, by=tuple(by), compare=compare)
    except BreakdownError as exc:
        raise _Failure([f"{responses_path}: --by: {exc}"]) from None
    except IncomparableError as exc:
        raise _Failure([f"{compare_path}: {exc}"]) from None
    except ScoringError as exc:
        raise _Failure([f"cannot score: {exc}"]) from None


def wave_report(slug: str, by: tuple[str, ...] = (),
                step: Stages = Stages()) -> tuple["Instrument", "Report"]:
    """Score wave ``slug`` of the database at ``DATABASE_URL`` (the analyst
    side's read, :meth:`surveys.store.Store.wave_dataset`); raises ``_Failure``."""
    from sqlalchemy.exc import SQLAlchemyError

    from surveys import config, db
    from surveys.service.waves import load_wave, requested_breakdown
    from surveys.store import Store, UnknownSurvey

    engine = db.make_engine(config.database_url())
    try:
        # reading needs no key: the store's key only hashes access codes
        store = Store(engine, b"score-read-only")
        try:
            step(f"reading wave {slug}")
            wave = load_wave(store, slug, use_cache=False)
        except UnknownSurvey:
            raise _Failure([f"no wave '{slug}' in the database"]) from None
        except SQLAlchemyError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise _Failure([f"cannot read the database: {first}"]) from None
    finally:
        engine.dispose()
    instrument, dataset = wave.instrument, wave.dataset
    for col in by:
        if col not in dataset.groups:
            known = ", ".join(sorted(dataset.groups)) or "none"
            raise _Failure([f"wave {slug}: unknown --by column '{col}' (group columns: {known})"])
    from scoring.errors import ScoringError
    from surveys.service.waves import report

    try:
        step("scoring")
        return instrument, report(wave, requested_breakdown(by))
    except ScoringError as exc:
        raise _Failure([f"cannot score: {exc}"]) from None


def _load(path: str) -> "Instrument":
    """The instrument at ``path``; its errors become a ``_Failure``."""
    from surveys.loader import InstrumentError, load_instrument

    try:
        return load_instrument(path)
    except InstrumentError as exc:
        raise _Failure([str(e) for e in exc.errors] or [str(exc)]) from None


