"""Gather what the yearly report of one wave needs through the service
layer: the scored report (compared with the previous comparable wave by
survey year), one report per declared breakdown, the trend, the counts.
Used by the analyst route and the CLI alike; no Flask. Raises
:class:`ReportRefused` for a report that cannot be made.
"""
from __future__ import annotations

from typing import Any, Sequence

from scoring.disclosure import BreakdownError
from scoring.errors import IncomparableError
from surveys.dataset import WEEK_COLUMN
from surveys.service.comparison import previous_wave
from surveys.service.trend import wave_trend
from surveys.service import waves
from surveys.service.waves import Wave, breakdown_columns, load_wave
from surveys.yearly_report.document import Counts, ReportDocument, WaveInfo, build_document
from surveys.yearly_report.texts import LANGUAGES


class ReportRefused(Exception):
    """Why a report cannot be made: ``reason`` is ``"language"``,
    ``"no_answers"`` or ``"purged"``; ``params`` hold the values the message names."""

    def __init__(self, message: str, reason: str, **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


def check_language(lang: str) -> str:
    """``lang`` when the report is written in it; else :class:`ReportRefused`."""
    if lang not in LANGUAGES:
        raise ReportRefused(f"the report is written in {' or '.join(LANGUAGES)}, not {lang!r}", "language",
                            lang=lang, languages=", ".join(LANGUAGES))
    return lang


def counts(store: Any, slug: str, mode: str, dataset: Any) -> Counts:
    """The wave's counts from the store, and its first and last ISO week."""
    raw = store.progress(slug, groups=False)
    weeks = sorted({str(w) for w in dataset.groups.get(WEEK_COLUMN, ()) if str(w)})
    return Counts(mode=mode, submitted=raw["total"]["submitted"], imported=raw["sources"]["imported"],
                  in_progress=raw["total"]["in_progress"], codes_issued=raw["codes"]["issued"],
                  codes_spent=raw["codes"]["spent"], first_week=weeks[0] if weeks else None,
                  last_week=weeks[-1] if weeks else None)


def breakdown_reports(wave: Wave) -> dict[str, Any]:
    """The wave's report broken down by each declared group column one way
    (nested ones, such as class within school, are left out: the report is
    for the whole municipality). None are needed without scales or shares."""
    instrument = wave.instrument
    if not instrument.scales and not instrument.shares:
        return {}
    nested = set(instrument.nested_groups)
    out = {}
    for column in breakdown_columns(wave):
        if column in nested:
            continue
        try:
            out[column] = waves.report(wave, (column,))
        except BreakdownError:  # a column the disclosure step does not publish alone: left out
            continue
    return out


def yearly_report(store: Any, slug: str, candidates: Sequence[Any], lang: str = "sv") -> ReportDocument:
    """The report document of wave ``slug`` in ``lang``, compared with the
    previous comparable wave among ``candidates`` (the waves the reader may
    see), with the trend over all of them. Raises
    ``surveys.store.UnknownSurvey`` and :class:`ReportRefused`."""
    check_language(lang)
    survey = store.survey(slug)
    purged_on = store.lifecycle(slug)["purged_on"]
    if purged_on is not None:
        raise ReportRefused(f"the raw answers of wave {slug} were purged on {purged_on.isoformat()}; "
                            "its report cannot be made again", "purged", slug=slug, day=purged_on.isoformat())
    wave = load_wave(store, slug)
    if wave.dataset.n == 0:
        raise ReportRefused(f"wave {slug} has no submitted answers yet", "no_answers", slug=slug)
    previous = previous_wave(store, survey, candidates).survey
    scored = waves.report(wave)
    if previous is not None:
        try:
            scored = waves.report(wave, (), load_wave(store, previous.slug))
        except IncomparableError:  # as the results page: the wave alone, never a refusal
            previous = None
    trend = wave_trend(store, survey, candidates)
    return build_document(
        wave.instrument, WaveInfo(survey.slug, survey.label), scored, breakdown_reports(wave),
        counts(store, slug, survey.mode, wave.dataset),
        WaveInfo(previous.slug, previous.label) if previous is not None else None, lang,
        trend if len(trend.waves) > 1 else None)
