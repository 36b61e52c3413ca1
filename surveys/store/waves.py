"""Surveys (waves of an instrument version): creating, finding, opening and
closing, deleting, the retention date and the purge of raw answers."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import datetime as dt

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from surveys.models import AccessCode, Answer, InstrumentVersion, Response, Survey, SurveyGrant, WaveSnapshot
from surveys.store.dates import today
from surveys.store.errors import InvalidSurvey, SurveyExists, UnknownSurvey
from surveys.store.instruments import InstrumentsMixin
from surveys.store.records import SurveyInfo
from surveys.store.retry import retried
from surveys.store.statements import SURVEY_BY_SLUG, SURVEY_COLUMNS

#: A wave's address name, anchored at both ends with ``\A`` and ``\Z``
#: (``$`` would let a final newline through), so ``match`` and ``fullmatch``
#: both test the whole string.
SLUG_RE = re.compile(r"\A[a-z0-9][a-z0-9-]{0,99}\Z")


def is_slug(value: object) -> bool:
    """True when ``value`` is a valid slug, the whole of it."""
    return isinstance(value, str) and SLUG_RE.fullmatch(value) is not None


#: The survey years a wave may have.
YEAR_MIN, YEAR_MAX = 1900, 2200


def check_year(year: object) -> int:
    """``year`` as a survey year (a whole number from :data:`YEAR_MIN` to
    :data:`YEAR_MAX`); raises :class:`InvalidSurvey` (reason ``bad_year``)."""
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise InvalidSurvey(f"survey year must be a year from {YEAR_MIN} to {YEAR_MAX}, not {year!r}",
                            "bad_year", low=YEAR_MIN, high=YEAR_MAX)
    return year


class WavesMixin(InstrumentsMixin):
    """Surveys (waves) of the registered instrument versions."""

    _survey_columns = SURVEY_COLUMNS

    @staticmethod
    def _survey_info(row: Any, presets: Mapping[str, Any] | None = None) -> SurveyInfo:
        """A survey row as a record (``presets`` given: already decoded)."""
        return SurveyInfo(
            id=row.id,
            slug=row.slug,
            label=row.label,
            mode=row.mode,
            is_open=bool(row.is_open),
            presets=dict(presets if presets is not None else row.presets or {}),
            created_on=row.created_on,
            instrument_sha256=row.instrument_sha256,
            instrument_id=row.instrument_id,
            instrument_version=row.version,
            year=int(row.year),
        )

    def _survey_query(self):
        return select(*self._survey_columns).join(
            InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256
        )

    def _get_survey(self, conn: Connection, slug: str) -> SurveyInfo:
        row = conn.execute(SURVEY_BY_SLUG, {"slug": slug}).first()
        if row is None:
            raise UnknownSurvey(f"no survey '{slug}'")
        return self._survey_info(row)

    def create_survey(
        self,
        *,
        slug: str,
        instrument_sha256: str,
        label: str,
        mode: str = "codes",
        presets: Mapping[str, Sequence[str]] | None = None,
        is_open: bool = False,
        year: int | None = None,
    ) -> SurveyInfo:
        """Create a wave of an instrument version. ``presets`` maps a group
        name to its list of labels (codes 1..n in list order), e.g. the
        schools; every ``options_from: preset`` group item needs one.
        ``year`` is the survey year (default: this year), which orders the
        waves of an instrument (see :func:`check_year`)."""
        if not is_slug(slug):
            raise InvalidSurvey(
                f"survey slug '{slug}' must be 1-100 lower-case letters, digits or dashes", "slug_invalid",
                slug=slug)
        if mode not in ("codes", "open"):
            raise InvalidSurvey(f"survey mode must be 'codes' or 'open', not '{mode}'", "mode_invalid", mode=mode)
        label = (label or "").strip()
        if not label:
            raise InvalidSurvey("survey label must not be empty", "label_empty")
        clean_presets = self._check_presets(presets or {})
        year = check_year(today().year if year is None else year)
        if not self.instrument_info(instrument_sha256).published:
            raise InvalidSurvey("the instrument version is a draft; publish it before a wave uses it",
                                "draft_instrument")
        instrument = self.instrument(instrument_sha256)
        for item in instrument.group_items:
            if item.options_from == "preset" and not clean_presets.get(item.group or item.id):
                raise InvalidSurvey(
                    f"survey needs a preset list for group '{item.group}' (item '{item.id}')",
                    "preset_missing", group=item.group,
                )
        try:
            with self._write() as conn:
                if conn.scalar(select(Survey.id).where(Survey.slug == slug)):
                    raise SurveyExists(f"a survey '{slug}' already exists", "slug_taken", slug=slug)
                conn.execute(
                    insert(Survey).values(
                        slug=slug,
                        instrument_sha256=instrument_sha256,
                        label=label,
                        mode=mode,
                        is_open=bool(is_open),
                        presets=clean_presets,
                        created_on=today(),
                        year=year,
                    )
                )
        except IntegrityError as exc:
            raise SurveyExists(f"a survey '{slug}' already exists", "slug_taken", slug=slug) from exc
        return self.survey(slug)

    @staticmethod
    def _check_presets(presets: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        clean: dict[str, list[str]] = {}
        for group, labels in presets.items():
            if isinstance(labels, (str, bytes)) or not all(
                isinstance(x, str) and x.strip() for x in labels
            ):
                raise InvalidSurvey(f"preset '{group}' must be a list of non-empty labels", "preset_invalid",
                                    group=group)
            values = [x.strip() for x in labels]
            if len(set(values)) != len(values):
                raise InvalidSurvey(f"preset '{group}' lists a label twice", "preset_duplicate", group=group)
            clean[str(group)] = values
        return clean

    @retried
    def survey(self, slug: str) -> SurveyInfo:
        """One survey; raises :class:`UnknownSurvey`."""
        with self._quick_read() as conn:
            return self._get_survey(conn, slug)

    def surveys(self) -> list[SurveyInfo]:
        """Every survey, newest first."""
        with self._read() as conn:
            rows = conn.execute(self._survey_query().order_by(Survey.id.desc())).all()
        return [self._survey_info(r) for r in rows]

    def set_year(self, slug: str, year: int) -> None:
        """Change the survey year of a wave (e.g. one imported under the wrong year)."""
        year = check_year(year)
        with self._write() as conn:
            done = conn.execute(update(Survey).where(Survey.slug == slug).values(year=year))
            if done.rowcount == 0:
                raise UnknownSurvey(f"no survey '{slug}'")

    def set_open(self, slug: str, is_open: bool) -> None:
        """Open or close a survey for answers (a purged wave stays closed)."""
        with self._write() as conn:
            if is_open and conn.scalar(select(Survey.purged_on).where(Survey.slug == slug)) is not None:
                raise InvalidSurvey(f"survey '{slug}' was purged; it cannot be opened again", "purged", slug=slug)
            done = conn.execute(update(Survey).where(Survey.slug == slug).values(is_open=bool(is_open)))
            if done.rowcount == 0:
                raise UnknownSurvey(f"no survey '{slug}'")

    # ------------------------------------------------------- data lifecycle
    def set_retention(self, slug: str, retain_until: dt.date | None) -> None:
        """Keep the raw answers and codes of a wave until ``retain_until``
        (None: no date); after that day ``purge_raw`` may delete them."""
        if retain_until is not None and not isinstance(retain_until, dt.date):
            raise InvalidSurvey(f"retention date must be a date, not {retain_until!r}", "retention_date")
        with self._write() as conn:
            done = conn.execute(update(Survey).where(Survey.slug == slug).values(retain_until=retain_until))
            if done.rowcount == 0:
                raise UnknownSurvey(f"no survey '{slug}'")

    def lifecycle(self, slug: str) -> dict[str, Any]:
        """``{"retain_until": date|None, "purged_on": date|None,
        "results_snapshot": dict|None}`` of a wave."""
        with self._read() as conn:
            row = conn.execute(select(Survey.retain_until, Survey.purged_on, Survey.results_snapshot)
                               .where(Survey.slug == slug)).first()
        if row is None:
            raise UnknownSurvey(f"no survey '{slug}'")
        return {"retain_until": row.retain_until, "purged_on": row.purged_on,
                "results_snapshot": row.results_snapshot}

    def purge_due(self, today: dt.date) -> list[str]:
        """The slugs of the waves whose retention date is before ``today`` and
        whose raw answers are not purged yet, oldest date first."""
        with self._read() as conn:
            return list(conn.scalars(
                select(Survey.slug).where(Survey.retain_until.is_not(None), Survey.retain_until < today,
                                          Survey.purged_on.is_(None))
                .order_by(Survey.retain_until, Survey.id)))

    @staticmethod
    def _delete_raw(conn: Connection, survey_id: int) -> dict[str, int]:
        responses = select(Response.id).where(Response.survey_id == survey_id).scalar_subquery()
        answers = conn.execute(delete(Answer).where(Answer.response_id.in_(responses))).rowcount
        codes = conn.execute(delete(AccessCode).where(AccessCode.survey_id == survey_id)).rowcount
        n = conn.execute(delete(Response).where(Response.survey_id == survey_id)).rowcount
        return {"responses": n, "answers": answers, "codes": codes}

    def purge_raw(self, slug: str, results_snapshot: Mapping[str, Any] | None, today: dt.date) -> dict[str, int]:
        """Delete a wave's responses, answers and codes in one transaction,
        keeping the wave itself, closed, with ``results_snapshot`` (its
        published, already suppressed aggregates) and ``purged_on``. Returns
        the counts deleted."""
        with self._write() as conn:
            survey = self._get_survey(conn, slug)
            counts = self._delete_raw(conn, survey.id)
            conn.execute(update(Survey).where(Survey.id == survey.id).values(
                is_open=False, purged_on=today,
                results_snapshot=dict(results_snapshot) if results_snapshot is not None else None))
            # after the update above: a snapshot written meanwhile held the wave's row and is seen now
            conn.execute(delete(WaveSnapshot).where(WaveSnapshot.survey_id == survey.id))
        return counts

    def delete_survey(self, slug: str) -> dict[str, int]:
        """Delete a wave with its responses, answers, codes and grants in one
        transaction. Returns the counts deleted."""
        with self._write() as conn:
            survey = self._get_survey(conn, slug)
            counts = self._delete_raw(conn, survey.id)
            conn.execute(delete(SurveyGrant).where(SurveyGrant.survey_id == survey.id))
            conn.execute(delete(WaveSnapshot).where(WaveSnapshot.survey_id == survey.id))
            conn.execute(delete(Survey).where(Survey.id == survey.id))
        return counts
