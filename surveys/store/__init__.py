"""The storage API the web app, the CLI and the importers use.

One :class:`Store` wraps an SQLAlchemy engine and the secret key that keys
the access-code and resume-token hashes. Every public method runs in its own
short transaction (on PostgreSQL the respondent path's short reads, and its
writes that are one statement, run in autocommit on a twin engine: none
relies on one snapshot, see ``Store.__init__``); write transactions take the
write lock up front on SQLite (``BEGIN IMMEDIATE``) and lock the response row
on PostgreSQL, so concurrent workers queue instead of overwriting each other.
The respondent path needs one read per request (:meth:`Store.response_state`)
and one write per page save: a transaction on SQLite, one call of the
function ``save_page_answers`` (migration 0002) on PostgreSQL.

Concurrency guarantees
----------------------
* ``begin`` with the same code from two devices yields one response: the code
  row moves ``unused -> started`` with a conditional UPDATE; the loser of a
  race creates nothing (PostgreSQL: one statement guarded by the claim) or
  deletes its fresh response (elsewhere) and re-reads the winner's.
* ``submit`` is ``UPDATE ... WHERE status = 'in_progress'``: exactly one call
  sees a changed row and returns True; the others return False.
* ``save_page`` replaces the answers of one page in one transaction and is
  refused once the response is submitted; on any error nothing changes.

Privacy
-------
Submitting clears the link from the access code (and the resume token) to the
response. Dates are kept to the day.

Layout
------
:class:`Store` is composed here from one mixin per concern:
``instruments`` (instrument versions), ``waves`` (surveys), ``codes``
(access codes), ``responses`` (the respondent path), ``results`` (progress
and wave records), ``wave_read`` (a whole wave as a dataset, cached: the
analyst side's one read) and ``bulk_import``; ``transactions`` holds their common
base. ``errors``, ``records``, ``statements``, ``validate`` and ``groups``
hold the exceptions, the frozen records, the prebuilt statements, answer
checking and group-item labels.
"""
from __future__ import annotations

from surveys.store.bulk_import import BulkImportMixin
from surveys.store.codes import MAX_CODES_PER_BATCH, CodesMixin
from surveys.store.errors import (
    AlreadySubmitted,
    CodeSpent,
    InvalidAnswer,
    InvalidRecords,
    InvalidSurvey,
    StoreError,
    SurveyClosed,
    SurveyExists,
    UnknownCode,
    UnknownInstrument,
    UnknownResponse,
    UnknownSurvey,
    InvalidInstrument,
)
from surveys.store.records import (
    AnswerValue,
    CodeBatch,
    InstrumentInfo,
    ResponseHandle,
    ResponseState,
    SurveyInfo,
)
from surveys.store.responses import ResponsesMixin
from surveys.store.results import ResultsMixin
from surveys.store.waves import SLUG_RE

__all__ = [
    "MAX_CODES_PER_BATCH",
    "SLUG_RE",
    "AlreadySubmitted",
    "AnswerValue",
    "CodeBatch",
    "CodeSpent",
    "InstrumentInfo",
    "InvalidAnswer",
    "InvalidInstrument",
    "InvalidRecords",
    "InvalidSurvey",
    "ResponseHandle",
    "ResponseState",
    "Store",
    "StoreError",
    "SurveyClosed",
    "SurveyExists",
    "SurveyInfo",
    "UnknownCode",
    "UnknownInstrument",
    "UnknownResponse",
    "UnknownSurvey",
]


class Store(CodesMixin, ResponsesMixin, ResultsMixin, BulkImportMixin):
    """Surveys, access codes, responses and answers on one database."""
