"""Pure rules of the ticket workflow: routing, the transition table, due times and the paused clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.tickets.calendar import WorkCalendar
from service.tickets.errors import InvalidTransition, OutcomeRequired, ReasonRequired

QUEUES = ("branch", "hr", "discipline")
STATUSES = ("open", "acknowledged", "in_progress", "waiting", "resolved", "closed", "dismissed")
OUTCOMES = ("满意", "基本满意", "不满意")
REOPENING_OUTCOME = "不满意"
WRONG_TAG = "wrong_tag"

# The explicit transition table: status → statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("acknowledged", "in_progress", "dismissed"),
    "acknowledged": ("in_progress", "waiting", "resolved", "dismissed"),
    "in_progress": ("waiting", "resolved", "dismissed"),
    "waiting": ("in_progress", "resolved", "dismissed"),
    "resolved": ("closed", "in_progress"),
    "closed": (),
    "dismissed": (),
}
ACTIVE = frozenset({"open", "acknowledged", "in_progress", "waiting"})  # the clock runs (waiting: paused)

DEFAULT_ROUTES: dict[str, str] = {"integrity": "discipline", "pay": "hr", "career": "hr", "reform": "hr"}
_QUEUE_RANK = {"discipline": 2, "hr": 1, "branch": 0}  # the most sensitive queue wins
RISKS_NEEDING_TICKET = frozenset({"watch", "urgent"})
URGENT_AFTER = timedelta(hours=4)  # wall clock
WORKING_DAYS = {"watch": 2}
DEFAULT_WORKING_DAYS = 5


def needs_ticket(concerns: Iterable[str], risk: str) -> bool:
    """Return whether a note with these concerns and risk opens a ticket."""
    return bool(list(concerns)) or risk in RISKS_NEEDING_TICKET


def route_queue(concerns: Iterable[str], rules: Mapping[str, str] | None = None) -> str:
    """Return the queue for these concerns under `rules` (concern → queue; unlisted → branch)."""
    table = DEFAULT_ROUTES if rules is None else rules
    queues = [table.get(code, "branch") for code in concerns]
    return max(queues, key=lambda q: _QUEUE_RANK.get(q, 0), default="branch")


def due_at(risk: str, opened_at: datetime, calendar: WorkCalendar | None = None) -> datetime:
    """Return when a ticket is due: urgent +4 h wall clock, watch 2 working days, otherwise 5."""
    if risk == "urgent":
        return opened_at + URGENT_AFTER
    days = WORKING_DAYS.get(risk, DEFAULT_WORKING_DAYS)
    return (calendar or WorkCalendar()).add_working(opened_at, timedelta(days=days))


def allowed_next(status: str) -> tuple[str, ...]:
    """Return the statuses a ticket in `status` may move to."""
    return TRANSITIONS.get(status, ())


def next_status(current: str, to: str, *, outcome: str | None = None, reason: str | None = None) -> str:
    """Return the status a transition leads to, or raise: closing needs a 回访 outcome; 不满意 reopens."""
    if to not in allowed_next(current):
        raise InvalidTransition(current, to, allowed_next(current))
    if outcome is not None and to != "closed":
        raise OutcomeRequired("outcome: only closing records a 回访 outcome (仅关闭时记录回访结果)")
    if to == "closed":
        if outcome not in OUTCOMES:
            raise OutcomeRequired(
                f"outcome: closing requires the 回访 outcome, one of {', '.join(OUTCOMES)} (关闭前须记录回访结果)"
            )
        if outcome == REOPENING_OUTCOME:
            return "in_progress"
    if to == "dismissed" and not (reason and reason.strip()):
        raise ReasonRequired("reason: dismissing requires a reason (驳回须说明理由)")
    return to


@dataclass(frozen=True)
class Clock:
    """The time fields of a ticket that transitions change."""

    risk: str
    due_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    paused_at: datetime | None = None
    paused_seconds: int = 0


def _remaining(clock: Clock, at: datetime, calendar: WorkCalendar) -> timedelta:
    if clock.risk == "urgent":
        return clock.due_at - at
    return calendar.working_between(at, clock.due_at)


def _resume(clock: Clock, now: datetime, calendar: WorkCalendar) -> tuple[datetime, int]:
    assert clock.paused_at is not None
    if clock.due_at <= clock.paused_at:  # already overdue when paused: pausing does not excuse it
        return clock.due_at, clock.paused_seconds
    left = _remaining(clock, clock.paused_at, calendar)
    if clock.risk == "urgent":
        paused = now - clock.paused_at
        return now + left, clock.paused_seconds + int(paused.total_seconds())
    paused = calendar.working_between(clock.paused_at, now)
    return calendar.add_working(now, left), clock.paused_seconds + int(paused.total_seconds())


def advance_clock(clock: Clock, *, current: str, result: str, now: datetime, calendar: WorkCalendar) -> Clock:
    """Return the clock after moving from `current` to `result` at `now` (pure)."""
    first = clock.first_response_at
    if first is None and current == "open" and result != "open":
        first = now
    due, paused_at, paused_seconds = clock.due_at, clock.paused_at, clock.paused_seconds
    if current == "waiting" and paused_at is not None:
        due, paused_seconds = _resume(clock, now, calendar)
        paused_at = None
    if result == "waiting":
        paused_at = now
    resolved = clock.resolved_at
    if result == "resolved" or (result == "closed" and resolved is None):  # a dismissal resolves nothing
        resolved = now
    if current in ("resolved", "closed") and result == "in_progress":  # reopened: a new period
        resolved = None
        due = due_at(clock.risk, now, calendar)
    return Clock(clock.risk, due, first, resolved, paused_at, paused_seconds)
