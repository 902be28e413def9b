"""Record reads and changes of note text (helpers flush; the calling use case commits)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import Session, select

from service.audit.models import AuditEvent


def record(
    *, session: Session, user_id: uuid.UUID, action: str, note_ids: Iterable[uuid.UUID], reason: str
) -> AuditEvent:
    """Add an audit row naming the user, the notes and why; flush only."""
    event = AuditEvent(
        user_id=user_id,
        action=action,
        note_ids=[str(note_id) for note_id in note_ids],
        reason=(reason or action)[:500],
    )
    session.add(event)
    session.flush()
    return event


def events_for_note(*, session: Session, note_id: uuid.UUID) -> list[AuditEvent]:
    """Return the audit rows that mention a note, oldest first (scans; for tests and admin use)."""
    rows = session.exec(select(AuditEvent).order_by(AuditEvent.created_at)).all()  # type: ignore[arg-type]
    return [row for row in rows if str(note_id) in row.note_ids]
