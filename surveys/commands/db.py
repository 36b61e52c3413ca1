"""``survey-engine db upgrade|downgrade|current``: the schema's only path."""
from __future__ import annotations

import click

from surveys import config


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
