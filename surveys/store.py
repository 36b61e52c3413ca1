"""The storage API the web app, the CLI and the importers use.

One :class:`Store` wraps an SQLAlchemy engine and the secret key that keys
the access-code and resume-token hashes. Every public method runs in its own
short transaction (on PostgreSQL the respondent path's short reads run in
autocommit: none relies on one snapshot, see ``Store.__init__``); write transactions
take the write lock up front on SQLite (``BEGIN IMMEDIATE``) and lock the
response row on PostgreSQL, so concurrent workers queue instead of
overwriting each other. The respondent path needs one read per request
(:meth:`Store.response_state`) and one write transaction per page save.

Concurrency guarantees
----------------------
* ``begin`` with the same code from two devices yields one response: the code
  row moves ``unused -> started`` with a conditional UPDATE; the loser of a
  race rolls back its fresh response and re-reads the winner's.
* ``submit`` is ``UPDATE ... WHERE status = 'in_progress'``: exactly one call
  sees a changed row and returns True; the others return False.
* ``save_page`` replaces the answers of one page in one transaction and is
  refused once the response is submitted; on any error nothing changes.

Privacy
-------
Submitting clears the link from the access code (and the resume token) to the
response. Dates are kept to the day.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from surveys import codes as codelib
from surveys.db import writer
from surveys.models import AccessCode, Answer, InstrumentVersion, Response, Survey

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Item, Page

AnswerValue = int | str | list[int]
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MAX_CODES_PER_BATCH = 10_000


# --------------------------------------------------------------------- errors
class StoreError(Exception):
    """Base of every storage error; ``str(err)`` is a one-line message."""


class UnknownInstrument(StoreError):
    """No instrument version with that sha256 is registered."""


class UnknownSurvey(StoreError):
    """No survey (wave) with that slug."""


class SurveyExists(StoreError):
    """A survey with that slug already exists."""


class InvalidSurvey(StoreError):
    """Bad slug, mode, presets or code count."""


class SurveyClosed(StoreError):
    """The survey does not accept answers now."""


class UnknownCode(StoreError):
    """The code is not one of this survey's codes (or not a code at all)."""


class CodeSpent(StoreError):
    """The code was already used for a submitted response."""


class UnknownResponse(StoreError):
    """No response with that id."""


class AlreadySubmitted(StoreError):
    """The response is submitted; its answers can no longer change."""


class InvalidAnswer(StoreError):
    """A value does not fit the item (unknown item, code outside the scale...)."""


