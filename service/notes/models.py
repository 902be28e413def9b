"""Notes (scrubbed text and the model's tags), their concern index, and human label corrections."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, StringConstraints, field_validator
from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime, new_id, utcnow


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters (不能包含空字符)")
    return value


# A string the databases can store: PostgreSQL refuses NUL characters in text.
SafeStr = Annotated[str, AfterValidator(_no_nul)]


class Source(StrEnum):
    talk = "talk"
    survey = "survey"


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = (
        CheckConstraint("source IN ('talk', 'survey')", name="source_known"),
        Index("ix_note_created_at_id", "created_at", "id"),
        Index("ix_note_branch_id_occurred_on", "branch_id", "occurred_on"),
        Index("ix_note_occurred_on", "occurred_on"),  # a week's notes org-wide (digest excerpts)
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    branch_id: uuid.UUID = Field(foreign_key="branch.id")
    source: str = Field(max_length=10)
    occurred_on: date
    text: str | None = Field(default=None)  # scrubbed text; None once purged after retention
    text_chars: int = Field(default=0)
    pii: dict[str, int] = Field(default_factory=dict, sa_type=JSON)
    concerns: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    sentiment: str = Field(max_length=20)
    risk: str = Field(max_length=20, index=True)
    model_version: str = Field(max_length=100)
    subject_hmac: str | None = Field(default=None, max_length=64, index=True)
    created_by: uuid.UUID = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    text_purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NoteConcern(SQLModel, table=True):
    """One row per (note, concern code) the model gave: the index that filters and trends query."""

    __tablename__ = "note_concern"

    note_id: uuid.UUID = Field(foreign_key="note.id", primary_key=True, ondelete="CASCADE")
    code: str = Field(max_length=32, primary_key=True, index=True)
    score: float


class NoteLabel(SQLModel, table=True):
    """A human correction kept beside the model's labels; the newest row is the current one."""

    __tablename__ = "note_label"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    note_id: uuid.UUID = Field(foreign_key="note.id", index=True, ondelete="CASCADE")
    concerns: list[str] = Field(default_factory=list, sa_type=JSON)
    sentiment: str | None = Field(default=None, max_length=20)
    risk: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(default=None, max_length=2000)
    labelled_by: uuid.UUID = Field(foreign_key="user_account.id")
    labelled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ---- API models ---------------------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=False)


class NoteCreate(SQLModel):
    """A note as submitted: the text is raw here and never stored as such."""

    model_config = _STRICT  # type: ignore[assignment]

    branch: SafeStr = Field(min_length=1, max_length=64, description="branch code (支部代码)")
    source: Source
    text: SafeStr = Field(description="note text; scrubbed of personal data before anything is stored")
    occurred_on: date = Field(description="date of the talk or survey answer, YYYY-MM-DD")
    subject_ref: SafeStr | None = Field(
        default=None, max_length=200, description="stable id of the member; only its HMAC is kept"
    )

    @field_validator("occurred_on", mode="before")
    @classmethod
    def _iso_date_only(cls, value: Any) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if not isinstance(value, str) or not _is_iso_date(value):
            raise ValueError("must be a date string YYYY-MM-DD (日期格式应为 YYYY-MM-DD)")
        return value


def _is_iso_date(value: str) -> bool:
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class NoteBatchCreate(SQLModel):
    model_config = _STRICT  # type: ignore[assignment]

    notes: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=1000,
        description="up to 1,000 notes, each shaped like the body of POST /api/v1/notes; "
        "each item is validated on its own and refused alone",
        # Document the item shape while each item is still validated on its own (one bad item never fails all).
        schema_extra={"json_schema_extra": {"items": {"$ref": "#/components/schemas/NoteCreate"}}},
    )


class ConcernPublic(SQLModel):
    code: str
    score: float
    evidence: list[str]


class LabelsPublic(SQLModel):
    concerns: list[str]
    sentiment: str | None
    risk: str | None
    comment: str | None
    labelled_by: uuid.UUID
    labelled_at: datetime


class NotePublic(SQLModel):
    id: uuid.UUID
    branch: str
    source: str
    occurred_on: date
    text: str | None
    pii: dict[str, int]
    concerns: list[ConcernPublic]
    sentiment: str
    risk: str
    model_version: str
    ticket_id: uuid.UUID | None
    created_at: datetime
    labels: LabelsPublic | None = None


class NotesPublic(SQLModel):
    items: list[NotePublic]
    next_cursor: str | None


class BatchItemOutcome(SQLModel):
    index: int
    status: str  # stored | refused
    id: uuid.UUID | None = None
    ticket_id: uuid.UUID | None = None
    error: str | None = None
    detail: str | None = None


class BatchOutcome(SQLModel):
    stored: int
    refused: int
    items: list[BatchItemOutcome]


class LabelsUpdate(SQLModel):
    """Human corrections: the concern codes that apply, and optionally sentiment and risk."""

    model_config = _STRICT  # type: ignore[assignment]

    concerns: list[Annotated[SafeStr, StringConstraints(max_length=32)]] = Field(max_length=50)
    sentiment: SafeStr | None = Field(default=None, max_length=32)
    risk: SafeStr | None = Field(default=None, max_length=32)
    comment: SafeStr | None = Field(default=None, max_length=2000)
