"""Glue between the store, the dataset builder, scoring and the exports:
load a wave, score it, build its downloads. Used by the analyst pages and
the JSON API alike."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from scoring.comparison import check_instruments_comparable
from scoring.disclosure import Disclosure
from scoring.errors import IncomparableError
from scoring.model import Report
from scoring.report import score_report
from scoring.report_scales import scale_matrix, score_scale
from surveys.dataset import Dataset
from surveys.exports import FORMATS, WaveData, render_stream
from surveys.instrument import Instrument


@dataclass
class Wave:
    survey: Any  # surveys.store.SurveyInfo
    instrument: Instrument
    dataset: Dataset


def load_wave(store: Any, slug: str) -> Wave:
    """The submitted answers of wave ``slug`` as a Dataset (read-only,
    shared: :meth:`surveys.store.Store.wave_dataset`)."""
    survey = store.survey(slug)
    instrument = store.instrument(survey.instrument_sha256)
    dataset = store.wave_dataset(slug)
    return Wave(survey, instrument, dataset)


def breakdown_columns(wave: Wave) -> list[str]:
    """The declared group columns the wave's results can be broken down by
    (those with at least one value)."""
    return [c for c in wave.instrument.group_columns if c in wave.dataset.groups]


def progress_groups(combos: Sequence[tuple[Mapping[str, str], Mapping[str, int]]],
                    instrument: Instrument) -> dict[str, list[dict[str, Any]]]:
    """Started and submitted per value of each declared group (value None:
    no answer), hidden by the wave's joint disclosure control over the
    submitted and the unfinished responses (started is their sum)."""
    columns = instrument.group_columns
    rows = [(values, status) for values, counts in combos for status in ("in_progress", "submitted")
            for _ in range(int(counts.get(status, 0)))]
    n = len(rows)
    groups = {c: np.array([str(v.get(c, "")) for v, _s in rows], dtype=str) for c in columns
              if any(c in v for v, _s in rows)}
    disclosure = Disclosure(groups, n, columns, instrument.suppression_min_n, instrument.nested_groups)
    submitted = np.array([st == "submitted" for _v, st in rows], dtype=bool)
    out: dict[str, list[dict[str, Any]]] = {}
    for column in disclosure.columns:
        cells = disclosure.cells((column,))
        hidden = disclosure.hidden_in(cells.columns, submitted, ~submitted)
        done = np.bincount(cells.codes[submitted], minlength=cells.size)
        begun = np.bincount(cells.codes, minlength=cells.size)
        # a nested group's cells (a class) carry the parent's label (its school) first
        out[column] = [{"value": labels[-1], "labels": list(labels),
                        "suppressed": bool(hidden[g]),
                        "started": None if hidden[g] else int(begun[g]),
                        "submitted": None if hidden[g] else int(done[g])}
                       for g, labels in enumerate(cells.labels)]
    return out


#: Scored reports of the last few (dataset, breakdown, comparison) asked for.
#: The datasets come from the store's cache and are read-only, so the same
#: objects mean the same answers; each entry holds them, so an id is never
#: reused while its entry lives. A report is frozen (``scoring.model``), so
#: every caller shares the one object.
_REPORTS: "OrderedDict[tuple, tuple[Any, Any, Report]]" = OrderedDict()
_REPORTS_KEPT = 16
_REPORTS_LOCK = threading.Lock()


def report(wave: Wave, by: Sequence[str] = (), compare: Wave | None = None) -> Report:
    """The scored report (suppressed), optionally compared with an earlier
    wave; remembered while the wave (and the earlier one) do not change."""
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


def compared_report(wave: Wave, by: Sequence[str], compare: Wave | None,
                    automatic: bool) -> tuple[Report, IncomparableError | None]:
    """The report compared with ``compare``, and why a comparison was
    dropped. A wave chosen automatically that cannot be compared is dropped
    (the report shows the wave alone); one the user asked for raises
    :class:`IncomparableError`."""
    try:
        return report(wave, by, compare), None
    except IncomparableError as exc:
        if compare is None or not automatic:
            raise
        return report(wave, by, None), exc


@dataclass
class PreviousWave:
    """The wave a results page compares with by default, and the more recent
    earlier waves passed over because their scales are defined differently
    or they have no answers (each with the reason)."""

    survey: Any | None
    skipped: list[tuple[Any, IncomparableError]]


def visible_surveys(store: Any, user: Any) -> list[Any]:
    """The surveys ``user`` may see (all for an admin)."""
    from surveys import accounts

    every = store.surveys()
    if user.is_admin:
        return every
    granted = set(accounts.granted_slugs(store, user.id))
    return [s for s in every if s.slug in granted]


def previous_wave(store: Any, survey: Any, candidates: Sequence[Any]) -> PreviousWave:
    """Among ``candidates`` (the waves the user may see), the most recently
    created wave before ``survey`` of the same instrument id whose scales are
    defined the same way and that has submitted answers (a wave set up but
    never run, or cancelled, would only show empty changes)."""
    earlier = sorted((c for c in candidates
                      if c.instrument_id == survey.instrument_id and c.id < survey.id),
                     key=lambda c: c.id, reverse=True)
    instrument = store.instrument(survey.instrument_sha256)
    skipped: list[tuple[Any, IncomparableError]] = []
    for other in earlier:
        try:
            check_instruments_comparable(instrument, store.instrument(other.instrument_sha256))
        except IncomparableError as exc:
            skipped.append((other, exc))
            continue
        if not store.progress(other.slug, groups=False)["total"]["submitted"]:
            skipped.append((other, IncomparableError(
                "cannot compare waves: the earlier wave has no submitted answers", "no_answers")))
            continue
        return PreviousWave(other, skipped)
    return PreviousWave(None, skipped)


def respondent_scores(wave: Wave) -> dict[str, np.ndarray]:
    """Each respondent's score on every scale (NaN where too few items)."""
    ds = wave.dataset
    col = {c: j for j, c in enumerate(ds.columns)}
    missing = {i.id: tuple(rs.missing_codes) for i in wave.instrument.items
               if (rs := wave.instrument.response_scale(i)) is not None and rs.missing_codes}
    out: dict[str, np.ndarray] = {}
    for scale in wave.instrument.scales.values():
        if not all(i in col for i in scale.items) or ds.n == 0:
            continue
        X = scale_matrix(ds.matrix, col, scale.items, missing)
        _, scores = score_scale(scale, X, None, wave.instrument.suppression_min_n)
        out[scale.id] = scores
    return out


