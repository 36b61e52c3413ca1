"""SQLAlchemy 2.0 models. The schema itself is created only by the Alembic
migrations in ``surveys/migrations``; these classes describe it for queries.

Privacy by construction: no column holds an IP address, a user agent or a
time finer than the day, access codes and resume tokens are stored only as
keyed hashes, and the link from an access code to its response is cleared
when the response is submitted.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SURVEY_MODES = ("codes", "open")
CODE_STATUSES = ("unused", "started", "spent")
RESPONSE_STATUSES = ("in_progress", "submitted")
ROLES = ("admin", "analyst")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class InstrumentVersion(Base):
    """One version of an instrument, pinned by the sha256 of its content."""

    __tablename__ = "instrument_versions"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    source_yaml: Mapped[str] = mapped_column(Text)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    #: False for a draft uploaded in the analyst workspace (previewed, not yet usable by a wave).
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: "yaml" or "xlsform" for an uploaded version; None for one registered by code.
    source_format: Mapped[str | None] = mapped_column(String(10), nullable=True)
    #: The newest published version of the same instrument when this one was published.
    previous_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Survey(Base):
    """A wave: one run of an instrument version (e.g. "2018")."""

    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint("mode IN ('codes', 'open')", name="mode"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    instrument_sha256: Mapped[str] = mapped_column(
        ForeignKey("instrument_versions.sha256"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(10))
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    #: group name -> list of labels (codes 1..n in list order), e.g. schools.
    presets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_on: Mapped[dt.date] = mapped_column(Date)
    #: The survey year (e.g. 2014): orders the waves of an instrument, so an
    #: earlier year imported later still comes first.
    year: Mapped[int] = mapped_column(Integer, server_default="0")
    #: After this day ``waves purge`` deletes the raw answers and the codes.
    retain_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: The day the raw answers and codes were purged (None: not purged).
    purged_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: The published, already suppressed aggregates, frozen at the purge.
    results_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class AccessCode(Base):
    """A one-time code, stored only as its keyed hash."""

    __tablename__ = "access_codes"
    __table_args__ = (
        CheckConstraint("status IN ('unused', 'started', 'spent')", name="status"),
        Index("ix_access_codes_survey_batch", "survey_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="unused")
    #: group values given when the code was issued, e.g. {"school": "X", "class": "9A"}
    tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    batch_id: Mapped[str] = mapped_column(String(36))
    #: The in-progress response; set to NULL on submit so that no row links a
    #: code to submitted answers.
    response_id: Mapped[str | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), unique=True, nullable=True
    )


class Response(Base):
    """One respondent's answers to one wave."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'submitted')", name="status"),
        Index("ix_responses_survey_status", "survey_id", "status"),
    )

    #: A random UUID (str), so ids reveal neither order nor count.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    #: Group values from the access code's tags.
    group_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_on: Mapped[dt.date] = mapped_column(Date)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: Keyed hash of the open-link resume token; cleared on submit.
    resume_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    last_page: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: Came from a CSV import, not collected through the app.
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Answer(Base):
    """One answer value. A ``multi`` item has one row per chosen code
    (``multi`` true, ``position`` 0..k-1); every other item has one row with
    ``position`` 0 and either ``code`` (single, number) or ``text``."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id", "position", name="uq_answers_response_item"),
        CheckConstraint("(code IS NULL) <> (text IS NULL)", name="code_or_text"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    multi: Mapped[bool] = mapped_column(Boolean, default=False)
    code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)


class User(Base):
    """An analyst account."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'analyst')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: sha256 (hex) of the API token; the token itself is shown once.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    #: Part of every session; bumped on logout and password change, which
    #: ends every session (copied cookies included) on its next request.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Failed logins since the last success; the lockout grows with it.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: No login before this time (UTC, naive).
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class SurveyGrant(Base):
    """An analyst may see a survey."""

    __tablename__ = "survey_grants"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AuditEntry(Base):
    """One analyst or admin action (append-only). Analysts are staff: their
    e-mail is kept; never respondent data or codes. Time to the minute."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    #: The wave's slug (kept as text: the entry outlives a deleted wave).
    survey_slug: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(500), nullable=True)


class WaveSnapshot(Base):
    """A wave's dataset stored column by column (``surveys.store.wave_snapshot``):
    only a cache of what the answers table says, rebuilt or extended when it
    is behind and dropped with the wave's raw answers. Holds the same answers
    as the answers table, in the order of the responses' random ids, and no
    order or time of submission."""

    __tablename__ = "wave_snapshots"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_sha256: Mapped[str] = mapped_column(String(64))
    #: How many submitted responses it holds (its rows).
    n_submitted: Mapped[int] = mapped_column(Integer)
    #: Column names, group categories, text values and the payload's arrays (JSON).
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The arrays, each zlib-compressed, one after the other.
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    #: The response ids of its rows, in row order (zlib), read only to extend it.
    response_ids: Mapped[bytes] = mapped_column(LargeBinary)
