"""The wave a wave is compared with: the one asked for, none, or by itself
the previous comparable wave by survey year; and the compared report.

"Previous" means the latest wave before this one in survey-year order (the
same year: the one created earlier), of the same instrument id, visible to
the user, whose scales are defined the same way and that has submitted
answers. An earlier year imported after a later one is thus still compared
the right way round."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from scoring.comparison import check_instruments_comparable
from scoring.errors import IncomparableError
from scoring.model import Report
from surveys.service.access import visible_surveys, visible_wave
from surveys.service.waves import Wave, load_wave, report
from surveys.store import StoreError, SurveyInfo

#: The "compare with" value for no comparison (never a slug: a slug starts
#: with a letter or a digit).
NO_COMPARISON = "-"


class SameWave(StoreError):
    """A wave was asked to be compared with itself (reason ``same_wave``)."""


@dataclass(frozen=True)
class Skipped:
    """An earlier wave passed over, and why."""

    survey: SurveyInfo
    reason: IncomparableError


@dataclass(frozen=True)
class Comparison:
    """The wave to compare with (None: none), whether it was chosen by
    itself (the previous comparable wave) rather than asked for, and the
    more recent earlier waves passed over with the reason."""

    wave: Wave | None
    automatic: bool = False
    skipped: tuple[Skipped, ...] = ()

    def dropped(self, why: IncomparableError) -> "Comparison":
        """No comparison after all: the chosen wave joins the skipped ones."""
        if self.wave is None:
            raise ValueError("no wave was chosen, so none can be dropped")
        return replace(self, wave=None, automatic=False,
                       skipped=self.skipped + (Skipped(self.wave.survey, why),))


def wave_order(survey: SurveyInfo) -> tuple[int, int]:
    """The order of the waves of an instrument: survey year, then creation."""
    return (survey.year, survey.id)


def earlier_waves(survey: SurveyInfo, candidates: Sequence[SurveyInfo]) -> list[SurveyInfo]:
    """The waves among ``candidates`` of the same instrument id that come
    before ``survey`` in :func:`wave_order`, the latest first."""
    return sorted((c for c in candidates if c.instrument_id == survey.instrument_id
                   and wave_order(c) < wave_order(survey)), key=wave_order, reverse=True)


def why_not_comparable(store: Any, survey: SurveyInfo, other: SurveyInfo) -> IncomparableError | None:
    """Why ``other`` cannot serve as an earlier wave of ``survey`` (its scales
    or items differ, or it has no submitted answers: a wave set up but never
    run would only show empty changes); None when it can."""
    try:
        check_instruments_comparable(store.instrument(survey.instrument_sha256),
                                     store.instrument(other.instrument_sha256))
    except IncomparableError as exc:
        return exc
    if not store.progress(other.slug, groups=False)["total"]["submitted"]:
        return IncomparableError("cannot compare waves: the earlier wave has no submitted answers",
                                 "no_answers")
    return None


@dataclass(frozen=True)
class PreviousWave:
    """The previous comparable wave (None: none) and the waves passed over."""

    survey: SurveyInfo | None
    skipped: tuple[Skipped, ...]


def previous_wave(store: Any, survey: SurveyInfo, candidates: Sequence[SurveyInfo]) -> PreviousWave:
    """Among ``candidates`` (the waves the user may see), the latest before
    ``survey`` in survey-year order that can be compared with it."""
    skipped: list[Skipped] = []
    for other in earlier_waves(survey, candidates):
        why = why_not_comparable(store, survey, other)
        if why is None:
            return PreviousWave(other, tuple(skipped))
        skipped.append(Skipped(other, why))
    return PreviousWave(None, tuple(skipped))


def choose_comparison(store: Any, survey: SurveyInfo, other: str | None, user: Any) -> Comparison:
    """The wave to compare ``survey`` with, for ``user``: ``other`` is a
    slug, :data:`NO_COMPARISON`, or None for the previous comparable wave.
    Raises :class:`SameWave` for the wave itself and
    :class:`surveys.store.UnknownSurvey` for a wave the user may not see."""
    if other == NO_COMPARISON:
        return Comparison(None)
    if other:
        if other == survey.slug:
            raise SameWave("a wave cannot be compared with itself", "same_wave")
        visible_wave(store, user, other)
        return Comparison(load_wave(store, other))
    previous = previous_wave(store, survey, visible_surveys(store, user))
    if previous.survey is None:
        return Comparison(None, False, previous.skipped)
    return Comparison(load_wave(store, previous.survey.slug), True, previous.skipped)


def compared_report(wave: Wave, by: Sequence[str], comparison: Comparison) -> tuple[Report, Comparison]:
    """The report compared as ``comparison`` says, and the comparison as it
    was made. A wave chosen by itself that cannot be compared is dropped
    (the report shows the wave alone, the wave joins the skipped ones); one
    the user asked for raises :class:`IncomparableError`."""
    try:
        return report(wave, by, comparison.wave), comparison
    except IncomparableError as exc:
        if comparison.wave is None or not comparison.automatic:
            raise
        return report(wave, by, None), comparison.dropped(exc)
