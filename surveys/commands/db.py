"""``survey-engine db upgrade|downgrade|current``: the schema's only path;
``db backup FILE`` and ``db restore FILE [--force]`` (see :mod:`surveys.backup`)."""
from __future__ import annotations

import click

from surveys import config
from surveys.commands.progress import QUIET_HELP, fraction


def _url(url: str | None) -> str:
    return config.normalise_url(url) if url else config.database_url()


def _fail(exc: Exception) -> None:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    raise click.ClickException(message)


@click.group("db")
def command() -> None:
    """Create or migrate the database (default DATABASE_URL or instance/)."""


url_option = click.option(
    "--url", metavar="URL", default=None, help="Database URL (default: DATABASE_URL or the instance SQLite file)."
)


@command.command("upgrade")
@url_option
@click.argument("revision", default="head")
def upgrade_cmd(url: str | None, revision: str) -> None:
    """Migrate up to REVISION (default head)."""
    from surveys import db

    target = _url(url)
    try:
        db.upgrade(target, revision)
        now = db.current(target)
    except Exception as exc:  # any failure is one clear line, exit 1
        _fail(exc)
    click.echo(f"database at revision {now}")


@command.command("downgrade")
@url_option
@click.argument("revision", default="base")
def downgrade_cmd(url: str | None, revision: str) -> None:
    """Migrate down to REVISION (default base: drops every table)."""
    from surveys import db

    target = _url(url)
    try:
        db.downgrade(target, revision)
        now = db.current(target)
    except Exception as exc:
        _fail(exc)
    click.echo(f"database at revision {now or 'base (empty)'}")


@command.command("current")
@url_option
def current_cmd(url: str | None) -> None:
    """Print the revision the database is at."""
    from surveys import db

    try:
        now = db.current(_url(url))
        newest = db.head()
    except Exception as exc:
        _fail(exc)
    state = "up to date" if now == newest else f"head is {newest}"
    click.echo(f"{now or 'base (empty)'} ({state})")


@command.command("backup")
@url_option
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True, help=QUIET_HELP)
def backup_cmd(url: str | None, file: str, quiet: bool) -> None:
    """Write a backup of the database to FILE (SQLite file or pg_dump archive; FILE must not exist).

    On a terminal a progress bar on stderr follows the copy."""
    from surveys import backup

    try:
        with fraction("backup", quiet=quiet) as report:
            done = backup.backup(url, file, progress=report)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        click.echo(f"backup of {done.tables} tables ({done.rows} rows) written to {done.path}")


@command.command("restore")
@url_option
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the content of a database that is not empty.")
def restore_cmd(url: str | None, file: str, force: bool) -> None:
    """Restore the backup in FILE into the database (refused if it is not empty, unless --force)."""
    from surveys import backup

    try:
        done = backup.restore(url, file, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {done.tables} tables ({done.rows} rows) from {done.path}")