class InvalidRecords(StoreError):
    """``import_responses``: some records are invalid; nothing was imported.

    ``errors`` lists every problem as ``record N: item 'x': message``."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(errors[0] + more)


# -------------------------------------------------------------- value objects
@dataclass(frozen=True)
class InstrumentInfo:
    sha256: str
    instrument_id: str
    version: str
    registered_on: dt.date


@dataclass(frozen=True)
class SurveyInfo:
    id: int
    slug: str
    label: str
    mode: str
    is_open: bool
    presets: dict[str, list[str]]
    created_on: dt.date
    instrument_sha256: str
    instrument_id: str
    instrument_version: str


@dataclass(frozen=True)
class ResponseHandle:
    """A response being answered. ``resume_token`` is set only when an
    open-link response was just created: hand it to the respondent (signed
    cookie); only its keyed hash is stored."""

    id: str
    slug: str
    status: str
    last_page: str | None
    group_values: dict[str, Any] = field(default_factory=dict)
    created: bool = False
    resume_token: str | None = None


@dataclass(frozen=True)
class ResponseState:
    """What a respondent's request needs, read in one query by
    :meth:`Store.response_state`: the response, its survey as it is now
    (``survey.is_open`` fresh from the database) and the saved answers."""

    handle: ResponseHandle
    survey: SurveyInfo
    answers: dict[str, AnswerValue]


@dataclass(frozen=True)
class CodeBatch:
    batch_id: str
    tags: dict[str, Any]
    unused: int
    started: int
    spent: int

    @property
    def issued(self) -> int:
        return self.unused + self.started + self.spent


def _today() -> dt.date:
    return dt.date.today()


# ----------------------------------------------------- respondent statements
# The statements every respondent request runs, built once. SQLAlchemy caches
# the compiled SQL either way, but a statement built anew per call costs its
# construction, its cache key and a result-map adaptation each time: for the
# few statements on the hot path that was most of the Python time of a query.
_SURVEY_COLUMNS = (
    Survey.id,
    Survey.slug,
    Survey.label,
    Survey.mode,
    Survey.is_open,
    Survey.presets,
    Survey.created_on,
    Survey.instrument_sha256,
    InstrumentVersion.instrument_id,
    InstrumentVersion.version,
)
_RESPONSE_COLUMNS = (Response.id, Response.status, Response.last_page, Response.group_values)
_ANSWER_COLUMNS = (Answer.item_id, Answer.multi, Answer.code, Answer.text)
_RID = bindparam("rid")

_SURVEY_BY_SLUG = (
    select(*_SURVEY_COLUMNS)
    .join(InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256)
    .where(Survey.slug == bindparam("slug"))
)
_CODE_BY_HASH = select(AccessCode.id, AccessCode.status, AccessCode.tags, AccessCode.response_id).where(
    AccessCode.code_hash == bindparam("hash"), AccessCode.survey_id == bindparam("survey")
)
_RESPONSE_BY_ID = select(*_RESPONSE_COLUMNS).where(Response.id == _RID)
_INSERT_RESPONSE = insert(Response)
_CLAIM_CODE = (
    update(AccessCode)
    .where(AccessCode.id == bindparam("code_id"), AccessCode.status == "unused")
    .values(status="started", response_id=_RID)
)
_DELETE_RESPONSE = delete(Response).where(Response.id == _RID)
#: The response, its survey and its answers (LEFT JOIN: a response without
#: answers is one row with NULL answer columns).
_RESPONSE_STATE = (
    select(*_SURVEY_COLUMNS, Response.status, Response.last_page, Response.group_values, *_ANSWER_COLUMNS)
    .select_from(Response)
    .join(Survey, Survey.id == Response.survey_id)
    .join(InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256)
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.id == _RID)
    .order_by(Answer.item_id, Answer.position)
)
_ANSWERS = (
    select(Response.id, *_ANSWER_COLUMNS)
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.id == _RID)
    .order_by(Answer.item_id, Answer.position)
)
#: save_page's one read, inside its write transaction. PostgreSQL locks the
#: response row only (FOR UPDATE OF responses), never the survey row that
#: every respondent shares; SQLite already holds the write lock.
_LOCK_RESPONSE = (
    select(Response.status, Response.group_values, Survey.presets, Survey.instrument_sha256)
    .join(Survey, Survey.id == Response.survey_id)
    .where(Response.id == _RID)
    .with_for_update(of=Response)
)
_CLEAR_ANSWERS = delete(Answer).where(
    Answer.response_id == _RID, Answer.item_id.in_(bindparam("items", expanding=True))
)
_INSERT_ANSWERS = insert(Answer)
_SET_LAST_PAGE = update(Response).where(Response.id == _RID).values(last_page=bindparam("page"))
_SUBMIT = (
    update(Response)
    .where(Response.id == _RID, Response.status == "in_progress")
    .values(status="submitted", submitted_on=bindparam("day"), resume_hash=None)
)
_SPEND_CODE = update(AccessCode).where(AccessCode.response_id == _RID).values(status="spent", response_id=None)
_RESPONSE_EXISTS = select(Response.id).where(Response.id == _RID)


# ---------------------------------------------------------------------- store
class Store:
    """Surveys, access codes, responses and answers on one database."""

    def __init__(self, engine: Engine, secret_key: bytes):
        if not secret_key:
            raise ValueError("Store needs a non-empty secret key")
        self.engine = engine
        self._writer = writer(engine)
        # PostgreSQL: the respondent path's reads run without BEGIN/ROLLBACK
        # (two round trips fewer). Each of them is one statement, or
        # statements that never relied on one snapshot (READ COMMITTED gives
        # every statement its own snapshot inside a transaction too).
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine
        )
        self._key = secret_key if isinstance(secret_key, bytes) else str(secret_key).encode()
        self._instruments: dict[str, Instrument] = {}

    # -- transactions
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _quick_read(self) -> Iterator[Connection]:
        """A connection for the respondent path's short reads (see __init__)."""
        with self._reader.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    # ------------------------------------------------------------ instruments
    def register_instrument(self, instrument: Instrument, source_yaml: str) -> str:
        """Store an instrument version (idempotent by its sha256); returns the sha256."""
        sha = instrument.sha256
        if not sha:
            raise UnknownInstrument(f"instrument '{instrument.id}' has no sha256; load it with surveys.loader")
        self._instruments[sha] = instrument
        with self._read() as conn:
            if conn.scalar(select(InstrumentVersion.sha256).where(InstrumentVersion.sha256 == sha)):
                return sha
        try:
            with self._write() as conn:
                conn.execute(
                    insert(InstrumentVersion).values(
                        sha256=sha,
                        instrument_id=instrument.id,
                        version=str(instrument.version),
                        source_yaml=source_yaml,
                        registered_on=_today(),
                    )
                )
        except IntegrityError:  # registered concurrently: same content, fine
            pass
        return sha

    def instrument(self, sha256: str) -> Instrument:
        """The parsed instrument version (reparsed from its stored YAML once)."""
        cached = self._instruments.get(sha256)
        if cached is not None:
            return cached
        with self._read() as conn:
            row = conn.execute(
                select(InstrumentVersion.source_yaml, InstrumentVersion.instrument_id).where(
                    InstrumentVersion.sha256 == sha256
                )
            ).first()
        if row is None:
            raise UnknownInstrument(f"no instrument version with sha256 {sha256}")
        from surveys.loader import load_instrument_text

        parsed = load_instrument_text(row.source_yaml, path=f"<stored {row.instrument_id}>")
        self._instruments[sha256] = parsed
        return parsed

    def instrument_source(self, sha256: str) -> str:
        """The YAML text an instrument version was registered with."""
        with self._read() as conn:
            text = conn.scalar(
                select(InstrumentVersion.source_yaml).where(InstrumentVersion.sha256 == sha256)
            )
        if text is None:
            raise UnknownInstrument(f"no instrument version with sha256 {sha256}")
        return text

    def instruments(self) -> list[InstrumentInfo]:
        """Every registered instrument version, by id then version."""
        with self._read() as conn:
            rows = conn.execute(
                select(
                    InstrumentVersion.sha256,
                    InstrumentVersion.instrument_id,
                    InstrumentVersion.version,
                    InstrumentVersion.registered_on,
                ).order_by(InstrumentVersion.instrument_id, InstrumentVersion.version)
            ).all()
        return [InstrumentInfo(r.sha256, r.instrument_id, r.version, r.registered_on) for r in rows]

    # ---------------------------------------------------------------- surveys
    _survey_columns = _SURVEY_COLUMNS

    @staticmethod
    def _survey_info(row: Any) -> SurveyInfo:
        return SurveyInfo(
            id=row.id,
            slug=row.slug,
            label=row.label,
            mode=row.mode,
            is_open=bool(row.is_open),
            presets=dict(row.presets or {}),
            created_on=row.created_on,
            instrument_sha256=row.instrument_sha256,
            instrument_id=row.instrument_id,
            instrument_version=row.version,
        )

    def _survey_query(self):
        return select(*self._survey_columns).join(
            InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256
        )

    def _get_survey(self, conn: Connection, slug: str) -> SurveyInfo:
        row = conn.execute(_SURVEY_BY_SLUG, {"slug": slug}).first()
        if row is None:
            raise UnknownSurvey(f"no survey '{slug}'")
        return self._survey_info(row)

    def create_survey(
        self,
        *,
        slug: str,
        instrument_sha256: str,
        label: str,
        mode: str = "codes",
        presets: Mapping[str, Sequence[str]] | None = None,
        is_open: bool = False,
    ) -> SurveyInfo:
        """Create a wave of an instrument version. ``presets`` maps a group
        name to its list of labels (codes 1..n in list order), e.g. the
        schools; every ``options_from: preset`` group item needs one."""
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            raise InvalidSurvey(
                f"survey slug '{slug}' must be 1-100 lower-case letters, digits or dashes"
            )
        if mode not in ("codes", "open"):
            raise InvalidSurvey(f"survey mode must be 'codes' or 'open', not '{mode}'")
        label = (label or "").strip()
        if not label:
            raise InvalidSurvey("survey label must not be empty")
        clean_presets = self._check_presets(presets or {})
        instrument = self.instrument(instrument_sha256)
        for item in instrument.group_items:
            if item.options_from == "preset" and not clean_presets.get(item.group or item.id):
                raise InvalidSurvey(
                    f"survey needs a preset list for group '{item.group}' (item '{item.id}')"
                )
        try:
            with self._write() as conn:
                if conn.scalar(select(Survey.id).where(Survey.slug == slug)):
                    raise SurveyExists(f"a survey '{slug}' already exists")
                conn.execute(
                    insert(Survey).values(
                        slug=slug,
                        instrument_sha256=instrument_sha256,
                        label=label,
                        mode=mode,
                        is_open=bool(is_open),
                        presets=clean_presets,
                        created_on=_today(),
                    )
                )
        except IntegrityError as exc:
            raise SurveyExists(f"a survey '{slug}' already exists") from exc
        return self.survey(slug)

    @staticmethod
    def _check_presets(presets: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        clean: dict[str, list[str]] = {}
        for group, labels in presets.items():
            if isinstance(labels, (str, bytes)) or not all(
                isinstance(x, str) and x.strip() for x in labels
            ):
                raise InvalidSurvey(f"preset '{group}' must be a list of non-empty labels")
            values = [x.strip() for x in labels]
            if len(set(values)) != len(values):
                raise InvalidSurvey(f"preset '{group}' lists a label twice")
            clean[str(group)] = values
        return clean

    def survey(self, slug: str) -> SurveyInfo:
        """One survey; raises :class:`UnknownSurvey`."""
        with self._quick_read() as conn:
            return self._get_survey(conn, slug)

    def surveys(self) -> list[SurveyInfo]:
        """Every survey, newest first."""
        with self._read() as conn:
            rows = conn.execute(self._survey_query().order_by(Survey.id.desc())).all()
        return [self._survey_info(r) for r in rows]

    def set_open(self, slug: str, is_open: bool) -> None:
        """Open or close a survey for answers."""
        with self._write() as conn:
            done = conn.execute(update(Survey).where(Survey.slug == slug).values(is_open=bool(is_open)))
            if done.rowcount == 0:
                raise UnknownSurvey(f"no survey '{slug}'")

    # ------------------------------------------------------------------ codes
    def issue_codes(self, slug: str, count: int, tags: Mapping[str, Any] | None = None) -> list[str]:
        """Issue ``count`` fresh codes tagged with group values; the clear
        codes are returned this once (only their keyed hashes are stored)."""
        if not isinstance(count, int) or not 1 <= count <= MAX_CODES_PER_BATCH:
            raise InvalidSurvey(f"code count must be between 1 and {MAX_CODES_PER_BATCH}")
        clean_tags = {str(k): (v.strip() if isinstance(v, str) else v) for k, v in (tags or {}).items()}
        for key, value in clean_tags.items():
            if not isinstance(value, (str, int)) or value == "":
                raise InvalidSurvey(f"tag '{key}' must be a non-empty text")
        for _attempt in range(3):
            clear: dict[str, str] = {}
            while len(clear) < count:
                code = codelib.generate_code()
                clear[codelib.code_hash(self._key, code)] = code  # type: ignore[index]
            batch = str(uuid.uuid4())
            try:
                with self._write() as conn:
                    survey = self._get_survey(conn, slug)
                    if survey.mode != "codes":
                        raise InvalidSurvey(f"survey '{slug}' uses an open link, not codes")
                    conn.execute(
                        insert(AccessCode),
                        [
                            dict(code_hash=h, survey_id=survey.id, status="unused", tags=clean_tags, batch_id=batch)
                            for h in clear
                        ],
                    )
                return list(clear.values())
            except IntegrityError:  # a hash collided with an older code: draw again
                continue
        raise StoreError("could not draw unique codes; try again")

    def code_batches(self, slug: str) -> list[CodeBatch]:
        """The code batches of a survey with their tags and counts by status."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            rows = conn.execute(
                select(AccessCode.batch_id, AccessCode.status, func.count(), func.min(AccessCode.id))
                .where(AccessCode.survey_id == survey.id)
                .group_by(AccessCode.batch_id, AccessCode.status)
            ).all()
            counts: dict[str, dict[str, int]] = defaultdict(lambda: {"unused": 0, "started": 0, "spent": 0})
            first: dict[str, int] = {}
            for batch_id, status, n, first_id in rows:
                counts[batch_id][status] = n
                first[batch_id] = min(first.get(batch_id, first_id), first_id)
            tags = dict(
                conn.execute(
                    select(AccessCode.batch_id, AccessCode.tags).where(AccessCode.id.in_(list(first.values())))
                ).all()
            ) if first else {}
        order = sorted(first, key=first.__getitem__)
        return [CodeBatch(b, dict(tags.get(b) or {}), **counts[b]) for b in order]

    # -------------------------------------------------------------- responses
    def begin(self, slug: str, code: str | None = None, resume_token: str | None = None) -> ResponseHandle:
        """Start or resume a response.

        Code mode: an unknown (or malformed) code raises :class:`UnknownCode`,
        a spent one :class:`CodeSpent`, a started one returns the same
        response (whatever device asks). Open mode: a known ``resume_token``
        returns its response; otherwise a new response is created and its
        token returned once in ``ResponseHandle.resume_token`` (a token is
        forgotten when its response is submitted). A closed survey raises
        :class:`SurveyClosed`.
        """
        with self._quick_read() as conn:
            survey = self._get_survey(conn, slug)
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

    _response_columns = _RESPONSE_COLUMNS

    def _begin_with_code(self, survey: SurveyInfo, code: str | None) -> ResponseHandle:
        hashed = codelib.code_hash(self._key, code or "")
        if hashed is None:
            raise UnknownCode("unknown code")
        for _attempt in range(5):
            with self._quick_read() as conn:
                row = conn.execute(_CODE_BY_HASH, {"hash": hashed, "survey": survey.id}).first()
                if row is None:
                    raise UnknownCode("unknown code")
                if row.status == "spent":
                    raise CodeSpent("this code has already been used")
                if row.status == "started" and row.response_id:
                    resp = conn.execute(_RESPONSE_BY_ID, {"rid": row.response_id}).first()
                    if resp is not None and resp.status == "in_progress":
                        return self._handle(resp, survey.slug)
                    raise CodeSpent("this code has already been used")
            # unused: create the response and claim the code in one transaction
            rid = str(uuid.uuid4())
            tags = dict(row.tags or {})
            with self._write() as conn:
                conn.execute(
                    _INSERT_RESPONSE,
                    dict(id=rid, survey_id=survey.id, status="in_progress", group_values=tags, started_on=_today()),
                )
                claimed = conn.execute(_CLAIM_CODE, {"code_id": row.id, "rid": rid}).rowcount
                if claimed == 1:
                    self._prefill_groups(conn, survey, rid, tags)
                else:
                    # Another device won the race: undo our response, re-read.
                    conn.execute(_DELETE_RESPONSE, {"rid": rid})
                    continue
            return ResponseHandle(rid, survey.slug, "in_progress", None, tags, created=True)
        raise StoreError("could not start the response; try again")

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
                    started_on=_today(),
                    resume_hash=codelib.keyed_hash(self._key, token, "resume"),
                )
            )
        return ResponseHandle(rid, survey.slug, "in_progress", None, {}, created=True, resume_token=token)

    def _prefill_groups(self, conn: Connection, survey: SurveyInfo, rid: str, tags: Mapping[str, Any]) -> None:
        """Answer the group items the code's tags already determine."""
        rows = []
        instrument = self.instrument(survey.instrument_sha256)
        for item in instrument.group_items:
            code = _tag_code(instrument, item, survey.presets, tags)
            if code is not None:
                rows.append(dict(response_id=rid, item_id=item.id, position=0, multi=False, code=code, text=None))
        if rows:
            conn.execute(_INSERT_ANSWERS, rows)

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

    def answers(self, response_id: str) -> dict[str, AnswerValue]:
        """The saved answers: item id -> code (single, number), text, or list
        of codes (multi, in the order chosen)."""
        # One query: the response LEFT JOIN its answers (no row: unknown id).
        with self._quick_read() as conn:
            rows = conn.execute(_ANSWERS, {"rid": str(response_id)}).all()
        if not rows:
            raise UnknownResponse(f"no response '{response_id}'")
        return _collect(r for r in rows if r.item_id is not None)

    def response_state(self, response_id: str) -> ResponseState:
        """The response, its survey (fresh: a survey closed a moment ago is
        seen closed) and its saved answers, in one query (the response row
        joined to its survey, LEFT JOIN its answers)."""
        with self._quick_read() as conn:
            rows = conn.execute(_RESPONSE_STATE, {"rid": str(response_id)}).all()
        if not rows:
            raise UnknownResponse(f"no response '{response_id}'")
        first = rows[0]
        survey = self._survey_info(first)
        handle = ResponseHandle(
            id=str(response_id),
            slug=survey.slug,
            status=first.status,
            last_page=first.last_page,
            group_values=dict(first.group_values or {}),
        )
        return ResponseState(handle, survey, _collect(r for r in rows if r.item_id is not None))

    def save_page(self, response_id: str, page_id: str, values: Mapping[str, Any]) -> None:
        """Replace the answers of one page's items in one transaction.

        ``values`` maps item ids of the page (and ``<multi item>_other`` text
        fields) to a code, a number, a text, a list of codes, or None. Items
        of the page missing from ``values`` are cleared (they were hidden),
        except group items already answered from the access code's tags.
        Raises :class:`InvalidAnswer` (nothing changes),
        :class:`AlreadySubmitted` or :class:`UnknownResponse`.
        """
        rid = str(response_id)
        with self._write() as conn:
            # The one read: the response row, locked, with what the checks
            # need from its survey.
            resp = conn.execute(_LOCK_RESPONSE, {"rid": rid}).first()
            if resp is None:
                raise UnknownResponse(f"no response '{response_id}'")
            if resp.status != "in_progress":
                raise AlreadySubmitted("this response has already been submitted")
            presets = dict(resp.presets or {})
            instrument = self.instrument(resp.instrument_sha256)
            page = _find_page(instrument, page_id)
            locked = {
                item.id
                for item in page.items
                if item.group and _tag_code(instrument, item, presets, resp.group_values or {}) is not None
            }
            fields = _page_fields(instrument, page)
            unknown = sorted(set(values) - set(fields))
            if unknown:
                raise InvalidAnswer(f"item '{unknown[0]}' is not on page '{page_id}'")
            rows: list[dict[str, Any]] = []
            for field_id, item in fields.items():
                if field_id in locked or field_id not in values:
                    continue
                rows.extend(_answer_rows(rid, field_id, item, values[field_id], presets, instrument))
            cleared = [f for f in fields if f not in locked]
            conn.execute(_CLEAR_ANSWERS, {"rid": rid, "items": cleared})
            if rows:
                conn.execute(_INSERT_ANSWERS, rows)
            conn.execute(_SET_LAST_PAGE, {"rid": rid, "page": page.id})

    def submit(self, response_id: str) -> bool:
        """Submit a response; True only for the call that submitted it.

        Spends the access code and removes every link from the code (and the
        resume token) to the response."""
        with self._write() as conn:
            rid = {"rid": str(response_id)}
            done = conn.execute(_SUBMIT, {**rid, "day": _today()}).rowcount
            if done == 1:
                conn.execute(_SPEND_CODE, rid)
                return True
            if conn.scalar(_RESPONSE_EXISTS, rid) is None:
                raise UnknownResponse(f"no response '{response_id}'")
            return False

    # ---------------------------------------------------------------- results
    def progress(self, slug: str) -> dict[str, Any]:
        """Counts of a survey (raw: hide small groups when showing them).

        ``{"total": {"started": n, "in_progress": n, "submitted": n},
        "codes": {"issued": n, "unused": n, "started": n, "spent": n},
        "groups": {group: {label: {"started": n, "in_progress": n, "submitted": n}}}}``
        where ``started`` counts every response begun; group labels come from
        the group items' answers, else from the code tags."""
        with self._read() as conn:
            survey = self._get_survey(conn, slug)
            instrument = self.instrument(survey.instrument_sha256)
            group_items = {i.id: i for i in instrument.group_items}
            responses = conn.execute(
                select(Response.id, Response.status, Response.group_values).where(Response.survey_id == survey.id)
            ).all()
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
            labels[rid][item.group or item.id] = _code_label(instrument, item, survey.presets, code)
        total = {"started": 0, "in_progress": 0, "submitted": 0}
        groups: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        for rid, status, tags in responses:
            total["started"] += 1
            total[status] += 1
            values = {str(k): str(v) for k, v in (tags or {}).items()}
            values.update(labels.get(rid, {}))
            for group, label in values.items():
                cell = groups[group].setdefault(label, {"started": 0, "in_progress": 0, "submitted": 0})
                cell["started"] += 1
                cell[status] += 1
        codes = {s: int(code_counts.get(s, 0)) for s in ("unused", "started", "spent")}
        codes["issued"] = sum(codes.values())
        return {"total": total, "codes": codes, "groups": {g: dict(v) for g, v in groups.items()}}

    def wave_records(self, slug: str) -> list[dict[str, Any]]:
        """The submitted responses of a wave, one dict each (one query for
        the responses, one for all their answers: never one per response).

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
                    groups[group] = _code_label(instrument, item, survey.presets, code)
            record["groups"] = groups
            record["submitted_on"] = submitted_on
            records.append(record)
        return records

    def import_responses(self, slug: str, records: Iterable[Mapping[str, Any]]) -> int:
        """Insert already-submitted responses (an earlier wave, demo data) in
        one transaction; returns how many. Records have the shape of
        :meth:`wave_records` (``groups`` and ``submitted_on`` optional; a
        ``submitted_on`` may be a date or ``YYYY-MM-DD``). A group item may be
        given by its label (stored as its code when the label is one of its
        options or presets, else kept as a group label); other keys that are
        not items become group labels (e.g. ``class``). Every item value is
        checked against the instrument; if any record is invalid,
        :class:`InvalidRecords` lists every problem and nothing is stored."""
        survey = self.survey(slug)
        instrument = self.instrument(survey.instrument_sha256)
        fields = _instrument_fields(instrument)
        responses: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        errors: list[str] = []
        for n, record in enumerate(records, start=1):
            rid = str(uuid.uuid4())
            try:
                day = _as_date(record.get("submitted_on"))
            except ValueError as exc:
                errors.append(f"record {n}: submitted_on: {exc}")
                continue
            groups = record.get("groups") or {}
            if not isinstance(groups, Mapping):
                errors.append(f"record {n}: groups must be a mapping")
                continue
            group_values = {str(k): str(v) for k, v in groups.items() if v not in (None, "")}
            responses.append(
                dict(
                    id=rid,
                    survey_id=survey.id,
                    status="submitted",
                    group_values=group_values,
                    started_on=day,
                    submitted_on=day,
                )
            )
            for key, value in record.items():
                if key in ("groups", "submitted_on") or value is None or value == "":
                    continue
                item = fields.get(key)
                if item is not None and item.group and isinstance(value, str):
                    # a group given by its label: its code when the label is known
                    code = _tag_code(instrument, item, survey.presets, {item.group: value})
                    if code is None:
                        group_values.setdefault(item.group, value.strip())
                        continue
                    value = code
                if item is None:
                    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                        group_values.setdefault(key, str(value))  # an extra column, e.g. class
                    else:
                        errors.append(f"record {n}: '{key}': not an item of {instrument.id}")
                    continue
                try:
                    answers.extend(_answer_rows(rid, key, item, value, survey.presets, instrument))
                except InvalidAnswer as exc:
                    errors.append(f"record {n}: {exc}")
        if errors:
            raise InvalidRecords(errors)
        with self._write() as conn:
            for chunk in _chunks(responses, 2000):
                conn.execute(insert(Response), chunk)
            if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
                _copy_answers(conn, answers)
            else:
                for chunk in _chunks(answers, 5000):
                    conn.execute(insert(Answer), chunk)
        return len(responses)


# ------------------------------------------------------------------- helpers
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
        return _today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise ValueError(f"not a date: {value!r}")


def _collect(rows: Iterable[Any]) -> dict[str, AnswerValue]:
    out: dict[str, AnswerValue] = {}
    for row in rows:
        value = row.code if row.code is not None else row.text
        if row.multi:
            out.setdefault(row.item_id, []).append(value)  # type: ignore[union-attr]
        else:
            out[row.item_id] = value
    return out


def _find_page(instrument: Instrument, page_id: str) -> Page:
    for page in instrument.pages:
        if page.id == page_id:
            return page
    raise InvalidAnswer(f"unknown page '{page_id}'")


def _other_field(instrument: Instrument, item: Item) -> str | None:
    scale = instrument.response_scale(item)
    if item.kind == "multi" and scale and any(o.other for o in scale.options):
        return f"{item.id}_other"
    return None


def _page_fields(instrument: Instrument, page: Page) -> dict[str, Item]:
    """Field id -> item for one page (``<id>_other`` maps to its multi item)."""
    fields: dict[str, Item] = {}
    declared = {i.id for i in instrument.items}
    for item in page.items:
        fields[item.id] = item
        other = _other_field(instrument, item)
        # an implicit "other" text field, unless the instrument declares it as an item
        if other and other not in declared:
            fields[other] = item
    return fields


def _instrument_fields(instrument: Instrument) -> dict[str, Item]:
    fields: dict[str, Item] = {}
    for page in instrument.pages:
        fields.update(_page_fields(instrument, page))
    return fields


def _valid_codes(item: Item, presets: Mapping[str, Sequence[str]], instrument: Instrument) -> set[int]:
    if item.options_from == "preset":
        return set(range(1, len(presets.get(item.group or item.id, [])) + 1))
    scale = instrument.response_scale(item)
    return set(scale.codes) if scale else set()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _answer_rows(
    rid: str,
    field_id: str,
    item: Item,
    value: Any,
    presets: Mapping[str, Sequence[str]],
    instrument: Instrument,
) -> list[dict[str, Any]]:
    """Checked answer rows for one field; [] for no answer."""
    base = dict(response_id=rid, item_id=field_id, position=0, multi=False, code=None, text=None)
    if value is None or value == "" or value == []:
        return []
    if field_id != item.id or item.kind == "text":  # free text (incl. "other")
        if not isinstance(value, str):
            raise InvalidAnswer(f"item '{field_id}': expected a text")
        text = value.strip()
        if len(text) > item.max_length:
            raise InvalidAnswer(f"item '{field_id}': text longer than {item.max_length} characters")
        return [dict(base, text=text)] if text else []
    if item.kind == "number":
        if not _is_int(value):
            raise InvalidAnswer(f"item '{field_id}': expected a whole number, got {value!r}")
        if (item.min is not None and value < item.min) or (item.max is not None and value > item.max):
            raise InvalidAnswer(f"item '{field_id}': {value} is outside {item.min}-{item.max}")
        return [dict(base, code=value)]
    codes = _valid_codes(item, presets, instrument)
    if item.kind == "single":
        if not _is_int(value) or value not in codes:
            raise InvalidAnswer(f"item '{field_id}': {value!r} is not one of its response codes")
        return [dict(base, code=value)]
    # multi
    if not isinstance(value, (list, tuple)) or not all(_is_int(v) for v in value):
        raise InvalidAnswer(f"item '{field_id}': expected a list of response codes")
    chosen = list(dict.fromkeys(value))
    bad = [v for v in chosen if v not in codes]
    if bad:
        raise InvalidAnswer(f"item '{field_id}': {bad[0]!r} is not one of its response codes")
    return [dict(base, position=i, multi=True, code=v) for i, v in enumerate(chosen)]


def _tag_code(instrument: Instrument, item: Item, presets: Mapping[str, Sequence[str]], tags: Mapping[str, Any]) -> int | None:
    """The code a group item gets from a code's tags, or None."""
    group = item.group or item.id
    if group not in tags:
        return None
    tag = str(tags[group]).strip().casefold()
    if item.options_from == "preset":
        for i, label in enumerate(presets.get(group, []), start=1):
            if label.casefold() == tag:
                return i
        return None
    scale = instrument.response_scale(item)
    for option in scale.options if scale else ():
        if tag == str(option.code) or any(t.casefold() == tag for t in option.label.values.values()):
            return option.code
    return None


def _code_label(instrument: Instrument, item: Item, presets: Mapping[str, Sequence[str]], code: int) -> str:
    """The Swedish label of a group item's code (preset labels for presets)."""
    if item.options_from == "preset":
        labels = presets.get(item.group or item.id, [])
        return labels[code - 1] if 1 <= code <= len(labels) else str(code)
    scale = instrument.response_scale(item)
    label = scale.label(code) if scale else None
    return label if label is not None else str(code)
