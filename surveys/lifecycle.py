"""Deleting waves and purging raw answers after their retention date.

``delete_wave`` removes a wave with everything it collected. ``purge_due``
(``survey-engine waves purge``, safe to run from cron: it only touches waves
whose retention date has passed and that are not purged yet) deletes the raw
answers and codes of those waves and keeps their published aggregates: the
scored report, overall and broken down by each group, as the results pages
and the API publish it, small groups already suppressed, frozen as JSON on
the wave (``surveys.results_snapshot``). Both are recorded in the audit log.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from surveys import audit

@dataclass(frozen=True)
class Purged:
    slug: str
    responses: int
    codes: int


def results_snapshot(store: Any, slug: str, today: dt.date) -> dict[str, Any]:
    """The published aggregates of a wave as a JSON-ready dict: the scored
    report overall and by each group (suppressed as published; the JSON of
    the one serialiser, ``scoring.model_json``), and the response counts."""
    from scoring.errors import ScoringError
    from scoring.model_json import report_to_json
    from scoring.report import score_report

    survey = store.survey(slug)
    instrument = store.instrument(survey.instrument_sha256)
    dataset = store.wave_dataset(slug, use_cache=False)  # the analyst side's one read path
    progress = store.progress(slug)
    snapshot: dict[str, Any] = {
        "taken_on": today.isoformat(),
        "instrument": {"id": survey.instrument_id, "version": survey.instrument_version,
                       "sha256": survey.instrument_sha256},
        "counts": {"submitted": progress["total"]["submitted"], **progress["sources"]},
        "overall": None, "by": {},
    }
    if dataset.n == 0:
        return snapshot
    try:
        snapshot["overall"] = report_to_json(score_report(instrument, dataset))
        # each declared group the results pages break down by
        for group in instrument.group_columns:
            if group in dataset.groups:
                snapshot["by"][group] = report_to_json(score_report(instrument, dataset, by=(group,)))
    except ScoringError as exc:
        snapshot["not_scored"] = str(exc)
    return snapshot


def purge_due(store: Any, today: dt.date | None = None, actor: str = audit.CLI_ACTOR,
              dry_run: bool = False) -> list[Purged]:
    """Purge every wave whose retention date is before ``today``; returns
    what was (or, with ``dry_run``, would be) deleted."""
    today = today or dt.date.today()
    done: list[Purged] = []
    for slug in store.purge_due(today):
        if dry_run:
            total = store.progress(slug)
            done.append(Purged(slug, total["total"]["started"], total["codes"]["issued"]))
            continue
        snapshot = results_snapshot(store, slug, today)
        counts = store.purge_raw(slug, snapshot, today)
        audit.record(store, actor, "wave_purge", slug,
                     f"{counts['responses']} responses and {counts['codes']} codes deleted; aggregates kept")
        done.append(Purged(slug, counts["responses"], counts["codes"]))
    return done


def delete_wave(store: Any, slug: str, actor: str = audit.CLI_ACTOR) -> dict[str, int]:
    """Delete wave ``slug`` and everything it collected; recorded in the audit log."""
    counts = store.delete_survey(slug)
    audit.record(store, actor, "wave_delete", slug,
                 f"{counts['responses']} responses and {counts['codes']} codes deleted")
    return counts


def set_retention(store: Any, slug: str, retain_until: dt.date | None, actor: str = audit.CLI_ACTOR) -> None:
    """Set (or clear, with None) a wave's retention date; recorded in the audit log."""
    store.set_retention(slug, retain_until)
    audit.record(store, actor, "retention_set", slug, retain_until.isoformat() if retain_until else "none")
