"""A wave loaded for scoring, the breakdown asked for, and its scored report
(remembered while the wave's answers do not change)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from scoring.disclosure import BreakdownError
from scoring.model import Report
from scoring.report import score_report
from surveys.dataset import Dataset
from surveys.instrument import Instrument
from surveys.store import SurveyInfo

#: The most group columns one breakdown takes (two give the cross breakdown).
MAX_BREAKDOWN_COLUMNS = 2


@dataclass(frozen=True)
class Wave:
    survey: SurveyInfo
    instrument: Instrument
    dataset: Dataset


def load_wave(store: Any, slug: str, *, use_cache: bool = True) -> Wave:
    """The submitted answers of wave ``slug`` as a Dataset (read-only,
    shared: :meth:`surveys.store.Store.wave_dataset`; ``use_cache`` False for
    a one-off read such as the command line's). Raises
    :class:`surveys.store.UnknownSurvey`."""
    survey = store.survey(slug)
    instrument = store.instrument(survey.instrument_sha256)
    dataset = store.wave_dataset(slug, use_cache=use_cache)
    return Wave(survey, instrument, dataset)


def breakdown_columns(wave: Wave) -> list[str]:
    """The declared group columns the wave's results can be broken down by
    (those with at least one value)."""
    return [c for c in wave.instrument.group_columns if c in wave.dataset.groups]


def requested_breakdown(values: Iterable[str]) -> tuple[str, ...]:
    """The breakdown asked for (``by`` of the page's address or the API's),
    empty values dropped; more than :data:`MAX_BREAKDOWN_COLUMNS` columns
    raise :class:`BreakdownError` (reason ``too_many_columns``), the same
    refusal for the page and the API."""
    by = tuple(v for v in values if v)
    if len(by) > MAX_BREAKDOWN_COLUMNS:
        raise BreakdownError("a breakdown takes one or two group columns", "too_many_columns")
    return by


#: Scored reports (frozen ``scoring.model.Report`` objects, shared as they
#: are) of the last few (dataset, breakdown, comparison) asked for. The
#: datasets come from the store's cache and are read-only, so the same
#: objects mean the same answers; each entry holds them, so an id is never
#: reused while its entry lives.
_REPORTS: "OrderedDict[tuple, tuple[Any, Any, Report]]" = OrderedDict()
_REPORTS_KEPT = 16
_REPORTS_LOCK = threading.Lock()


def report(wave: Wave, by: Sequence[str] = (), compare: Wave | None = None) -> Report:
    """The scored report (suppressed, the typed model of ``scoring.model``),
    optionally compared with an earlier wave; remembered while the wave (and
    the earlier one) do not change. It is frozen and shared by every caller."""
    other = None
    if compare is not None:
        other = (compare.instrument, compare.dataset)
    key = (id(wave.dataset), wave.instrument.sha256, tuple(by),
           None if compare is None else (id(compare.dataset), compare.instrument.sha256))
    with _REPORTS_LOCK:
        hit = _REPORTS.get(key)
        if hit is not None and hit[0] is wave.dataset and \
                hit[1] is (compare.dataset if compare is not None else None):
            _REPORTS.move_to_end(key)
            return hit[2]
    result = score_report(wave.instrument, wave.dataset, by=tuple(by), compare=other)
    if not wave.dataset.matrix.flags.writeable:  # only a cached (frozen) dataset
        with _REPORTS_LOCK:
            _REPORTS[key] = (wave.dataset, compare.dataset if compare else None, result)
            while len(_REPORTS) > _REPORTS_KEPT:
                _REPORTS.popitem(last=False)
    return result

