"""security and the data lifecycle: session version and lockout, retention,
imported responses, the audit log

Revision ID: 0003_security
Revises: 0002
Create Date: 2026-11-30 09:00:00

Additive only: new columns with server defaults (existing rows get them)
and one new table.

* ``users.session_version``: bumped on logout and password change; a session
  cookie carrying an older version is refused on its next request.
* ``users.failed_logins`` / ``users.locked_until``: per-account lockout with
  exponential back-off (surveys.accounts).
* ``surveys.retain_until``: the day after which ``waves purge`` deletes the raw
  answers and codes; ``surveys.purged_on`` says it did, and
  ``surveys.results_snapshot`` keeps the published (suppressed) aggregates.
* ``responses.imported``: rows that came from a CSV import, not the app.
* ``audit_log``: append-only record of analyst and admin actions (who, what,
  which wave, when to the minute). No foreign keys: entries outlive deleted
  waves and users.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_security"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retain_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("purged_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("results_snapshot", sa.JSON(), nullable=True))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("survey_slug", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
    _append_only()


def _append_only() -> None:
    """Triggers that refuse UPDATE and DELETE on audit_log."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only';
            END
            $$
            """
        )
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                       "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def downgrade() -> None:
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER audit_log_no_{event} ON audit_log" if op.get_bind().dialect.name
                   == "postgresql" else f"DROP TRIGGER audit_log_no_{event}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
    op.drop_table("audit_log")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("imported")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("results_snapshot")
        batch_op.drop_column("purged_on")
        batch_op.drop_column("retain_until")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("session_version")
