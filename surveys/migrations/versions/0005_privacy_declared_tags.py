"""Privacy: code batch tags only from declared groups and their values

Revision ID: 0005_privacy
Revises: 0004_instrument_versions
Create Date: 2026-11-30 09:00:00

Until now a batch of codes could carry any tag (``elev = Anna``), copied onto
each response that started with one of its codes. From this revision a tag
must name a declared group column of the wave's instrument (a group item or
a ``tag_groups`` entry) with one of its allowed values
(``surveys.store.groups.allowed_tags``). This migration applies the same
rule to what is stored: every other tag is dropped from the codes
(``access_codes.tags``) and the responses (``responses.group_values``); a
value in another spelling of an allowed one is rewritten to it. Each wave
that lost something gets one log line naming the groups dropped and how many
codes and responses changed (no values are logged). A wave whose instrument
source cannot be read keeps its tags, with a log line saying so.

Downgrade keeps the data as it is (dropped tags cannot come back).
"""
from __future__ import annotations

import logging
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0005_privacy"
down_revision = "0004_instrument_versions"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

surveys = sa.table("surveys", sa.column("id", sa.Integer), sa.column("slug", sa.String),
                   sa.column("instrument_sha256", sa.String), sa.column("presets", sa.JSON))
versions = sa.table("instrument_versions", sa.column("sha256", sa.String), sa.column("source_yaml", sa.Text))
codes = sa.table("access_codes", sa.column("id", sa.Integer), sa.column("survey_id", sa.Integer),
                 sa.column("tags", sa.JSON))
responses = sa.table("responses", sa.column("id", sa.String), sa.column("survey_id", sa.Integer),
                     sa.column("group_values", sa.JSON))


def _clean(instrument, presets, tags):
    """(kept tags, names of the dropped groups)."""
    from surveys.store.groups import allowed_tags

    tags = dict(tags or {})
    if not tags:
        return tags, []
    kept, problems = allowed_tags(instrument, presets or {}, tags)
    for reason, group, _value in problems:
        if reason == "tag_needs_parent":
            kept.pop(group, None)
    return kept, sorted(set(tags) - set(kept))


def upgrade() -> None:
    from surveys.loader import InstrumentError, load_instrument_text

    bind = op.get_bind()
    sources = dict(bind.execute(sa.select(versions.c.sha256, versions.c.source_yaml)).all())
    for sid, slug, sha, presets in bind.execute(
            sa.select(surveys.c.id, surveys.c.slug, surveys.c.instrument_sha256, surveys.c.presets)).all():
        try:
            instrument = load_instrument_text(sources.get(sha) or "", f"<instrument {sha[:12]}>")
        except (InstrumentError, ValueError, TypeError, KeyError):
            has_tags = bind.execute(sa.select(sa.func.count()).select_from(codes)
                                    .where(codes.c.survey_id == sid)).scalar()
            if has_tags:
                log.warning("0005_privacy: wave %s: its instrument source cannot be read; its code tags are "
                            "left as they are (check them by hand)", slug)
            continue
        dropped: Counter[str] = Counter()
        changed = {"codes": 0, "responses": 0}
        for table, key, column, what in ((codes, codes.c.id, codes.c.tags, "codes"),
                                         (responses, responses.c.id, responses.c.group_values, "responses")):
            for row_id, tags in bind.execute(sa.select(key, column).where(table.c.survey_id == sid)).all():
                kept, gone = _clean(instrument, presets, tags)
                if kept != dict(tags or {}):
                    bind.execute(sa.update(table).where(key == row_id).values({column.name: kept}))
                    changed[what] += 1
                    dropped.update(gone)
        if changed["codes"] or changed["responses"]:
            log.warning("0005_privacy: wave %s: tags of undeclared groups or values dropped or respelled "
                        "(%s) on %d codes and %d responses", slug, ", ".join(sorted(dropped)) or "respelled only",
                        changed["codes"], changed["responses"])


def downgrade() -> None:
    pass
