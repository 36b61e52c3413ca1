"""The respondent path: beginning or resuming a response, reading its state,
saving a page, submitting."""
from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from sqlalchemy import Connection, insert, select

from surveys import codes as codelib
from surveys.models import Response, Survey
from surveys.store.dates import today
from surveys.store.errors import (
    AlreadySubmitted,
    CodeSpent,
    InvalidAnswer,
    StoreError,
    SurveyClosed,
    UnknownCode,
    UnknownResponse,
)
from surveys.store.groups import tag_code
from surveys.store.records import AnswerValue, ResponseHandle, ResponseState, SurveyInfo
from surveys.store.retry import retried
from surveys.store.statements import (
    ANSWERS,
    CLAIM_CODE,
    CLEAR_ANSWERS,
    CODE_BY_HASH,
    DELETE_RESPONSE,
    INSERT_ANSWERS,
    INSERT_RESPONSE,
    LOCK_AND_MOVE,
    RESPONSE_BY_ID,
    RESPONSE_COLUMNS,
    RESPONSE_EXISTS,
    RESPONSE_STATE,
    SAVE_PAGE_POSTGRESQL,
    SPEND_CODE,
    START_WITH_CODE_POSTGRESQL,
    SUBMIT,
    SUBMIT_POSTGRESQL,
)
from surveys.store.validate import answer_rows, find_page, page_fields
from surveys.store.waves import WavesMixin

#: Longest page id the responses table records as the last page.
PAGE_ID_MAX = Response.__table__.c.last_page.type.length


