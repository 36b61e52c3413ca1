"""The audit log: an append-only record of what analysts and admins did.

Each entry says who (the account's e-mail, or ``cli`` for the command
line), what (one of :data:`ACTIONS`), which wave (its slug, kept as text so
that the entry outlives a deleted wave) and when, to the minute (UTC).
Analysts are staff, not respondents: their e-mail is kept. An entry never
holds respondent data or access codes: ``detail`` is a short note written by
the code (a count, a format, a date), never user-typed text from a survey.

The table takes INSERTs only: this module has no update or delete, and
migration ``0003_security`` adds triggers that refuse UPDATE and DELETE on
SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Union

from sqlalchemy import Engine, func, insert, select

from surveys.models import AuditEntry

#: What an entry may record (and nothing else).
ACTIONS = (
    "login", "logout", "password_change",
    "wave_create", "wave_open", "wave_close", "wave_delete", "wave_purge", "retention_set",
    "wave_year",
    "codes_issue", "codes_slips", "raw_download", "download", "import",
    "grant", "revoke", "audit_export",
)
#: The actor of command-line actions (no account is logged in there).
CLI_ACTOR = "cli"
DETAIL_MAX = 500


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    actor: str
    action: str
    survey_slug: str | None
    detail: str | None


def _engine(target: object) -> Engine:
    return target if isinstance(target, Engine) else target.engine  # type: ignore[attr-defined]


def minute_now() -> dt.datetime:
    """Now in UTC (naive, as stored), to the minute."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, second=0, microsecond=0)


def record(target: Union[Engine, object], actor: str, action: str, slug: str | None = None,
           detail: str | None = None) -> None:
    """Append one entry. ``target``: a Store or an Engine. Raises ValueError
    for an action not in :data:`ACTIONS`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action '{action}'")
    with _engine(target).begin() as conn:
        conn.execute(insert(AuditEntry).values(
            at=minute_now(), actor=str(actor)[:254], action=action,
            survey_slug=slug[:100] if slug else None,
            detail=detail[:DETAIL_MAX] if detail else None))


def download_action(key: str) -> str:
    """The action of downloading format ``key``: raw answers or anything else."""
    return "raw_download" if key.startswith("raw") else "download"


def entries(target: Union[Engine, object], limit: int | None = None, offset: int = 0,
            slug: str | None = None, oldest_first: bool = False) -> list[Entry]:
    """The entries, newest first unless ``oldest_first`` (``slug``: of that wave only)."""
    query = select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.survey_slug,
                   AuditEntry.detail).order_by(AuditEntry.id.asc() if oldest_first else AuditEntry.id.desc())
    if slug:
        query = query.where(AuditEntry.survey_slug == slug)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    with _engine(target).connect() as conn:
        return [Entry(*row) for row in conn.execute(query).all()]


def count(target: Union[Engine, object]) -> int:
    """How many entries there are."""
    with _engine(target).connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(AuditEntry)) or 0)


CSV_HEADER = ("time_utc", "actor", "action", "wave", "detail")


def csv_rows(items: list[Entry]) -> list[list[str]]:
    """The entries as rows under :data:`CSV_HEADER` (time as YYYY-MM-DD HH:MM)."""
    return [[e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action, e.survey_slug or "", e.detail or ""]
            for e in items]
