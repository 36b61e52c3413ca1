"""``survey-engine waves list | open SLUG | close SLUG | delete SLUG --yes |
retain SLUG DATE | purge``: waves from the command line.

Exit codes: 0 done, 1 refused (unknown wave, bad date, a database error),
2 usage (a missing argument or ``--yes``). ``--quiet`` prints nothing but
errors, for cron (``waves purge --quiet``). Every change is recorded in the
audit log with the actor ``cli``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, NoReturn

import click

from surveys import config

url_option = click.option("--url", metavar="URL", default=None,
                          help="Database URL (default: DATABASE_URL or the instance SQLite file).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")


def _store(url: str | None) -> Any:
    from surveys.db import make_engine
    from surveys.store import Store

    engine = make_engine(config.normalise_url(url) if url else config.database_url())
    # These commands never hash a code, so the store needs no real key (and
    # no key file is created for them).
    return Store(engine, secret_key=b"survey-engine/waves-cli")


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _run(action: Callable[[], Any]) -> Any:
    """Run ``action``; a store or database failure is one line, exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from surveys.store import StoreError

    try:
        return action()
    except StoreError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        first = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        _fail(f"database error: {first} (is it migrated? run 'survey-engine db upgrade')")


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        click.echo(text)


@click.group("waves")
def command() -> None:
    """List, open, close and delete waves; purge raw answers after their retention date."""


@command.command("list")
@url_option
def list_cmd(url: str | None) -> None:
    """One line per wave: slug, state, submitted responses, instrument, retention."""
    def listing() -> list[str]:
        store = _store(url)
        lines = []
        for s in store.surveys():
            life = store.lifecycle(s.slug)
            submitted = store.progress(s.slug)["total"]["submitted"]
            keep = f"keep until {life['retain_until']}" if life["retain_until"] else "no retention date"
            state = f"purged {life['purged_on']}" if life["purged_on"] else ("open" if s.is_open else "closed")
            lines.append(f"{s.slug}\t{state}\t{submitted} submitted\t{s.instrument_id} {s.instrument_version}"
                         f"\t{keep}")
        return lines

    lines = _run(listing)
    if not lines:
        click.echo("no waves")
    for line in lines:
        click.echo(line)


def _set_open(slug: str, opening: bool, url: str | None, quiet: bool) -> None:
    from surveys import audit

    def change() -> None:
        store = _store(url)
        store.set_open(slug, opening)
        audit.record(store, audit.CLI_ACTOR, "wave_open" if opening else "wave_close", slug)

    _run(change)
    _say(quiet, f"{slug} is {'open' if opening else 'closed'}")


@command.command("open")
@click.argument("slug")
@url_option
@quiet_option
def open_cmd(slug: str, url: str | None, quiet: bool) -> None:
    """Open wave SLUG for answers."""
    _set_open(slug, True, url, quiet)


@command.command("close")
@click.argument("slug")
@url_option
@quiet_option
def close_cmd(slug: str, url: str | None, quiet: bool) -> None:
    """Close wave SLUG."""
    _set_open(slug, False, url, quiet)


@command.command("delete")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Confirm: the wave, its answers and codes are deleted for good.")
@url_option
@quiet_option
def delete_cmd(slug: str, yes: bool, url: str | None, quiet: bool) -> None:
    """Delete wave SLUG with all its responses, answers and codes (needs --yes)."""
    from surveys import lifecycle

    if not yes:
        raise click.UsageError(f"deleting '{slug}' removes its answers and codes for good; "
                               "add --yes to confirm")
    counts = _run(lambda: lifecycle.delete_wave(_store(url), slug))
    _say(quiet, f"deleted {slug}: {counts['responses']} responses, {counts['codes']} codes")


def _date(value: str) -> dt.date | None:
    if value.strip().lower() == "none":
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"'{value}' is not a date (YYYY-MM-DD) or 'none'")


@command.command("retain")
@click.argument("slug")
@click.argument("until")
@url_option
@quiet_option
def retain_cmd(slug: str, until: str, url: str | None, quiet: bool) -> None:
    """Keep the raw answers and codes of SLUG until UNTIL (YYYY-MM-DD, or 'none')."""
    from surveys import lifecycle

    day = _date(until)
    _run(lambda: lifecycle.set_retention(_store(url), slug, day))
    _say(quiet, f"{slug}: raw answers kept until {day}" if day else f"{slug}: no retention date")


@command.command("purge")
@click.option("--today", "today", metavar="YYYY-MM-DD", default=None,
              help="Purge as on this day (default: today).")
@click.option("--dry-run", is_flag=True, help="Only list what would be purged.")
@url_option
@quiet_option
def purge_cmd(today: str | None, dry_run: bool, url: str | None, quiet: bool) -> None:
    """Delete the raw answers and codes of every wave whose retention date has
    passed, keeping its published (suppressed) aggregates. Safe to run from
    cron: waves already purged or without a date are left alone."""
    from surveys import lifecycle

    day = _date(today) if today else dt.date.today()
    if day is None:
        _fail("--today needs a date")
    done = _run(lambda: lifecycle.purge_due(_store(url), day, dry_run=dry_run))
    verb = "would purge" if dry_run else "purged"
    for p in done:
        _say(quiet, f"{verb} {p.slug}: {p.responses} responses, {p.codes} codes; aggregates kept")
    if not done:
        _say(quiet, "nothing to purge")