class ResponsesMixin(WavesMixin):
    """Responses and their answers, as the respondent pages use them."""

    def begin(
        self, slug: str, code: str | None = None, resume_token: str | None = None, survey: SurveyInfo | None = None
    ) -> ResponseHandle:
        """Start or resume a response.

        Code mode: an unknown (or malformed) code raises :class:`UnknownCode`,
        a spent one :class:`CodeSpent`, a started one returns the same
        response (whatever device asks). Open mode: a known ``resume_token``
        returns its response; otherwise a new response is created and its
        token returned once in ``ResponseHandle.resume_token`` (a token is
        forgotten when its response is submitted). A closed survey raises
        :class:`SurveyClosed`. ``survey``: the survey as the caller has just
        read it with :meth:`survey`, if it has (spares that read).
        """
        if survey is None:
            survey = self.survey(slug)
        elif survey.slug != slug:
            raise ValueError(f"the survey given is '{survey.slug}', not '{slug}'")
        if not survey.is_open:
            raise SurveyClosed(f"survey '{slug}' is closed")
        if survey.mode == "codes":
            return self._begin_with_code(survey, code)
        return self._begin_open(survey, resume_token)

    def _handle(self, row: Any, slug: str, **extra: Any) -> ResponseHandle:
        return ResponseHandle(
            id=row.id,
            slug=slug,
            status=row.status,
            last_page=row.last_page,
            group_values=dict(row.group_values or {}),
            **extra,
        )

    _response_columns = RESPONSE_COLUMNS

    @retried
    def _begin_with_code(self, survey: SurveyInfo, code: str | None) -> ResponseHandle:
        hashed = codelib.code_hash(self._key, code or "")
        if hashed is None:
            raise UnknownCode("unknown code")
        for _attempt in range(5):
            with self._quick_read() as conn:
                row = conn.execute(CODE_BY_HASH, {"hash": hashed, "survey": survey.id}).first()
                if row is None:
                    raise UnknownCode("unknown code")
                if row.status == "spent":
                    raise CodeSpent("this code has already been used")
                if row.status == "started" and row.response_id:
                    resp = conn.execute(RESPONSE_BY_ID, {"rid": row.response_id}).first()
                    if resp is not None and resp.status == "in_progress":
                        return self._handle(resp, survey.slug)
                    raise CodeSpent("this code has already been used")
            # unused: create the response and claim the code, all or nothing
            rid = str(uuid.uuid4())
            tags = dict(row.tags or {})
            if self._claim(survey, row.id, rid, tags):
                return ResponseHandle(rid, survey.slug, "in_progress", None, tags, created=True)
            # Another device won the race: re-read.
        raise StoreError("could not start the response; try again")

    def _claim(self, survey: SurveyInfo, code_id: int, rid: str, tags: Mapping[str, Any]) -> bool:
        """Create response ``rid`` for an unused code and claim the code for
        it, with the group answers the code's tags determine; False (nothing
        created) when another device claimed the code first."""
        prefilled = self._prefilled_groups(survey, tags)
        if self.engine.dialect.name == "postgresql":
            # One autocommit statement claims the code and creates the response.
            with self._one_statement() as conn:
                return conn.execute(START_WITH_CODE_POSTGRESQL, {
                    "code_id": code_id,
                    "rid": rid,
                    "survey_id": survey.id,
                    "group_values": json.dumps(dict(tags)),
                    "day": today(),
                    "item_ids": [item_id for item_id, _code in prefilled],
                    "codes": [code for _item_id, code in prefilled],
                }).scalar_one() == 1
        with self._write() as conn:
            conn.execute(
                INSERT_RESPONSE,
                dict(id=rid, survey_id=survey.id, status="in_progress", group_values=dict(tags), started_on=today()),
            )
            if conn.execute(CLAIM_CODE, {"code_id": code_id, "rid": rid}).rowcount != 1:
                conn.execute(DELETE_RESPONSE, {"rid": rid})  # undo ours
                return False
            if prefilled:
                conn.execute(INSERT_ANSWERS, [
                    dict(response_id=rid, item_id=item_id, position=0, multi=False, code=code, text=None)
                    for item_id, code in prefilled
                ])
        return True

    def _begin_open(self, survey: SurveyInfo, resume_token: str | None) -> ResponseHandle:
        if resume_token:
            hashed = codelib.keyed_hash(self._key, resume_token, "resume")
            with self._quick_read() as conn:
                resp = conn.execute(
                    select(*self._response_columns).where(
                        Response.resume_hash == hashed,
                        Response.survey_id == survey.id,
                        Response.status == "in_progress",
                    )
                ).first()
            if resp is not None:
                return self._handle(resp, survey.slug)
        token = secrets.token_urlsafe(32)
        rid = str(uuid.uuid4())
        with self._write() as conn:
            conn.execute(
                insert(Response).values(
                    id=rid,
                    survey_id=survey.id,
                    status="in_progress",
                    group_values={},
                    started_on=today(),
                    resume_hash=codelib.keyed_hash(self._key, token, "resume"),
                )
            )
        return ResponseHandle(rid, survey.slug, "in_progress", None, {}, created=True, resume_token=token)

    def _prefilled_groups(self, survey: SurveyInfo, tags: Mapping[str, Any]) -> list[tuple[str, int]]:
        """(item id, code) of the group items the code's tags already answer."""
        instrument = self.instrument(survey.instrument_sha256)
        answered = []
        for item in instrument.group_items:
            code = tag_code(instrument, item, survey.presets, tags)
            if code is not None:
                answered.append((item.id, code))
        return answered

    @retried
    def response(self, response_id: str) -> ResponseHandle:
        """The current state of a response."""
        with self._quick_read() as conn:
            row = conn.execute(
                select(*self._response_columns, Survey.slug)
                .join(Survey, Survey.id == Response.survey_id)
                .where(Response.id == str(response_id))
            ).first()
        if row is None:
            raise UnknownResponse(f"no response '{response_id}'")
        return self._handle(row, row.slug)

    @retried
    def answers(self, response_id: str) -> dict[str, AnswerValue]:
        """The saved answers: item id -> code (single, number), text, or list
        of codes (multi, in the order chosen)."""
        # One query: the response LEFT JOIN its answers (no row: unknown id).
        with self._quick_read() as conn:
            rows = conn.execute(ANSWERS, {"rid": str(response_id)}).all()
        if not rows:
            raise UnknownResponse(f"no response '{response_id}'")
        return _collect(rows)

    @retried
    def response_state(self, response_id: str) -> ResponseState:
        """The response, its survey (fresh: a survey closed a moment ago is
        seen closed) and its saved answers, in one query (the response row
        joined to its survey, LEFT JOIN its answers)."""
        with self._quick_read() as conn:
            rows = conn.execute(RESPONSE_STATE, {"rid": str(response_id)}).all()
        if not rows:
            raise UnknownResponse(f"no response '{response_id}'")
        first = rows[0]
        survey = self._survey_info(first, presets=json.loads(first.presets_json or "{}"))
        handle = ResponseHandle(
            id=str(response_id),
            slug=survey.slug,
            status=first.status,
            last_page=first.last_page,
            group_values=json.loads(first.group_values_json or "{}"),
        )
        return ResponseState(handle, survey, _collect(rows))

    @retried
    def save_page(
        self, response_id: str, page_id: str, values: Mapping[str, Any], state: ResponseState | None = None
    ) -> None:
        """Replace the answers of one page's items, all or nothing.

        ``values`` maps item ids of the page (and ``<multi item>_other`` text
        fields) to a code, a number, a text, a list of codes, or None. Items
        of the page missing from ``values`` are cleared (they were hidden),
        except group items already answered from the access code's tags.
        Raises :class:`InvalidAnswer` (nothing changes),
        :class:`AlreadySubmitted` or :class:`UnknownResponse`.

        ``state``: this response's :meth:`response_state`, if the caller has
        just read it; on PostgreSQL it spares a read. The checks use only what
        never changes once a response exists (the survey's instrument and
        presets, the response's group values); whether the response is still
        in progress is checked again as the page is saved.
        """
        rid = str(response_id)
        if not isinstance(page_id, str) or len(page_id) > PAGE_ID_MAX:
            raise InvalidAnswer(f"unknown page '{str(page_id)[:PAGE_ID_MAX]}'")
        if state is not None and state.handle.id != rid:
            raise ValueError("the state given is another response's")
        if self.engine.dialect.name == "postgresql":
            self._save_page_in_one_call(rid, page_id, values, state)
            return
        with self._write() as conn:
            # One statement locks the row, moves last_page and reads what the
            # checks need; a refusal below rolls it back with the rest.
            resp = conn.execute(LOCK_AND_MOVE, {"rid": rid, "page": page_id}).first()
            if resp is None:
                _refuse_save(conn, rid)
            items, rows = self._page_rows(
                rid, page_id, values, resp.instrument_sha256, dict(resp.presets or {}), resp.group_values or {}
            )
            conn.execute(CLEAR_ANSWERS, {"rid": rid, "items": items})
            if rows:
                conn.execute(INSERT_ANSWERS, rows)

    def _save_page_in_one_call(
        self, rid: str, page_id: str, values: Mapping[str, Any], state: ResponseState | None
    ) -> None:
        """PostgreSQL: check first, then save in one autocommit statement
        (see ``SAVE_PAGE_POSTGRESQL``) instead of a four-round-trip transaction."""
        if state is None:
            state = self.response_state(rid)
        if state.handle.status != "in_progress":
            raise AlreadySubmitted("this response has already been submitted")
        items, rows = self._page_rows(
            rid, page_id, values, state.survey.instrument_sha256, state.survey.presets, state.handle.group_values
        )
        with self._one_statement() as conn:
            saved = conn.execute(SAVE_PAGE_POSTGRESQL, {
                "rid": rid,
                "page": page_id,
                "items": items,
                "item_ids": [r["item_id"] for r in rows],
                "positions": [r["position"] for r in rows],
                "multis": [r["multi"] for r in rows],
                "codes": [r["code"] for r in rows],
                "texts": [r["text"] for r in rows],
            }).scalar_one()
            if not saved:
                _refuse_save(conn, rid)

    def _page_rows(
        self,
        rid: str,
        page_id: str,
        values: Mapping[str, Any],
        instrument_sha256: str,
        presets: Mapping[str, Any],
        group_values: Mapping[str, Any],
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """The fields of the page a save replaces and the answer rows of
        ``values``; raises :class:`InvalidAnswer` for an unknown page or field
        or a value the instrument does not allow."""
        instrument = self.instrument(instrument_sha256)
        page = find_page(instrument, page_id)
        locked = {
            item.id
            for item in page.items
            if item.group and tag_code(instrument, item, presets, group_values) is not None
        }
        fields = page_fields(instrument, page)
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise InvalidAnswer(f"item '{unknown[0]}' is not on page '{page_id}'")
        rows: list[dict[str, Any]] = []
        for field_id, item in fields.items():
            if field_id in locked or field_id not in values:
                continue
            rows.extend(answer_rows(rid, field_id, item, values[field_id], presets, instrument))
        return [f for f in fields if f not in locked], rows

    @retried
    def submit(self, response_id: str) -> bool:
        """Submit a response; True only for the call that submitted it.

        Spends the access code and removes every link from the code (and the
        resume token) to the response."""
        params = {"rid": str(response_id), "day": today()}
        if self.engine.dialect.name == "postgresql":
            with self._one_statement() as conn:
                done = conn.execute(SUBMIT_POSTGRESQL, params).scalar_one()
        else:
            with self._write() as conn:
                done = conn.execute(SUBMIT, params).rowcount
                if done == 1:
                    conn.execute(SPEND_CODE, params)
        if done == 1:
            return True
        with self._quick_read() as conn:
            if conn.scalar(RESPONSE_EXISTS, params) is None:
                raise UnknownResponse(f"no response '{response_id}'")
        return False


def _refuse_save(conn: Connection, rid: str) -> NoReturn:
    """Why a response could not be saved: it is unknown or no longer in progress."""
    if conn.scalar(RESPONSE_EXISTS, {"rid": rid}) is None:
        raise UnknownResponse(f"no response '{rid}'")
    raise AlreadySubmitted("this response has already been submitted")


def _collect(rows: Iterable[Any]) -> dict[str, AnswerValue]:
    """The answers in ``rows``, whose last columns are ANSWER_COLUMNS (item
    id, multi, code, text); a row without an answer (the LEFT JOIN's NULLs)
    is skipped. Read by position: a Row's attribute lookup by name cost more
    than the rest of this loop."""
    out: dict[str, AnswerValue] = {}
    for row in rows:
        item_id, multi, code, text = row[-4:]
        if item_id is None:
            continue
        value = code if code is not None else text
        if multi:
            out.setdefault(item_id, []).append(value)  # type: ignore[union-attr]
        else:
            out[item_id] = value
    return out
