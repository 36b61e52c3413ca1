"""Importing already-submitted responses in bulk (an earlier wave, demo data)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, insert

from surveys.models import Answer, Response
from surveys.store.dates import today
from surveys.store.errors import InvalidAnswer, InvalidRecords
from surveys.store.groups import tag_code
from surveys.store.validate import answer_rows, instrument_fields
from surveys.store.waves import WavesMixin


class BulkImportMixin(WavesMixin):
    """Bulk insertion of submitted responses, checked against the instrument."""

    def import_responses(self, slug: str, records: Iterable[Mapping[str, Any]]) -> int:
        """Insert already-submitted responses (an earlier wave, demo data) in
        one transaction; returns how many. Records have the shape of
        :meth:`wave_records` (``groups`` and ``submitted_on`` optional; a
        ``submitted_on`` may be a date or ``YYYY-MM-DD``). A group item may be
        given by its label (stored as its code when the label is one of its
        options or presets, else kept as a group label); other keys that are
        not items become group labels when they name a declared group column
        (e.g. ``class``); any other column (a case number, a name) is not
        stored (docs/privacy.md). Every item value is
        checked against the instrument; if any record is invalid,
        :class:`InvalidRecords` lists every problem and nothing is stored.
        The responses are marked as imported (``source`` "import" in
        :meth:`wave_records`, counted apart in :meth:`progress`)."""
        survey = self.survey(slug)
        instrument = self.instrument(survey.instrument_sha256)
        fields = instrument_fields(instrument)
        declared = set(instrument.group_columns)
        responses: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        problems: list[tuple[int, InvalidAnswer]] = []
        for n, record in enumerate(records, start=1):
            rid = str(uuid.uuid4())
            try:
                day = _as_date(record.get("submitted_on"))
            except ValueError as exc:
                problems.append((n, InvalidAnswer(f"submitted_on: {exc}", "bad_date",
                                                  value=str(record.get("submitted_on")))))
                continue
            groups = record.get("groups") or {}
            if not isinstance(groups, Mapping):
                problems.append((n, InvalidAnswer("groups must be a mapping", "groups_not_mapping")))
                continue
            group_values = {str(k): str(v) for k, v in groups.items() if v not in (None, "") and k in declared}
            responses.append(
                dict(
                    id=rid,
                    survey_id=survey.id,
                    status="submitted",
                    group_values=group_values,
                    started_on=day,
                    submitted_on=day,
                    imported=True,  # not collected through the app
                )
            )
            for key, value in record.items():
                if key in ("groups", "submitted_on") or value is None or value == "":
                    continue
                item = fields.get(key)
                if item is not None and item.group and isinstance(value, str):
                    # a group given by its label: its code when the label is known
                    code = tag_code(instrument, item, survey.presets, {item.group: value})
                    if code is None:
                        group_values.setdefault(item.group, value.strip())
                        continue
                    value = code
                if item is None:
                    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                        if key in declared:
                            group_values.setdefault(key, str(value))  # a tag group column, e.g. class
                    else:
                        problems.append((n, InvalidAnswer(f"'{key}': not an item of {instrument.id}", "not_an_item",
                                                          item=key, instrument=instrument.id)))
                    continue
                try:
                    answers.extend(answer_rows(rid, key, item, value, survey.presets, instrument))
                except InvalidAnswer as exc:
                    problems.append((n, exc))
        if problems:
            raise InvalidRecords([f"record {n}: {exc}" for n, exc in problems], problems)
        with self._write() as conn:
            for chunk in _chunks(responses, 2000):
                conn.execute(insert(Response), chunk)
            if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
                _copy_answers(conn, answers)
            else:
                for chunk in _chunks(answers, 5000):
                    conn.execute(insert(Answer), chunk)
        return len(responses)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _copy_answers(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Bulk-load answer rows with PostgreSQL COPY (inside the open transaction)."""
    columns = ("response_id", "item_id", "position", "multi", "code", "text")
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY answers ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row[c] for c in columns))
    finally:
        cursor.close()


def _as_date(value: Any) -> dt.date:
    if value is None:
        return today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise ValueError(f"not a date: {value!r}")
