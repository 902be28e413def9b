"""Follow-up tickets: one per note that raises a concern or carries risk."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime, new_id, utcnow

QUEUES = ("branch", "hr", "discipline")
STATUSES = ("open", "acknowledged", "in_progress", "waiting", "resolved", "closed", "dismissed")


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint("queue IN ('branch', 'hr', 'discipline')", name="queue_known"),
        CheckConstraint(
            "status IN ('open', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'dismissed')",
            name="status_known",
        ),
        Index("ix_ticket_queue_status", "queue", "status"),
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
