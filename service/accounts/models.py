"""Units (a tree), branches, users and their API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime, new_id, utcnow


class Role(StrEnum):
    secretary = "secretary"
    hr = "hr"
    discipline = "discipline"
    admin = "admin"


ROLE_CODES = tuple(role.value for role in Role)


class Unit(SQLModel, table=True):
    __tablename__ = "unit"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Branch(SQLModel, table=True):
    __tablename__ = "branch"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    unit_id: uuid.UUID = Field(foreign_key="unit.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role IN ('secretary', 'hr', 'discipline', 'admin')",
            name="role_known",
        ),
        CheckConstraint("role <> 'secretary' OR branch_id IS NOT NULL", name="secretary_has_branch"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=200, unique=True, index=True)
    role: str = Field(max_length=20)
    branch_id: uuid.UUID | None = Field(default=None, foreign_key="branch.id", index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(
        max_length=64, unique=True, index=True
    )  # SHA-256 hex; the token itself is never kept
    prefix: str = Field(max_length=12)  # first characters, to tell tokens apart in listings
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
