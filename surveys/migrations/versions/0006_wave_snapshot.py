"""A per-wave columnar snapshot of the submitted answers (issue 13)

Revision ID: 0006_wave_snapshot
Revises: 0005_privacy
Create Date: 2026-11-30 12:00:00

``wave_snapshots`` holds, per wave, its dataset column by column (matrix,
group columns, texts, compressed), so that a cold read of a large wave is one
row read instead of a grouping of every answer. It is only a cache of the
answers table (``surveys/store/wave_snapshot.py``, ``docs/analyst-scale.md``):
created empty here, filled by the next read of each wave.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_wave_snapshot"
down_revision = "0005_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wave_snapshots",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("instrument_sha256", sa.String(length=64), nullable=False),
        sa.Column("n_submitted", sa.Integer(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("response_ids", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"],
                                name=op.f("fk_wave_snapshots_survey_id_surveys"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_wave_snapshots")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # the blobs are zlib-compressed already: stored out of line without a second compression
        op.execute("ALTER TABLE wave_snapshots ALTER COLUMN payload SET STORAGE EXTERNAL, "
                   "ALTER COLUMN response_ids SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("wave_snapshots")
