"""``survey-engine report --wave SLUG --out FILE.pdf [--lang sv|en]``: the
wave's yearly report as a tagged PDF, read from ``DATABASE_URL`` as the
analyst pages read it and compared with the previous comparable wave.

Exit codes: 0 written, 1 refused (unknown wave, no answers, unreadable
database, unwritable file; one line on stderr), 2 wrong usage (click).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from surveys.yearly_report.texts import DEFAULT_LANGUAGE, LANGUAGES


class _Failure(Exception):
    """An expected failure: its message goes to stderr and the exit status is 1."""


@click.command("report", epilog="Exit codes: 0 done, 1 refused input (one line per problem), 2 wrong usage.")
@click.option("--wave", "slug", required=True, metavar="SLUG", help="The wave (DATABASE_URL).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="The PDF file to write.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True,
              help="Language of the report.")
def command(slug: str, out: str, lang: str) -> None:
    """Write the yearly report of wave SLUG as a tagged, accessible PDF."""
    try:
        pdf = build_pdf(slug, lang)
        try:
            Path(out).write_bytes(pdf)
        except OSError as exc:
            raise _Failure(f"cannot write {out}: {exc.strerror or exc}") from None
    except _Failure as failure:
        click.echo(str(failure), err=True)
        sys.exit(1)
    click.echo(f"wrote {out} ({len(pdf) // 1024} KiB, {lang})")


def build_pdf(slug: str, lang: str) -> bytes:
    """The report of ``slug`` from the database at ``DATABASE_URL``; raises ``_Failure``."""
    from sqlalchemy.exc import SQLAlchemyError

    from surveys import config, db
    from surveys.store import Store, UnknownSurvey
    from surveys.yearly_report import ReportRefused, render_pdf, yearly_report

    engine = db.make_engine(config.database_url())
    try:
        # reading needs no key: the store's key only hashes access codes
        store = Store(engine, b"report-read-only")
        try:
            document = yearly_report(store, slug, store.surveys(), lang)
        except UnknownSurvey:
            raise _Failure(f"no wave '{slug}' in the database") from None
        except ReportRefused as exc:
            raise _Failure(str(exc)) from None
        except SQLAlchemyError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise _Failure(f"cannot read the database: {first}") from None
    finally:
        engine.dispose()
    return render_pdf(document)
