"""Idempotency keys: claim a key with the request's hash, store the outcome (ids only), replay it.

The key row is inserted in the same transaction as the notes it protects, so a key exists exactly when
its notes do. Rows are kept at least `KEEP_FOR`; `purge_expired` removes older ones.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from service.db import utcnow
from service.idempotency.errors import IdempotencyInProgress, IdempotencyKeyReused, InvalidIdempotencyKey
from service.idempotency.models import IdempotencyKey

KEEP_FOR = timedelta(hours=48)  # at least 24 h, as promised to clients
MAX_KEY_LENGTH = 255


def request_hash(endpoint: str, body: Any) -> str:
    """Return the SHA-256 of the endpoint and the canonical JSON of the body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{endpoint}\n{canonical}".encode()).hexdigest()


def check_key(key: str) -> str:
    """Return the key if it is 1–255 printable ASCII characters, else raise a 422 error."""
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(ch) <= 126 for ch in key):
        raise InvalidIdempotencyKey("Idempotency-Key header: 1–255 printable ASCII characters without spaces")
    return key


@dataclass(frozen=True)
class Replay:
    """The first outcome of a request seen before: its status and stored ids."""

    status: int
    response: dict[str, Any]


def _existing(*, session: Session, user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    return session.exec(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    ).first()


def _judge(row: IdempotencyKey, digest: str) -> Replay:
    if row.request_hash != digest:
        raise IdempotencyKeyReused(
            "Idempotency-Key header: this key was already used with a different request body (同一幂等键对应不同请求)"
        )
    if row.response_status is None or row.response is None:
        raise IdempotencyInProgress(
            "Idempotency-Key header: a request with this key is still in progress; retry later"
        )
    return Replay(status=row.response_status, response=row.response)


def peek(*, session: Session, user_id: uuid.UUID, key: str, digest: str) -> Replay | None:
    """Return the replay of a finished request with this key, None if unseen; raise on conflict."""
    row = _existing(session=session, user_id=user_id, key=key)
    return _judge(row, digest) if row is not None else None


def claim(
    *, session: Session, user_id: uuid.UUID, key: str, endpoint: str, digest: str
) -> IdempotencyKey | Replay:
    """Insert the key row (flush, no commit), or return the replay of the first request with this key."""
    row = _existing(session=session, user_id=user_id, key=key)
    if row is not None:
        return _judge(row, digest)
    row = IdempotencyKey(user_id=user_id, key=key, endpoint=endpoint, request_hash=digest)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another request with the same key committed in between.
        existing = _existing(session=session, user_id=user_id, key=key)
        if existing is None:  # pragma: no cover - the unique violation was about something else
            raise
        return _judge(existing, digest)
    return row


def complete(*, session: Session, row: IdempotencyKey, status: int, response: dict[str, Any]) -> None:
    """Record the outcome (ids and statuses only) on the claimed key row; flush only."""
    row.response_status = status
    row.response = response
    session.add(row)
    session.flush()


def purge_expired(*, session: Session, keep_for: timedelta = KEEP_FOR) -> int:
    """Delete key rows older than `keep_for` and commit; return how many (job `idempotency.purge`)."""
    result = session.exec(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - keep_for))  # type: ignore[arg-type]
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
