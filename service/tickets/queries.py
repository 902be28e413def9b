"""Read side of tickets: who sees which ticket, listing with cursor pagination, shaping for the API."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, or_, true
from sqlmodel import Session, select

from service.accounts import service as accounts
from service.accounts.errors import BranchNotFound
from service.accounts.models import Role, User
from service.db import begin_write, utcnow
from service.errors import shown
from service.notes import service as notes
from service.notes.errors import InvalidCursor
from service.notes.models import ConcernPublic
from service.tickets.errors import InvalidTicketInput, TicketNotFound
from service.tickets.models import Ticket, TicketEvent, TicketEventPublic, TicketPublic, TicketSummary
from service.tickets.workflow import QUEUES, STATUSES

RUNNING = ("open", "acknowledged", "in_progress")  # statuses whose clock runs (waiting is paused)


def can_see(user: User, ticket: Ticket) -> bool:
    """Return whether the user may see and work the ticket (secretary: own branch's `branch` queue)."""
    if user.role == Role.admin:
        return True
    if user.role == Role.secretary:
        return ticket.queue == "branch" and ticket.branch_id == user.branch_id
    return (user.role, ticket.queue) in (("hr", "hr"), ("discipline", "discipline"))


def scope(user: User) -> Any:
    """Return the SQL condition selecting the tickets the user may see."""
    if user.role == Role.admin:
        return true()
    if user.role == Role.secretary:
        return and_(Ticket.queue == "branch", Ticket.branch_id == user.branch_id)  # type: ignore[arg-type]
    if user.role in ("hr", "discipline"):
        return Ticket.queue == str(user.role)
    return false()


def get_visible_ticket(*, session: Session, ticket_id: uuid.UUID, user: User) -> Ticket:
    """Return a ticket the user may see; anyone else's ticket is reported as not found."""
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None or not can_see(user, ticket):
        raise TicketNotFound()
    return ticket


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """Return whether the ticket's clock runs and its due time has passed."""
    return ticket.status in RUNNING and ticket.due_at < now


@dataclass(frozen=True)
class TicketFilters:
    queue: str | None = None
    status: str | None = None
    overdue: bool | None = None
    branch: str | None = None


def _cursor(ticket: Ticket) -> str:
    raw = json.dumps([ticket.created_at.isoformat(), str(ticket.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, ticket_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, uuid.UUID(ticket_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("cursor: invalid pagination cursor (分页游标无效)") from None


def list_tickets(
    *, session: Session, user: User, filters: TicketFilters, cursor: str | None, limit: int
) -> tuple[list[Ticket], str | None]:
    """Return a page of the tickets the user may see, newest first, and the next page's cursor."""
    if filters.queue is not None and filters.queue not in QUEUES:
        raise InvalidTicketInput(
            f"queue: unknown queue {shown(filters.queue, 16)}; known: {', '.join(QUEUES)}"
        )
    if filters.status is not None and filters.status not in STATUSES:
        raise InvalidTicketInput(
            f"status: unknown status {shown(filters.status, 16)}; known: {', '.join(STATUSES)}"
        )
    query = select(Ticket).where(scope(user))
    if filters.branch:
        branch = accounts.get_branch_by_code(session=session, code=filters.branch)
        if user.role == Role.secretary and branch.id != user.branch_id:
            raise BranchNotFound(f"branch {shown(filters.branch, 64)} not found (支部不存在)")
        query = query.where(Ticket.branch_id == branch.id)
    if filters.queue:
        query = query.where(Ticket.queue == filters.queue)
    if filters.status:
        query = query.where(Ticket.status == filters.status)
    if filters.overdue is not None:
        late = and_(Ticket.status.in_(RUNNING), Ticket.due_at < utcnow())  # type: ignore[attr-defined]
        query = query.where(late if filters.overdue else ~late)
    if cursor:
        created_at, ticket_id = _decode(cursor)
        query = query.where(
            or_(Ticket.created_at < created_at, and_(Ticket.created_at == created_at, Ticket.id < ticket_id))  # type: ignore[arg-type, operator]
        )
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit + 1)  # type: ignore[attr-defined]
    rows = list(session.exec(query).all())
    next_cursor = _cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def summaries(*, session: Session, tickets: Sequence[Ticket]) -> list[TicketSummary]:
    """Shape tickets for listings (no note text)."""
    codes = accounts.branch_codes(session=session, ids={t.branch_id for t in tickets})
    now = utcnow()
    return [
        TicketSummary(
            **t.model_dump(exclude={"branch_id", "paused_at", "paused_seconds", "escalated_due_at"}),
            branch=codes.get(t.branch_id, ""),
            overdue=is_overdue(t, now),
        )
        for t in tickets
    ]


def events(*, session: Session, ticket_id: uuid.UUID) -> list[TicketEvent]:
    """Return a ticket's history, oldest first."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
    return list(session.exec(query.order_by(TicketEvent.created_at, TicketEvent.id)).all())  # type: ignore[arg-type]


def present(*, session: Session, ticket: Ticket, user: User, reason: str) -> TicketPublic:
    """Shape one ticket with its scrubbed note text, tags and history; write the audit row and commit."""
    summary = summaries(session=session, tickets=[ticket])[0]
    note = notes.get_note(session=session, note_id=ticket.note_id)
    public = TicketPublic(
        **summary.model_dump(),
        note_text=note.text,
        note_concerns=[ConcernPublic(**c) for c in note.concerns or []],
        note_sentiment=note.sentiment,
        events=[
            TicketEventPublic.model_validate(e, from_attributes=True)
            for e in events(session=session, ticket_id=ticket.id)
        ],
    )
    session.commit()  # end the read phase: the audit row is written in a write transaction of its own
    begin_write(session)
    notes.audit_read(session=session, user=user, notes=[note], action="tickets.read", reason=reason)
    return public
