"""waves get a stored survey year

"Previous wave" used to mean the wave created before this one; an earlier
year imported after a later one was then compared the wrong way round. From
this revision each wave has its survey year (``surveys.year``, e.g. 2014),
set when the wave is created, and the previous wave is the comparable one
with the latest year before it (``surveys.service.comparison``). Existing
waves get the year of the day they were created.

The column is added with a server default of 0 so that SQLite can add it
NOT NULL without copying the table (a copy would cascade-delete the codes
that point at it); every row is then given its real year.

Revision ID: 0007_wave_year
Revises: 0006_wave_snapshot
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_wave_year"
down_revision = "0006_wave_snapshot"
branch_labels = None
depends_on = None

surveys = sa.table("surveys", sa.column("id", sa.Integer), sa.column("created_on", sa.Date),
                   sa.column("year", sa.Integer))


def upgrade() -> None:
    op.add_column("surveys", sa.Column("year", sa.Integer(), nullable=False, server_default="0"))
    bind = op.get_bind()
    for sid, created_on in bind.execute(sa.select(surveys.c.id, surveys.c.created_on)).all():
        bind.execute(sa.update(surveys).where(surveys.c.id == sid).values(year=created_on.year))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on SQLite too (3.35+): a batch copy of the
    # table would cascade-delete the codes and responses that point at it
    op.drop_column("surveys", "year")
