"""Background work of the tickets domain: `tickets.sweep_overdue`, the escalation ladder.

Ladder per overdue period (a period is one value of `due_at`): step 1 the branch secretary, step 2 the
unit's admins, step 3 HR. One step per sweep, and step n only once the ticket is n-1 days past due, so a
sweep every few minutes does not race up the ladder. The step is claimed with a guarded UPDATE, so two
sweeps (or one run twice) never escalate twice; a reopened ticket gets a new due time and starts again
only when it is overdue again: no storm. The job takes a time, opens its own session and commits.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import Session, select

from service.accounts.models import Branch, Role, User
from service.db import begin_write, utcnow
from service.logs import log_event
from service.tickets import notify
from service.tickets.models import Ticket, TicketEvent
from service.tickets.queries import RUNNING

log = logging.getLogger("xinsheng.tickets.jobs")

LADDER = ("secretary", "unit_admins", "hr")
STEP_GAP = timedelta(days=1)
BATCH = 100


@dataclass(frozen=True)
class SweepResult:
    overdue: int
    escalated: int


def _recipients(session: Session, ticket: Ticket, step: str) -> list[uuid.UUID]:
    if step == "secretary":
        query = select(User.id).where(User.role == Role.secretary, User.branch_id == ticket.branch_id)
    elif step == "unit_admins":
        branch = session.get(Branch, ticket.branch_id)
        unit_branches = select(Branch.id).where(Branch.unit_id == (branch.unit_id if branch else None))
        query = select(User.id).where(
            User.role == Role.admin,
            or_(User.branch_id.in_(unit_branches), User.branch_id.is_(None)),  # type: ignore[union-attr, attr-defined]
        )
    else:
        query = select(User.id).where(User.role == Role.hr)
    return list(session.exec(query.where(User.is_active == True)).all())  # noqa: E712


def next_step(ticket: Ticket, now: datetime) -> int | None:
    """Return the ladder level (1-3) the ticket should reach now, or None (pure)."""
    if ticket.status not in RUNNING or ticket.due_at >= now:
        return None
    level = ticket.escalation_level if ticket.escalated_due_at == ticket.due_at else 0
    if level >= len(LADDER) or now < ticket.due_at + STEP_GAP * level:
        return None
    return level + 1


def _escalate(
    session: Session, ticket: Ticket, level: int, who: dict[tuple[uuid.UUID, str], list[uuid.UUID]]
) -> bool:
    """Claim step `level` of the ticket's overdue period with a guarded UPDATE and record it; flush only."""
    same_period = ticket.escalated_due_at == ticket.due_at
    claimed = session.exec(  # type: ignore[call-overload]
        update(Ticket)
        .where(
            Ticket.id == ticket.id,
            Ticket.due_at == ticket.due_at,
            and_(Ticket.escalated_due_at == ticket.due_at, Ticket.escalation_level == level - 1)
            if same_period
            else or_(Ticket.escalated_due_at.is_(None), Ticket.escalated_due_at != ticket.due_at),  # type: ignore[union-attr]
        )
        .values(escalation_level=level, escalated_due_at=ticket.due_at)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False  # another sweep, or a transition, got there first
    step = LADDER[level - 1]
    key = (ticket.branch_id, step)
    if key not in who:
        who[key] = _recipients(session, ticket, step)
    data = {
        "level": level,
        "step": step,
        "due_at": ticket.due_at.isoformat(),
        "recipients": [str(u) for u in who[key]],
    }
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind="escalate",
            from_status=ticket.status,
            to_status=ticket.status,
            reason=f"逾期升级第 {level} 级",
            data=data,
        )  # fmt: skip
    )
    return True


def sweep(*, session: Session, now: datetime | None = None) -> SweepResult:
    """Escalate every overdue ticket by at most one step, record the events, and commit (in batches)."""
    now = now or utcnow()
    if session.in_transaction():
        session.commit()
    late = session.exec(
        select(Ticket).where(Ticket.status.in_(RUNNING), Ticket.due_at < now)  # type: ignore[attr-defined]
    ).all()
    due = [(ticket, level) for ticket in late if (level := next_step(ticket, now)) is not None]
    session.commit()  # end the read phase; write in short batches so writers are never held for long
    escalated: list[uuid.UUID] = []
    who: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = {}
    for start in range(0, len(due), BATCH):
        begin_write(session)
        batch = [t.id for t, level in due[start : start + BATCH] if _escalate(session, t, level, who)]
        if batch:
            notify.after_commit(session, batch, kind="escalation")
        session.commit()
        escalated += batch
    log_event(log, "tickets.swept", overdue=len(late), escalated=len(escalated))
    return SweepResult(overdue=len(late), escalated=len(escalated))


def sweep_overdue(*, engine: Engine, now: datetime | None = None) -> SweepResult:
    """The `tickets.sweep_overdue` job: open a session, sweep, commit; safe to run twice."""
    with Session(engine, expire_on_commit=False) as session:
        return sweep(session=session, now=now)
