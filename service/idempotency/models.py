"""Idempotency keys: one row per (user, key), written in the same transaction as what it protects."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime, new_id, utcnow


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id")
    key: str = Field(max_length=255)
    endpoint: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    # Ids and outcomes only, never text: the response is rebuilt from stored rows.
    response_status: int | None = Field(default=None)
    response: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
