"""instrument versions published from the analyst workspace

A version uploaded (XLSForm or YAML) is first a draft: it can be previewed but
no wave can use it until it is published. ``previous_sha256`` is the version
of the same instrument that was the newest published one when this one was
published (what changed is shown against it); ``source_format`` says whether
it came as YAML or as an XLSForm. Existing rows are published versions.

Revision ID: 0004_instrument_versions
Revises: 0003_security
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_instrument_versions"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instrument_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("source_format", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("previous_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instrument_versions", schema=None) as batch_op:
        batch_op.drop_column("previous_sha256")
        batch_op.drop_column("source_format")
        batch_op.drop_column("published")
