"""``survey-engine waves list | create SLUG ... | year SLUG YEAR | open SLUG |
close SLUG | delete SLUG --yes | retain SLUG DATE | purge``: waves from the
command line.

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
    """One line per wave: slug, state, submitted responses, instrument, retention, survey year."""
    def listing() -> list[str]:
        store = _store(url)
        lines = []
        for s in store.surveys():
            life = store.lifecycle(s.slug)
            submitted = store.progress(s.slug)["total"]["submitted"]
            keep = f"keep until {life['retain_until']}" if life["retain_until"] else "no retention date"
            state = f"purged {life['purged_on']}" if life["purged_on"] else ("open" if s.is_open else "closed")
            lines.append(f"{s.slug}\t{state}\t{submitted} submitted\t{s.instrument_id} {s.instrument_version}"
                         f"\t{keep}\tyear {s.year}")
        return lines

    lines = _run(listing)
    if not lines:
        click.echo("no waves")
    for line in lines:
        click.echo(line)


def _instrument_sha(store: Any, name: str) -> str:
    """The sha256 of instrument ``name``: a published version's sha256 (or
    its first 10+ characters), or an instrument id for its newest published version."""
    infos = store.instruments()
    by_sha = [i for i in infos if len(name) >= 10 and i.sha256.startswith(name)]
    if len(by_sha) == 1:
        return by_sha[0].sha256
    by_id = [i for i in infos if i.instrument_id == name]
    if by_id:
        return max(by_id, key=lambda i: (i.registered_on, i.version)).sha256
    _fail(f"no published instrument '{name}' (an instrument id or a version's sha256)")


def _presets(values: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        group, found, labels = value.partition("=")
        if not found or not group.strip():
            raise click.UsageError(f"--preset '{value}': write GROUP=A;B;C")
        out[group.strip()] = [v.strip() for v in labels.split(";") if v.strip()]
    return out


@command.command("create")
@click.argument("slug")
@click.option("--instrument", "instrument", required=True, metavar="ID|SHA256",
              help="The instrument id (its newest published version) or a version's sha256.")
@click.option("--label", required=True, help="The wave's name, e.g. 'Cannabisenkäten 2018'.")
@click.option("--year", type=int, default=None, metavar="YYYY",
              help="The survey year (default: this year); the previous wave is the one with the latest "
                   "year before it.")
@click.option("--mode", type=click.Choice(["codes", "open"]), default="codes", show_default=True,
              help="One-time codes or an open link.")
@click.option("--preset", "presets", multiple=True, metavar="GROUP=A;B",
              help="A list for a group whose options come from the wave (the schools).")
@url_option
@quiet_option
def create_cmd(slug: str, instrument: str, label: str, year: int | None, mode: str, presets: tuple[str, ...],
               url: str | None, quiet: bool) -> None:
    """Create wave SLUG of an instrument (closed until opened)."""
    from surveys import audit

    lists = _presets(presets)

    def create() -> Any:
        store = _store(url)
        survey = store.create_survey(slug=slug, instrument_sha256=_instrument_sha(store, instrument), label=label,
                                     mode=mode, presets=lists, year=year)
        audit.record(store, audit.CLI_ACTOR, "wave_create", slug)
        return survey

    survey = _run(create)
    _say(quiet, f"created {survey.slug} ({survey.instrument_id} {survey.instrument_version}, {survey.year}); "
                "closed until opened")


@command.command("year")
@click.argument("slug")
@click.argument("year", type=int)
@url_option
@quiet_option
def year_cmd(slug: str, year: int, url: str | None, quiet: bool) -> None:
    """Set the survey year of wave SLUG (e.g. one imported under the wrong year)."""
    from surveys import audit

    def change() -> None:
        store = _store(url)
        store.set_year(slug, year)
        audit.record(store, audit.CLI_ACTOR, "wave_year", slug, str(year))

    _run(change)
    _say(quiet, f"{slug}: survey year {year}")


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
