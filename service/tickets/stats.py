"""Ticket measures per branch or unit and month (响应率、按时办结率、解决率、满意率), small groups suppressed.

Definitions (per group and month of opening, Beijing time):
- response rate: tickets with a first response / tickets;
- on-time rate: tickets resolved by their due time / tickets whose outcome is known (resolved, or past due);
- resolution rate: tickets resolved or closed (not dismissed) / tickets;
- satisfaction rate: closed with 满意 or 基本满意 / closed with a 回访 outcome.
Groups resting on fewer than MIN_GROUP tickets are suppressed for all but admin, and so is the next
smallest group of the same unit and month when only one would be hidden (no recovery by subtraction).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from service.accounts.models import Branch, Role, Unit, User
from service.db import utcnow
from service.tickets.calendar import BEIJING
from service.tickets.models import StatsPublic, StatsRow, Ticket
from service.tickets.queries import scope

SATISFIED = ("满意", "基本满意")


@dataclass
class _Tally:
    unit: str = ""
    tickets: int = 0
    responded: int = 0
    decided: int = 0
    on_time: int = 0
    resolved: int = 0
    visited: int = 0
    satisfied: int = 0
    members: set[uuid.UUID] = field(default_factory=set)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _stats_scope(user: User):  # type: ignore[no-untyped-def]
    if user.role == Role.hr:
        return Ticket.queue.in_(("branch", "hr"))  # type: ignore[attr-defined]
    return scope(user)


def _count(tally: _Tally, ticket: Ticket, now) -> None:  # type: ignore[no-untyped-def]
    tally.tickets += 1
    tally.responded += ticket.first_response_at is not None
    done = ticket.status in ("resolved", "closed") and ticket.resolved_at is not None
    tally.resolved += done
    if done or ticket.due_at < now:
        tally.decided += 1
        tally.on_time += done and ticket.resolved_at <= ticket.due_at  # type: ignore[operator]
    if ticket.status == "closed" and ticket.outcome:
        tally.visited += 1
        tally.satisfied += ticket.outcome in SATISFIED


def ticket_stats(
    *,
    session: Session,
    user: User,
    group_by: str,
    month_from: str | None,
    month_to: str | None,
    min_group: int,
) -> StatsPublic:
    """Return the four rates per group and month for the tickets the user may see."""
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    branches = {b.id: b for b in session.exec(select(Branch)).all()}
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    now = utcnow()
    for ticket in session.exec(select(Ticket).where(_stats_scope(user))).all():
        month = ticket.created_at.astimezone(BEIJING).strftime("%Y-%m")
        if (month_from and month < month_from) or (month_to and month > month_to):
            continue
        branch = branches.get(ticket.branch_id)
        unit = units.get(branch.unit_id) if branch else None
        unit_code = unit.code if unit else ""
        group = unit_code if group_by == "unit" else (branch.code if branch else "")
        tally = tallies[(group, month)]
        tally.unit = unit_code
        _count(tally, ticket, now)
    hidden = _suppressed(tallies, min_group) if user.role != Role.admin else set()
    rows = []
    for (group, month), t in sorted(tallies.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (group, month) in hidden:
            rows.append(StatsRow(group=group, month=month, tickets=None, response_rate=None, on_time_rate=None,
                                 resolution_rate=None, satisfaction_rate=None, suppressed=True))  # fmt: skip
            continue
        rows.append(
            StatsRow(
                group=group,
                month=month,
                tickets=t.tickets,
                response_rate=_rate(t.responded, t.tickets),
                on_time_rate=_rate(t.on_time, t.decided),
                resolution_rate=_rate(t.resolved, t.tickets),
                satisfaction_rate=_rate(t.satisfied, t.visited),
                suppressed=False,
            )  # fmt: skip
        )
    return StatsPublic(group_by=group_by, min_group=min_group, rows=rows)


def _suppressed(tallies: dict[tuple[str, str], _Tally], min_group: int) -> set[tuple[str, str]]:
    hidden = {key for key, t in tallies.items() if t.tickets < min_group}
    by_unit_month: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key, t in tallies.items():
        by_unit_month[(t.unit, key[1])].append(key)
    for keys in by_unit_month.values():
        small = [k for k in keys if k in hidden]
        shown = sorted((k for k in keys if k not in hidden), key=lambda k: tallies[k].tickets)
        if len(small) == 1 and shown:
            hidden.add(shown[0])  # complementary suppression: no recovery from the unit's total
    return hidden
