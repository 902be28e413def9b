"""Follow-up tickets, their append-only event history, routing rules and loaded calendar days."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime, new_id, utcnow
from service.notes.models import ConcernPublic, SafeStr
from service.tickets.workflow import QUEUES, STATUSES

__all__ = ["QUEUES", "STATUSES", "Ticket", "TicketEvent", "TicketRoute", "WorkCalendarDay"]


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint("queue IN ('branch', 'hr', 'discipline')", name="queue_known"),
        CheckConstraint(
            "status IN ('open', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'dismissed')",
            name="status_known",
        ),
        Index("ix_ticket_queue_status", "queue", "status"),
        Index("ix_ticket_created_at_id", "created_at", "id"),
        Index("ix_ticket_resolved_at", "resolved_at"),  # tickets resolved in a week (digest)
        Index("ix_ticket_status_due_at", "status", "due_at"),  # open tickets past due (digest)
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    note_id: uuid.UUID = Field(foreign_key="note.id", unique=True)
    branch_id: uuid.UUID = Field(foreign_key="branch.id", index=True)
    queue: str = Field(max_length=20)
    status: str = Field(default="open", max_length=20)
    risk: str = Field(max_length=20)
    concerns: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)
    assignee_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_seconds: int = Field(default=0)
    outcome: str | None = Field(default=None, max_length=10)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalation_level: int = Field(default=0)
    escalated_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the overdue period


class TicketEvent(SQLModel, table=True):
    """One row per change (append-only): who, when, what kind, from, to, why."""

    __tablename__ = "ticket_event"
    __table_args__ = (Index("ix_ticket_event_ticket_id_at", "ticket_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    ticket_id: uuid.UUID = Field(foreign_key="ticket.id")
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")  # None: the system
    kind: str = Field(max_length=20)  # transition | comment | assign | escalate
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, max_length=2000)  # scrubbed
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketRoute(SQLModel, table=True):
    """A routing rule that overrides the default queue of a concern."""

    __tablename__ = "ticket_route"
    __table_args__ = (CheckConstraint("queue IN ('branch', 'hr', 'discipline')", name="queue_known"),)

    concern: str = Field(primary_key=True, max_length=32)
    queue: str = Field(max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WorkCalendarDay(SQLModel, table=True):
    """A holiday or 调休 workday an admin loaded for a year the calendar package does not know."""

    __tablename__ = "work_calendar_day"

    day: date = Field(primary_key=True)
    is_workday: bool
    name: str = Field(default="", max_length=100)
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ---- API models ---------------------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid")


class TransitionCreate(SQLModel):
    model_config = _STRICT  # type: ignore[assignment]

    to: str = Field(max_length=20, description="target status")
    comment: SafeStr | None = Field(default=None, max_length=2000, description="internal; scrubbed")
    outcome: str | None = Field(default=None, max_length=10, description="回访 outcome: 满意/基本满意/不满意")
    reason: SafeStr | None = Field(default=None, max_length=200, description="why dismissed; wrong_tag kept")
    concerns: list[str] | None = Field(
        default=None, max_length=50, description="with reason wrong_tag: the concern codes that apply"
    )


class CommentCreate(SQLModel):
    model_config = _STRICT  # type: ignore[assignment]

    text: SafeStr = Field(min_length=1, max_length=2000, description="internal comment; scrubbed")


class AssignmentCreate(SQLModel):
    model_config = _STRICT  # type: ignore[assignment]

    user: SafeStr | None = Field(max_length=200, description="user name; null unassigns")


class RouteSet(SQLModel):
    model_config = _STRICT  # type: ignore[assignment]

    concern: str = Field(max_length=32)
    queue: str = Field(max_length=20)


class TicketEventPublic(SQLModel):
    id: uuid.UUID
    actor_id: uuid.UUID | None
    kind: str
    from_status: str | None
    to_status: str | None
    reason: str | None
    data: dict[str, Any]
    created_at: datetime


class TicketSummary(SQLModel):
    id: uuid.UUID
    note_id: uuid.UUID
    queue: str
    branch: str
    status: str
    risk: str
    concerns: list[str]
    created_at: datetime
    due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    assignee_id: uuid.UUID | None
    escalation_level: int
    overdue: bool
    version: int


class TicketPublic(TicketSummary):
    note_text: str | None
    note_concerns: list[ConcernPublic]
    note_sentiment: str
    events: list[TicketEventPublic]


class TicketsPublic(SQLModel):
    items: list[TicketSummary]
    next_cursor: str | None


class RoutePublic(SQLModel):
    concern: str
    queue: str
    default: bool


class StatsRow(SQLModel):
    group: str
    month: str
    tickets: int | None
    response_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    suppressed: bool


class StatsPublic(SQLModel):
    group_by: str
    min_group: int
    rows: list[StatsRow]
