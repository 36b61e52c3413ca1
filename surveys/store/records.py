"""The frozen records the store hands out (instrument versions, surveys,
responses, code batches) and the type of one saved answer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

AnswerValue = int | str | list[int]


@dataclass(frozen=True)
class InstrumentInfo:
    sha256: str
    instrument_id: str
    version: str
    registered_on: dt.date
    #: False for a draft (uploaded, previewable, not usable by a wave yet).
    published: bool = True
    #: "yaml" or "xlsform" when uploaded in the workspace.
    source_format: str | None = None
    #: The version it was published after (what changed is shown against it).
    previous_sha256: str | None = None


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
    #: The survey year (e.g. 2014): "previous wave" means the latest year before.
    year: int = 0


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
