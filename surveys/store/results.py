"""Reading a wave back: progress counts and the submitted records."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import and_, func, select

from surveys.dataset import WEEK_COLUMN

from surveys.models import AccessCode, Answer, Response
from surveys.store.groups import code_label
from surveys.store.wave_read import WaveReadMixin


class ResultsMixin(WaveReadMixin):
    """What a wave has collected so far."""

    def progress(self, slug: str, groups: bool = True) -> dict[str, Any]:
        """Counts of a survey (raw: hide small groups when showing them).

        ``{"total": {"started": n, "in_progress": n, "submitted": n},
        "codes": {"issued": n, "unused": n, "started": n, "spent": n},
        "groups": {group: {label: {"started": n, "in_progress": n, "submitted": n}}}}``
        where ``started`` counts every response begun; group labels come from
        the group items' answers, else from the code tags. The totals are
        counted in the database; the submitted responses per group come from
        the wave's cached dataset (:meth:`wave_dataset`), and only the
        responses still in progress are read one by one. ``groups=False``:
        the totals and codes only (``"groups"`` empty), without reading the wave."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            by_status = dict(conn.execute(
                select(Response.status, func.count()).where(Response.survey_id == survey.id)
                .group_by(Response.status)).all())
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
        cells: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        if groups and total["submitted"]:
            dataset = self.wave_dataset(slug)
            for group, values in dataset.groups.items():
                if group == WEEK_COLUMN:
                    continue
                labels, counts = np.unique(values[values != ""], return_counts=True)
                for label, count in zip(labels.tolist(), counts.tolist()):
                    cells[group][label] = {"started": count, "in_progress": 0, "submitted": count}
        if pending:
            labels_of: dict[str, dict[str, str]] = defaultdict(dict)
            for rid, item_id, code in answered:
                item = group_items[item_id]
                labels_of[rid][item.group or item.id] = code_label(instrument, item,
                                                                   survey.presets, code)
            for rid, tags in pending:
                values = {str(k): str(v) for k, v in (tags or {}).items()}
                values.update(labels_of.get(rid, {}))
                for group, label in values.items():
                    cell = cells[group].setdefault(
                        label, {"started": 0, "in_progress": 0, "submitted": 0})
                    cell["started"] += 1
                    cell["in_progress"] += 1
        return {"total": total, "codes": codes, "groups": {g: dict(v) for g, v in cells.items()}}

    def wave_records(self, slug: str) -> list[dict[str, Any]]:
        """The submitted responses of a wave, one dict each (one query for
        the responses, one for all their answers: never one per response).
        For checking single responses and tests: the analyst side reads a
        wave with :meth:`wave_dataset`, never this.

        Each record maps item ids to values as :meth:`answers` does, plus
        ``"groups"``: group name -> label (group items' answers, else the
        code's tags, e.g. ``class``), and ``"submitted_on"``: a ``date``."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            submitted = and_(Response.survey_id == survey.id, Response.status == "submitted")
            responses = conn.execute(
                select(Response.id, Response.submitted_on, Response.group_values)
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
        for rid, submitted_on, group_values in responses:
            record = by_response.get(rid, {})
            groups = {str(k): str(v) for k, v in (group_values or {}).items()}
            for item_id, group, item in group_items:
                code = record.get(item_id)
                if isinstance(code, int):
                    groups[group] = code_label(instrument, item, survey.presets, code)
            record["groups"] = groups
            record["submitted_on"] = submitted_on
            records.append(record)
        return records
