"""Use cases of the tickets domain needed by ingest: open tickets for new notes, find them by note."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from service.db import new_id
from service.tickets import workflow
from service.tickets.models import Ticket


@dataclass(frozen=True, slots=True)
class NoteFacts:
    """What routing needs to know about a stored note."""

    note_id: uuid.UUID
    branch_id: uuid.UUID
    concerns: list[str]
    risk: str
    created_at: datetime


def _row(note: NoteFacts) -> dict[str, object]:
    return {
        "id": new_id(),
        "note_id": note.note_id,
        "branch_id": note.branch_id,
        "queue": workflow.route_queue(note.concerns),
        "status": "open",
        "risk": note.risk,
        "concerns": list(note.concerns),
        "created_at": note.created_at,
        "due_at": workflow.due_at(note.risk, note.created_at),
        "first_response_at": None,
        "resolved_at": None,
        "version": 1,
    }


def open_for_notes(*, session: Session, notes: Sequence[NoteFacts]) -> dict[uuid.UUID, uuid.UUID]:
    """Open one ticket per note that needs one, in one bulk insert; flush only. Return note id → ticket id."""
    rows = [_row(note) for note in notes if workflow.needs_ticket(note.concerns, note.risk)]
    if rows:
        session.exec(insert(Ticket), params=rows)
    return {row["note_id"]: row["id"] for row in rows}  # type: ignore[misc]


def open_for_note(*, session: Session, note: NoteFacts) -> uuid.UUID | None:
    """Open a ticket for one note if it raises a concern or carries risk; return its id."""
    return open_for_notes(session=session, notes=[note]).get(note.note_id)


def ticket_ids_for_notes(*, session: Session, note_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Map note ids to the ids of their tickets."""
    ids = list(note_ids)
    if not ids:
        return {}
    rows = session.exec(select(Ticket.note_id, Ticket.id).where(Ticket.note_id.in_(ids))).all()  # type: ignore[attr-defined]
    return {row[0]: row[1] for row in rows}
