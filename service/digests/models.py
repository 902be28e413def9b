"""The delivery outbox of weekly digests: one row per (week, scope, channel, recipient), sent once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime, new_id, utcnow


class DigestDelivery(SQLModel, table=True):
    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("week", "scope", "channel", "recipient"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    week: str = Field(max_length=10)  # 2026-W47
    scope: str = Field(max_length=64)  # "org" or a unit code
    channel: str = Field(max_length=10)  # email | wecom
    recipient: str = Field(max_length=500)  # address, or the robot's name (never its key)
    status: str = Field(default="pending", max_length=10)  # pending | sending | sent | failed
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # a stale claim may be retaken
    parts_sent: int = Field(default=0)  # WeCom messages already accepted (a resumed send skips them)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
