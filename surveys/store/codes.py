"""Access codes: issuing batches of codes and counting them by status."""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from surveys import codes as codelib
from surveys.models import AccessCode
from surveys.store.errors import InvalidSurvey, StoreError
from surveys.store.groups import allowed_tags, tag_values
from surveys.store.records import CodeBatch
from surveys.store.waves import WavesMixin

MAX_CODES_PER_BATCH = 10_000


class CodesMixin(WavesMixin):
    """A survey's access codes (only their keyed hashes are stored)."""

    def issue_codes(self, slug: str, count: int, tags: Mapping[str, Any] | None = None) -> list[str]:
        """Issue ``count`` fresh codes tagged with group values; the clear
        codes are returned this once (only their keyed hashes are stored).

        A tag names a declared group column of the wave's instrument and one
        of its values (:func:`surveys.store.groups.tag_values`); a tagged
        batch has at least the instrument's ``suppression_min_n`` codes, so
        a tag never singles out fewer people than a published group.
        """
        if not isinstance(count, int) or not 1 <= count <= MAX_CODES_PER_BATCH:
            raise InvalidSurvey(f"code count must be between 1 and {MAX_CODES_PER_BATCH}", "code_count",
                                max=MAX_CODES_PER_BATCH)
        clean_tags = {str(k): (v.strip() if isinstance(v, str) else v) for k, v in (tags or {}).items()}
        for key, value in clean_tags.items():
            if not isinstance(value, (str, int)) or value == "":
                raise InvalidSurvey(f"tag '{key}' must be a non-empty text", "tag_empty", tag=key)
        if clean_tags:
            clean_tags = self._checked_tags(slug, count, clean_tags)
        for _attempt in range(3):
            clear: dict[str, str] = {}
            while len(clear) < count:
                code = codelib.generate_code()
                clear[codelib.code_hash(self._key, code)] = code  # type: ignore[index]
            batch = str(uuid.uuid4())
            try:
                with self._write() as conn:
                    survey = self._get_survey(conn, slug)
                    if survey.mode != "codes":
                        raise InvalidSurvey(f"survey '{slug}' uses an open link, not codes", "open_link")
                    conn.execute(
                        insert(AccessCode),
                        [
                            dict(code_hash=h, survey_id=survey.id, status="unused", tags=clean_tags, batch_id=batch)
                            for h in clear
                        ],
                    )
                return list(clear.values())
            except IntegrityError:  # a hash collided with an older code: draw again
                continue
        raise StoreError("could not draw unique codes; try again", "codes_collide")

    def _checked_tags(self, slug: str, count: int, tags: Mapping[str, Any]) -> dict[str, str]:
        """The batch's tags in their canonical spelling; raises
        :class:`InvalidSurvey` for an undeclared group, an unknown value, a
        nested group without its parent or a batch smaller than min_n."""
        survey = self.survey(slug)
        instrument = self.instrument(survey.instrument_sha256)
        clean, problems = allowed_tags(instrument, survey.presets, tags)
        for reason, group, value in problems:
            if reason == "tag_not_declared":
                known = ", ".join(tag_values(instrument, survey.presets)) or "none"
                raise InvalidSurvey(f"'{group}' is not a group of this survey (groups: {known})", reason,
                                    tag=group, known=known)
            if reason == "tag_needs_parent":
                raise InvalidSurvey(f"a batch tagged '{group}' must also be tagged '{value}'", reason,
                                    tag=group, parent=value)
            allowed = ", ".join(tag_values(instrument, survey.presets).get(group, [])) or "none"
            raise InvalidSurvey(f"'{value}' is not a value of '{group}' (values: {allowed})", reason,
                                tag=group, value=value, allowed=allowed)
        min_n = instrument.suppression_min_n
        if count < min_n:
            raise InvalidSurvey(f"a tagged batch has at least {min_n} codes", "batch_too_small", min_n=min_n)
        return clean

    def code_batches(self, slug: str) -> list[CodeBatch]:
        """The code batches of a survey with their tags and counts by status."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            rows = conn.execute(
                select(AccessCode.batch_id, AccessCode.status, func.count(), func.min(AccessCode.id))
                .where(AccessCode.survey_id == survey.id)
                .group_by(AccessCode.batch_id, AccessCode.status)
            ).all()
            counts: dict[str, dict[str, int]] = defaultdict(lambda: {"unused": 0, "started": 0, "spent": 0})
            first: dict[str, int] = {}
            for batch_id, status, n, first_id in rows:
                counts[batch_id][status] = n
                first[batch_id] = min(first.get(batch_id, first_id), first_id)
            tags = dict(
                conn.execute(
                    select(AccessCode.batch_id, AccessCode.tags).where(AccessCode.id.in_(list(first.values())))
                ).all()
            ) if first else {}
        order = sorted(first, key=first.__getitem__)
        return [CodeBatch(b, dict(tags.get(b) or {}), **counts[b]) for b in order]
