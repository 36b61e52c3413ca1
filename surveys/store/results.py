"""Reading a wave back: progress counts and the submitted records."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select

from surveys.models import AccessCode, Answer, Response
from surveys.store.groups import code_label
from surveys.store.waves import WavesMixin


class ResultsMixin(WavesMixin):
    """What a wave has collected so far."""

    def progress(self, slug: str) -> dict[str, Any]:
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
        disclosure control of the progress page works on)."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            instrument = self.instrument(survey.instrument_sha256)
            group_items = {i.id: i for i in instrument.group_items}
            responses = conn.execute(
                select(Response.id, Response.status, Response.group_values).where(Response.survey_id == survey.id)
            ).all()
            imported = int(conn.scalar(
                select(func.count()).select_from(Response)
                .where(Response.survey_id == survey.id, Response.imported.is_(True))
            ) or 0)
            answered = conn.execute(
                select(Answer.response_id, Answer.item_id, Answer.code)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.survey_id == survey.id, Answer.item_id.in_(list(group_items)))
            ).all() if group_items else []
            code_counts = dict(
                conn.execute(
                    select(AccessCode.status, func.count())
                    .where(AccessCode.survey_id == survey.id)
                    .group_by(AccessCode.status)
                ).all()
            )
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for rid, item_id, code in answered:
            item = group_items[item_id]
            labels[rid][item.group or item.id] = code_label(instrument, item, survey.presets, code)
        total = {"started": 0, "in_progress": 0, "submitted": 0}
        groups: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        combos: dict[tuple, dict[str, int]] = defaultdict(lambda: {"in_progress": 0, "submitted": 0})
        for rid, status, tags in responses:
            total["started"] += 1
            total[status] += 1
            values = {str(k): str(v) for k, v in (tags or {}).items()}
            values.update(labels.get(rid, {}))
            combos[tuple(sorted(values.items()))][status] += 1
            for group, label in values.items():
                cell = groups[group].setdefault(label, {"started": 0, "in_progress": 0, "submitted": 0})
                cell["started"] += 1
                cell[status] += 1
        codes = {s: int(code_counts.get(s, 0)) for s in ("unused", "started", "spent")}
        codes["issued"] = sum(codes.values())
        sources = {"app": total["submitted"] - imported, "imported": imported}
        return {"total": total, "sources": sources, "codes": codes,
                "groups": {g: dict(v) for g, v in groups.items()},
                "combos": [(dict(k), dict(v)) for k, v in sorted(combos.items())]}

    def wave_records(self, slug: str, with_source: bool = False) -> list[dict[str, Any]]:
        """The submitted responses of a wave, one dict each (one query for
        the responses, one for all their answers: never one per response).

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
