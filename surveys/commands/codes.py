"""``survey-engine codes issue SLUG --count N [--tag KEY=VALUE]... --out FILE.csv|FILE.pdf``.

Issues a batch of one-time access codes for a wave (in the database of
``DATABASE_URL`` or the instance SQLite file) and writes the slips: a CSV
(code, address, tags) or a PDF of slips to cut apart. The file is the only
place the codes are ever shown in clear. Tags go through the same store
function as the analyst page, so they are checked the same way.

Exit codes: 0 done, 1 refused input (one line), 2 wrong usage.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from surveys.commands.progress import EXIT_CODES, QUIET_HELP

#: The address printed on slips when neither --base-url nor SURVEY_BASE_URL is given.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _tags(values: tuple[str, ...]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{value}' must look like KEY=VALUE, e.g. school=\"Skola A\"",
                                     param_hint="--tag")
        if key.strip() in tags:
            raise click.BadParameter(f"the tag '{key.strip()}' is given twice", param_hint="--tag")
        tags[key.strip()] = text.strip()
    return tags


@click.group("codes", epilog=EXIT_CODES)
def command() -> None:
    """Access codes of a wave."""


@command.command("issue", epilog=EXIT_CODES)
@click.argument("slug")
@click.option("--count", type=click.IntRange(min=1), required=True, help="How many codes.")
@click.option("--tag", "tag_values", multiple=True, metavar="KEY=VALUE",
              help="A group value for the whole batch, e.g. --tag school=\"Skola A\" (repeatable).")
@click.option("--out", required=True, metavar="FILE.csv|FILE.pdf", help="Where to write the slips.")
@click.option("--base-url", default=None, metavar="URL",
              help=f"The site's address printed on the slips (default: SURVEY_BASE_URL or {DEFAULT_BASE_URL}).")
@click.option("--url", "db_url", default=None, metavar="URL",
              help="Database URL (default: DATABASE_URL or the instance SQLite file).")
@click.option("--quiet", "-q", is_flag=True, help=QUIET_HELP)
def issue_cmd(slug: str, count: int, tag_values: tuple[str, ...], out: str, base_url: str | None,
              db_url: str | None, quiet: bool) -> None:
    """Issue COUNT codes for wave SLUG and write them as slips (CSV or PDF)."""
    from sqlalchemy.exc import SQLAlchemyError

    from surveys import config, db
    from surveys.store import MAX_CODES_PER_BATCH, Store, StoreError

    target = Path(out)
    kind = target.suffix.lower()
    if kind not in (".csv", ".pdf"):
        raise click.BadParameter("must name a .csv or a .pdf file", param_hint="--out")
    if count > MAX_CODES_PER_BATCH:
        raise click.BadParameter(f"at most {MAX_CODES_PER_BATCH} codes per batch", param_hint="--count")
    tags = _tags(tag_values)
    if not target.parent.is_dir():
        _fail(f"{target.parent}: no such directory")
    url = config.normalise_url(db_url) if db_url else config.database_url()
    base = (base_url or os.environ.get("SURVEY_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    try:
        store = Store(db.make_engine(url), config.secret_key())
        try:
            survey = store.survey(slug)
            codes = store.issue_codes(slug, count, tags)
        finally:
            store.engine.dispose()
    except StoreError as exc:
        _fail(f"{slug}: {exc}")
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        _fail(f"database error: {first} (is it migrated? run 'survey-engine db upgrade')")
    from webapp.analyst.slips import slips_csv, slips_pdf

    address = f"{base}/s/{slug}/"
    data = slips_csv(codes, tags, address) if kind == ".csv" else slips_pdf(survey.label, address, codes, tags)
    try:
        target.write_bytes(data)
    except OSError as exc:
        _fail(f"{target}: cannot write: {exc.strerror}; the {count} codes were issued but not saved: "
              "issue a new batch")
    if not quiet:
        shown = ", ".join(f"{k}={v}" for k, v in tags.items())
        click.echo(f"issued {len(codes)} codes for {slug}{f' ({shown})' if shown else ''}; wrote {target}")
