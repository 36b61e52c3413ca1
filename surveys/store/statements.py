"""The prebuilt statements of the respondent path (and the column lists they share)."""
from __future__ import annotations

from sqlalchemy import Text, bindparam, cast, delete, insert, literal_column, null, select, text, union_all, update

from surveys.models import AccessCode, Answer, InstrumentVersion, Response, Survey

# The statements every respondent request runs, built once at import (why:
# docs/performance.md).
SURVEY_COLUMNS = (
    Survey.id,
    Survey.slug,
    Survey.label,
    Survey.mode,
    Survey.is_open,
    Survey.presets,
    Survey.created_on,
    Survey.year,
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
#: The response with its survey (one row, first) and then its answers (one
#: row each), in one query: a UNION ALL that sends the survey's columns, its
#: presets and the group values once (docs/performance.md). The JSON columns come
#: as text, decoded by the caller. Every row ends in ANSWER_COLUMNS (NULL in
#: the first); the first part's typed NULLs give the answer columns their types.
_STATE_INFO = (
    *(c for c in SURVEY_COLUMNS if c is not Survey.presets),
    cast(Survey.presets, Text).label("presets_json"),
    Response.status,
    Response.last_page,
    cast(Response.group_values, Text).label("group_values_json"),
)
RESPONSE_STATE = union_all(
    select(
        literal_column("0").label("part"),
        *_STATE_INFO,
        cast(null(), Answer.position.type).label("position"),
        *(cast(null(), c.type).label(c.key) for c in ANSWER_COLUMNS),
    )
    .select_from(Response)
    .join(Survey, Survey.id == Response.survey_id)
    .join(InstrumentVersion, InstrumentVersion.sha256 == Survey.instrument_sha256)
    .where(Response.id == _RID),
    select(
        literal_column("1"),
        *(null() for _ in _STATE_INFO),
        Answer.position,
        *ANSWER_COLUMNS,
    ).where(Answer.response_id == _RID),
).order_by(text("part"), text("item_id"), text("position"))
ANSWERS = (
    select(Response.id, *ANSWER_COLUMNS)
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.id == _RID)
    .order_by(Answer.item_id, Answer.position)
)
#: save_page's first statement outside PostgreSQL (which calls
#: save_page_answers instead): moves the response's last page and returns what
#: the checks need, in one round trip, inside the write transaction (SQLite
#: already holds the write lock); a response no longer in progress returns
#: nothing. Its survey's columns come from correlated subqueries: SQLite's
#: RETURNING may not name a joined table.


def _of_survey(column):  # -> ScalarSelect
    return select(column).where(Survey.id == Response.survey_id).correlate(Response).scalar_subquery()


LOCK_AND_MOVE = (
    update(Response)
    .where(Response.id == _RID, Response.status == "in_progress")
    .values(last_page=bindparam("page"))
    .returning(
        Response.group_values,
        _of_survey(Survey.presets).label("presets"),
        _of_survey(Survey.instrument_sha256).label("instrument_sha256"),
    )
)
CLEAR_ANSWERS = delete(Answer).where(
    Answer.response_id == _RID, Answer.item_id.in_(bindparam("items", expanding=True))
)
INSERT_ANSWERS = insert(Answer)
#: PostgreSQL: save_page as one statement in autocommit, a call of the
#: function ``save_page_answers`` (migration 0002): it locks the response,
#: moves its last page and replaces the page's answers, and returns false
#: (changing nothing) for a response that is not in progress. The rows come
#: as arrays, so the SQL text never changes and the server keeps it prepared.
SAVE_PAGE_POSTGRESQL = text(
    "SELECT save_page_answers(:rid, :page, CAST(:items AS varchar[]), CAST(:item_ids AS varchar[]), "
    "CAST(:positions AS integer[]), CAST(:multis AS boolean[]), CAST(:codes AS integer[]), "
    "CAST(:texts AS text[]))"
)
#: PostgreSQL: claim an unused code and create its response with the group
#: answers the code's tags determine, as one statement (its own transaction).
#: The claim is the guard: a code another device claimed first matches no
#: row, and then nothing is inserted. Returns 1 when the code was claimed.
#: (The foreign keys between the new rows are checked at the statement's end.)
START_WITH_CODE_POSTGRESQL = text(
    """
    WITH claimed AS (
        UPDATE access_codes SET status = 'started', response_id = :rid
        WHERE id = :code_id AND status = 'unused'
        RETURNING id
    ), created AS (
        INSERT INTO responses (id, survey_id, status, group_values, started_on)
        SELECT :rid, :survey_id, 'in_progress', CAST(:group_values AS json), :day
        FROM claimed
        RETURNING id
    ), prefilled AS (
        INSERT INTO answers (response_id, item_id, position, multi, code, text)
        SELECT created.id, g.item_id, 0, false, g.code, NULL
        FROM created, unnest(CAST(:item_ids AS varchar[]), CAST(:codes AS integer[])) AS g(item_id, code)
    )
    SELECT count(*) FROM claimed
    """
)
SUBMIT = (
    update(Response)
    .where(Response.id == _RID, Response.status == "in_progress")
    .values(status="submitted", submitted_on=bindparam("day"), resume_hash=None)
)
#: PostgreSQL: SUBMIT and SPEND_CODE as one statement (its own transaction).
#: Returns 1 for the call that submitted, 0 otherwise. The code's UPDATE
#: runs to completion although nothing reads it.
SUBMIT_POSTGRESQL = text(
    """
    WITH done AS (
        UPDATE responses SET status = 'submitted', submitted_on = :day, resume_hash = NULL
        WHERE id = :rid AND status = 'in_progress'
        RETURNING id
    ), spent AS (
        UPDATE access_codes SET status = 'spent', response_id = NULL
        WHERE response_id IN (SELECT id FROM done)
    )
    SELECT count(*) FROM done
    """
)
SPEND_CODE = update(AccessCode).where(AccessCode.response_id == _RID).values(status="spent", response_id=None)
RESPONSE_EXISTS = select(Response.id).where(Response.id == _RID)
