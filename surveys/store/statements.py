"""The prebuilt statements of the respondent path (and the column lists they share)."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select, update

from surveys.models import AccessCode, Answer, InstrumentVersion, Response, Survey

# The statements every respondent request runs, built once. SQLAlchemy caches
# the compiled SQL either way, but a statement built anew per call costs its
# construction, its cache key and a result-map adaptation each time: for the
# few statements on the hot path that was most of the Python time of a query.
SURVEY_COLUMNS = (
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
RESPONSE_COLUMNS = (Response.id, Response.status, Response.last_page, Response.group_values)
ANSWER_COLUMNS = (Answer.item_id, Answer.multi, Answer.code, Answer.text)
_RID = bindparam("rid")

SURVEY_BY_SLUG = (
    select(*SURVEY_COLUMNS)
    .join(InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256)
    .where(Survey.slug == bindparam("slug"))
)
CODE_BY_HASH = select(AccessCode.id, AccessCode.status, AccessCode.tags, AccessCode.response_id).where(
    AccessCode.code_hash == bindparam("hash"), AccessCode.survey_id == bindparam("survey")
)
RESPONSE_BY_ID = select(*RESPONSE_COLUMNS).where(Response.id == _RID)
INSERT_RESPONSE = insert(Response)
CLAIM_CODE = (
    update(AccessCode)
    .where(AccessCode.id == bindparam("code_id"), AccessCode.status == "unused")
    .values(status="started", response_id=_RID)
)
DELETE_RESPONSE = delete(Response).where(Response.id == _RID)
#: The response, its survey and its answers (LEFT JOIN: a response without
#: answers is one row with NULL answer columns).
RESPONSE_STATE = (
    select(*SURVEY_COLUMNS, Response.status, Response.last_page, Response.group_values, *ANSWER_COLUMNS)
    .select_from(Response)
    .join(Survey, Survey.id == Response.survey_id)
    .join(InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256)
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.id == _RID)
    .order_by(Answer.item_id, Answer.position)
)
ANSWERS = (
    select(Response.id, *ANSWER_COLUMNS)
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.id == _RID)
    .order_by(Answer.item_id, Answer.position)
)
#: save_page's one read, inside its write transaction. PostgreSQL locks the
#: response row only (FOR UPDATE OF responses), never the survey row that
#: every respondent shares; SQLite already holds the write lock.
LOCK_RESPONSE = (
    select(Response.status, Response.group_values, Survey.presets, Survey.instrument_sha256)
    .join(Survey, Survey.id == Response.survey_id)
    .where(Response.id == _RID)
    .with_for_update(of=Response)
)
CLEAR_ANSWERS = delete(Answer).where(
    Answer.response_id == _RID, Answer.item_id.in_(bindparam("items", expanding=True))
)
INSERT_ANSWERS = insert(Answer)
SET_LAST_PAGE = update(Response).where(Response.id == _RID).values(last_page=bindparam("page"))
SUBMIT = (
    update(Response)
    .where(Response.id == _RID, Response.status == "in_progress")
    .values(status="submitted", submitted_on=bindparam("day"), resume_hash=None)
)
SPEND_CODE = update(AccessCode).where(AccessCode.response_id == _RID).values(status="spent", response_id=None)
RESPONSE_EXISTS = select(Response.id).where(Response.id == _RID)
