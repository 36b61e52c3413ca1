"""Reading a wave back: progress counts and the submitted records."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import and_, func, select

from surveys.dataset import RECORD_COLUMNS

from surveys.models import AccessCode, Answer, Response
from surveys.store.groups import code_label
from surveys.store.wave_read import WaveReadMixin


class ResultsMixin(WaveReadMixin):
    """What a wave has collected so far."""

    def progress(self, slug: str, groups: bool = True) -> dict[str, Any]:
        """Counts of a survey (raw: hide small groups when showing them).

        ``{"total": {"started": n, "in_progress": n, "submitted": n},
        "sources": {"app": n, "imported": n},
        "codes": {"issued": n, "unused": n, "started": n, "spent": n},
        "groups": {group: {label: {"started": n, "in_progress": n, "submitted": n}}},
        "combos": [({group: label}, {"in_progress": n, "submitted": n}), ...]}``
        where ``started`` counts every response begun (imported ones too);
        ``sources`` splits the submitted responses into those collected
        through the app and those imported from a file; group labels come
        from the group items' answers, else from the code tags; ``combos``
        counts the responses per combination of group labels (what the
        disclosure control of the progress page works on).

        The totals are counted in the database; the submitted responses per
        combination come from the wave's cached dataset (:meth:`wave_dataset`),
        and only the responses still in progress are read one by one.
        ``groups=False``: the totals, sources and codes only (``groups`` and
        ``combos`` empty), without reading the wave."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            by_status = dict(conn.execute(
                select(Response.status, func.count()).where(Response.survey_id == survey.id)
                .group_by(Response.status)).all())
            imported = int(conn.scalar(
                select(func.count()).select_from(Response)
                .where(Response.survey_id == survey.id, Response.imported.is_(True))
            ) or 0)
            code_counts = dict(
                conn.execute(
                    select(AccessCode.status, func.count())
                    .where(AccessCode.survey_id == survey.id)
                    .group_by(AccessCode.status)
                ).all()
            )
            pending: list[Any] = []
            answered: list[Any] = []
            if groups and by_status.get("in_progress"):
                open_responses = and_(Response.survey_id == survey.id,
                                      Response.status == "in_progress")
                pending = conn.execute(
                    select(Response.id, Response.group_values).where(open_responses)).all()
                instrument = self.instrument(survey.instrument_sha256)
                group_items = {i.id: i for i in instrument.group_items}
                answered = conn.execute(
                    select(Answer.response_id, Answer.item_id, Answer.code)
                    .join(Response, Response.id == Answer.response_id)
                    .where(open_responses, Answer.item_id.in_(list(group_items)),
                           Answer.code.is_not(None))
                ).all() if group_items else []
        total = {"started": sum(int(v) for v in by_status.values()),
                 "in_progress": int(by_status.get("in_progress", 0)),
                 "submitted": int(by_status.get("submitted", 0))}
        codes = {s: int(code_counts.get(s, 0)) for s in ("unused", "started", "spent")}
        codes["issued"] = sum(codes.values())
        sources = {"app": total["submitted"] - imported, "imported": imported}
        combos: dict[tuple, dict[str, int]] = defaultdict(lambda: {"in_progress": 0, "submitted": 0})
        if groups and total["submitted"]:
            for key, count in _submitted_combos(self.wave_dataset(slug)):
                combos[key]["submitted"] += count
        if pending:
            labels_of: dict[str, dict[str, str]] = defaultdict(dict)
            for rid, item_id, code in answered:
                item = group_items[item_id]
                labels_of[rid][item.group or item.id] = code_label(instrument, item, survey.presets, code)
            for rid, tags in pending:
                values = {str(k): str(v) for k, v in (tags or {}).items()}
                values.update(labels_of.get(rid, {}))
                combos[tuple(sorted(values.items()))]["in_progress"] += 1
        cells: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        for key, counts in combos.items():
            for group, label in key:
                cell = cells[group].setdefault(label, {"started": 0, "in_progress": 0, "submitted": 0})
                cell["in_progress"] += counts["in_progress"]
                cell["submitted"] += counts["submitted"]
                cell["started"] += counts["in_progress"] + counts["submitted"]
        return {"total": total, "sources": sources, "codes": codes,
                "groups": {g: dict(v) for g, v in cells.items()},
                "combos": [(dict(k), dict(v)) for k, v in sorted(combos.items())]}

    def wave_records(self, slug: str, with_source: bool = False) -> list[dict[str, Any]]:
        """The submitted responses of a wave, one dict each (one query for
        the responses, one for all their answers: never one per response).
        For checking single responses and tests: the analyst side reads a
        wave with :meth:`wave_dataset`, never this.

        Each record maps item ids to values as :meth:`answers` does, plus
        ``"groups"``: group name -> label (group items' answers, else the
        code's tags, e.g. ``class``), ``"submitted_on"``: a ``date``, and with
        ``with_source`` ``"source"``: ``"app"`` (collected through the app)
        or ``"import"`` (imported from a file)."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            submitted = and_(Response.survey_id == survey.id, Response.status == "submitted")
            responses = conn.execute(
                select(Response.id, Response.submitted_on, Response.group_values, Response.imported)
                .where(submitted)
                .order_by(Response.submitted_on, Response.id)
            ).all()
            answer_rows = conn.execute(
                select(Answer.response_id, Answer.item_id, Answer.multi, Answer.code, Answer.text)
                .join(Response, Response.id == Answer.response_id)
                .where(submitted)
                .order_by(Answer.response_id, Answer.item_id, Answer.position)
            ).all()
            by_response: dict[str, dict[str, Any]] = defaultdict(dict)
            for rid, item_id, multi, code, text in answer_rows:
                value = code if code is not None else text
                if multi:
                    by_response[rid].setdefault(item_id, []).append(value)
                else:
                    by_response[rid][item_id] = value
        instrument = self.instrument(survey.instrument_sha256)
        group_items = [(i.id, i.group or i.id, i) for i in instrument.group_items]
        records: list[dict[str, Any]] = []
        for rid, submitted_on, group_values, was_imported in responses:
            record = by_response.get(rid, {})
            groups = {str(k): str(v) for k, v in (group_values or {}).items()}
            for item_id, group, item in group_items:
                code = record.get(item_id)
                if isinstance(code, int):
                    groups[group] = code_label(instrument, item, survey.presets, code)
            record["groups"] = groups
            record["submitted_on"] = submitted_on
            if with_source:
                record["source"] = "import" if was_imported else "app"
            records.append(record)
        return records


def _submitted_combos(dataset: Any) -> list[tuple[tuple[tuple[str, str], ...], int]]:
    """(sorted (group, label) pairs, count) per combination of group labels
    among the submitted responses of a cached wave dataset (no label: the
    group is left out of the pair list, as for a response without it)."""
    columns = sorted(c for c in dataset.groups if c not in RECORD_COLUMNS)
    if not columns:
        return [((), int(dataset.n))] if dataset.n else []
    rows = np.stack([np.asarray(dataset.groups[c], dtype=str) for c in columns], axis=1)
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return [(tuple((c, v) for c, v in zip(columns, row.tolist()) if v != ""), int(count))
            for row, count in zip(unique, counts)]