def download(wave: Wave, key: str, lang: str | None = None) -> tuple[Iterator[bytes], str, str]:
    """(the file chunk by chunk, mimetype, file name) of download ``key``;
    KeyError if unknown. The raw CSV variants stream; the others come as one chunk."""
    fmt = FORMATS[key]
    data = WaveData(wave.instrument, wave.dataset, report(wave) if fmt.needs_report else None,
                    presets=wave.survey.presets,
                    scores=respondent_scores(wave) if fmt.needs_scores else None,
                    lang=lang, name=wave.survey.slug)
    return render_stream(key, data), fmt.mimetype, fmt.filename(wave.survey.slug)


#: Rows one API request may ask for (``limit``), and the default.
RAW_PAGE_MAX = 1000
RAW_PAGE_DEFAULT = 100


def raw_page(wave: Wave, offset: int, limit: int) -> dict[str, Any]:
    """Rows ``offset`` .. ``offset + limit`` of the raw table (the raw
    downloads' columns, text sanitised, the week not the day) with the
    variable names and labels; ``limit`` is at most :data:`RAW_PAGE_MAX`."""
    from surveys.exports.table import build_table

    limit = max(1, min(limit, RAW_PAGE_MAX))
    table = build_table(wave.instrument, wave.dataset, wave.survey.presets,
                        respondent_scores(wave))
    return {"total": table.n, "offset": offset, "limit": limit,
            "variables": [{"name": v.name, "label": v.label, "kind": v.kind}
                          for v in table.variables],
            "rows": table.rows_between(offset, offset + limit)}
