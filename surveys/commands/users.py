"""``survey-engine users create|list|grant|token``: analyst accounts.

Passwords are read from stdin (``--password-stdin``) or prompted for without
echo, and stored as argon2 hashes (surveys.accounts). An API token is printed
once; only its hash is kept.
"""
from __future__ import annotations

import sys
from typing import NoReturn

import click

from surveys import config


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _engine(url: str | None):
    from surveys.db import make_engine

    return make_engine(config.normalise_url(url) if url else config.database_url())


def _run(action):
    """Run ``action``; any store or database failure becomes one line, exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from surveys.store import StoreError

    try:
        return action()
    except StoreError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        first = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        _fail(f"database error: {first} (is it migrated? run 'survey-engine db upgrade')")


url_option = click.option("--url", metavar="URL", default=None,
                          help="Database URL (default: DATABASE_URL or the instance SQLite file).")


@click.group("users")
def command() -> None:
    """Analyst accounts: create, list, grant a survey, make an API token."""


@command.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "analyst"]), required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@url_option
def create_cmd(email: str, role: str, password_stdin: bool, url: str | None) -> None:
    """Create the account EMAIL with ROLE."""
    from surveys import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(lambda: accounts.create_user(_engine(url), email, role, password))
    click.echo(f"created {user.role} {user.email}")


@command.command("list")
@url_option
def list_cmd(url: str | None) -> None:
    """List the accounts with their role and granted surveys."""
    from surveys import accounts

    def listing() -> list[str]:
        engine = _engine(url)
        lines = []
        for u in accounts.users(engine):
            grants = "all surveys" if u.is_admin else (
                ", ".join(accounts.granted_slugs(engine, u.id)) or "no surveys")
            state = "" if u.is_active else " (disabled)"
            lines.append(f"{u.email}\t{u.role}{state}\t{grants}")
        return lines

    lines = _run(listing)
    if not lines:
        click.echo("no users; create one with 'survey-engine users create EMAIL --role analyst'")
    for line in lines:
        click.echo(line)


def _user(engine, email: str):
    from surveys import accounts

    user = accounts.user_by_email(engine, email)
    if user is None:
        raise accounts.AccountError(f"no user '{email}'")
    return user


@command.command("grant")
@click.argument("email")
@click.argument("slug")
@url_option
def grant_cmd(email: str, slug: str, url: str | None) -> None:
    """Let EMAIL see the survey SLUG."""
    _change_access(url, email, slug, granted=True)
    click.echo(f"{email.strip().lower()} may now see {slug}")


@command.command("token")
@click.argument("email")
@url_option
def token_cmd(email: str, url: str | None) -> None:
    """Make a new API token for EMAIL (replaces the old one) and print it once."""
    from surveys import accounts

    def token() -> str:
        engine = _engine(url)
        return accounts.create_api_token(engine, _user(engine, email).id)

    click.echo(_run(token))


@command.command("revoke")
@click.argument("email")
@click.argument("slug")
@url_option
def revoke_cmd(email: str, slug: str, url: str | None) -> None:
    """Take the survey SLUG away from EMAIL."""
    _change_access(url, email, slug, granted=False)
    click.echo(f"{email.strip().lower()} may no longer see {slug}")


def _change_access(url: str | None, email: str, slug: str, granted: bool) -> None:
    """Grant or revoke EMAIL's access to SLUG, audit-logged as the command line."""
    from surveys import accounts, audit

    def change() -> None:
        engine = _engine(url)
        user = _user(engine, email)
        (accounts.grant_survey if granted else accounts.revoke_survey)(engine, user.id, slug)
        audit.record(engine, audit.CLI_ACTOR, "grant" if granted else "revoke", slug, user.email)

    _run(change)


@command.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from the first line of standard input.")
@url_option
def password_cmd(email: str, password_stdin: bool, url: str | None) -> None:
    """Give EMAIL a new password; every session of the account ends."""
    from surveys import accounts, audit

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)

    def change() -> None:
        engine = _engine(url)
        user = _user(engine, email)
        accounts.set_password(engine, user.id, password)
        audit.record(engine, audit.CLI_ACTOR, "password_change", None, user.email)

    _run(change)
    click.echo(f"new password set for {email.strip().lower()}; its sessions have ended")
