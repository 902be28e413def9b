"""Use cases of the tickets domain: open (for ingest), find, list, read, transition, comment, assign.

Writes use optimistic locking: `UPDATE ticket ... WHERE id = :id AND version = :seen`; a writer that
saw an older version changes nothing and gets 412. Every change appends a `ticket_event` row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, select

from nlp import scrub
from service.accounts import service as accounts
from service.accounts.models import User
from service.db import begin_write, new_id, utcnow
from service.errors import shown
from service.notes import service as notes
from service.notes.models import LabelsUpdate
from service.tickets import notify, rules, workflow
from service.tickets.errors import (
    InvalidTicketInput,
    PreconditionRequired,
    StalePrecondition,
)
from service.tickets.models import AssignmentCreate, Ticket, TicketEvent, TransitionCreate
from service.tickets.queries import can_see, get_visible_ticket  # noqa: F401 - re-exported use case


@dataclass(frozen=True, slots=True)
class NoteFacts:
    """What routing needs to know about a stored note."""

    note_id: uuid.UUID
    branch_id: uuid.UUID
    concerns: list[str]
    risk: str
    created_at: datetime


def open_for_notes(*, session: Session, notes: Sequence[NoteFacts]) -> dict[uuid.UUID, uuid.UUID]:
    """Open one ticket per note that needs one, in one bulk insert; flush only. Return note id → ticket id.

    Urgent tickets are announced after the surrounding transaction commits (never before, never text).
    """
    wanted = [note for note in notes if workflow.needs_ticket(note.concerns, note.risk)]
    if not wanted:
        return {}
    table = rules.route_rules(session=session)
    calendar = rules.load_calendar(session=session)
    rows = [
        {
            "id": new_id(),
            "note_id": note.note_id,
            "branch_id": note.branch_id,
            "queue": workflow.route_queue(note.concerns, table),
            "status": "open",
            "risk": note.risk,
            "concerns": list(note.concerns),
            "created_at": note.created_at,
            "due_at": workflow.due_at(note.risk, note.created_at, calendar),
            "version": 1,
            "paused_seconds": 0,
            "escalation_level": 0,
        }
        for note in wanted
    ]
    session.exec(insert(Ticket), params=rows)
    urgent = [row["id"] for row in rows if row["risk"] == "urgent"]
    if urgent:
        notify.after_commit(session, urgent)  # type: ignore[arg-type]
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


def parse_if_match(header: str | None) -> int:
    """Return the version an If-Match header names (`"3"`, `W/"3"` or `3`); raise 428 when missing."""
    if header is None or not header.strip():
        raise PreconditionRequired()
    value = header.strip()
    value = value[2:] if value.startswith("W/") else value
    value = value.strip('"')
    if not value.isdigit() or len(value) > 9:
        raise InvalidTicketInput(f'If-Match: expected the ETag of the ticket, like "3", not {shown(header)}')
    return int(value)


def _scrubbed(text: str | None) -> str | None:
    return scrub(text).text if text and text.strip() else None


def _event(
    *, session: Session, ticket_id: uuid.UUID, actor: User | None, kind: str, **fields: object
) -> None:
    session.add(
        TicketEvent(ticket_id=ticket_id, actor_id=actor.id if actor else None, kind=kind, **fields)  # type: ignore[arg-type]
    )
    session.flush()


def _write(*, session: Session, ticket: Ticket, seen: int, values: dict[str, object]) -> int:
    """Apply `values` if the ticket still has version `seen`; flush only. Return the new version or 412."""
    result = session.exec(  # type: ignore[call-overload]
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == seen)  # type: ignore[arg-type]
        .values(**values, version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        current = session.get(Ticket, ticket.id, populate_existing=True)
        raise StalePrecondition(current.version if current else seen)
    return seen + 1


def _check_seen(ticket: Ticket, seen: int) -> None:
    if ticket.version != seen:
        raise StalePrecondition(ticket.version)


def transition(
    *, session: Session, ticket: Ticket, data: TransitionCreate, actor: User, if_match: str | None
) -> Ticket:
    """Move a ticket to another status under If-Match, record the event, and commit."""
    seen = parse_if_match(if_match)
    if data.to not in workflow.STATUSES:
        raise InvalidTicketInput(
            f"to: unknown status {shown(data.to, 20)}; known: {', '.join(workflow.STATUSES)} (未知的状态)"
        )
    _check_seen(ticket, seen)
    result = workflow.next_status(ticket.status, data.to, outcome=data.outcome, reason=data.reason)
    wrong_tag = data.to == "dismissed" and (data.reason or "").strip() == workflow.WRONG_TAG
    labels = LabelsUpdate(concerns=data.concerns or []) if wrong_tag else None
    if labels is not None:
        notes.check_labels(labels)
    elif data.concerns is not None:
        raise InvalidTicketInput("concerns: only a wrong_tag dismissal corrects the concerns")
    calendar = rules.load_calendar(session=session)
    now = utcnow()
    clock = workflow.advance_clock(
        workflow.Clock(
            ticket.risk, ticket.due_at, ticket.first_response_at, ticket.resolved_at, ticket.paused_at,
            ticket.paused_seconds,
        ),
        current=ticket.status, result=result, now=now, calendar=calendar,
    )  # fmt: skip
    values: dict[str, object] = {
        "status": result,
        "due_at": clock.due_at,
        "first_response_at": clock.first_response_at,
        "resolved_at": clock.resolved_at,
        "paused_at": clock.paused_at,
        "paused_seconds": clock.paused_seconds,
    }
    if data.to == "closed":
        values["outcome"] = data.outcome
    if data.to in ("closed", "dismissed"):
        values["closed_at"] = now if result in ("closed", "dismissed") else None
    session.commit()  # end the read phase
    begin_write(session)
    _write(session=session, ticket=ticket, seen=seen, values=values)
    _event(
        session=session, ticket_id=ticket.id, actor=actor, kind="transition", from_status=ticket.status,
        to_status=result, reason=_scrubbed(data.comment) or _scrubbed(data.reason),
        data={k: v for k, v in {"requested": data.to, "outcome": data.outcome,
                                "reason": _scrubbed(data.reason)}.items() if v},
    )  # fmt: skip
    if labels is not None:
        note = notes.get_note(session=session, note_id=ticket.note_id)
        labels.comment = "工单驳回: 标签有误 (ticket dismissed: wrong tag)"
        notes.correct_labels(session=session, note=note, data=labels, actor=actor, reason="tickets.wrong_tag")
    else:
        session.commit()
    return _reload(session, ticket.id)


def _reload(session: Session, ticket_id: uuid.UUID) -> Ticket:
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    assert ticket is not None
    return ticket


def comment(*, session: Session, ticket: Ticket, text: str, actor: User) -> TicketEvent:
    """Append an internal comment (scrubbed) to the ticket's history, and commit; the ticket is unchanged."""
    if not text.strip():
        raise InvalidTicketInput("text: comment must not be empty (评论不能为空)")
    event = TicketEvent(ticket_id=ticket.id, actor_id=actor.id, kind="comment", reason=_scrubbed(text))
    session.commit()  # end the read phase (SQLite: a read snapshot cannot be upgraded to a writer)
    begin_write(session)
    session.add(event)
    session.commit()
    return event


def assign(
    *, session: Session, ticket: Ticket, data: AssignmentCreate, actor: User, if_match: str | None
) -> Ticket:
    """Assign the ticket to a user (or nobody) under If-Match, record the event, and commit."""
    seen = parse_if_match(if_match)
    _check_seen(ticket, seen)
    assignee = accounts.get_user_by_name(session=session, name=data.user) if data.user else None
    if assignee is not None and not (assignee.is_active and can_see(assignee, ticket)):
        raise InvalidTicketInput("user: this user may not work this ticket (该用户无权处理此工单)")
    session.commit()
    begin_write(session)
    _write(
        session=session, ticket=ticket, seen=seen, values={"assignee_id": assignee.id if assignee else None}
    )
    _event(
        session=session, ticket_id=ticket.id, actor=actor, kind="assign",
        data={"assignee_id": str(assignee.id) if assignee else None},
    )  # fmt: skip
    session.commit()
    return _reload(session, ticket.id)
