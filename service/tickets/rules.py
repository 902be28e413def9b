"""Rules kept as data: routing (concern → queue) and the loaded working-calendar days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func
from sqlmodel import Session, select

from service.db import utcnow
from service.errors import shown
from service.taxonomy import CONCERN_CODES
from service.tickets import calendar as cal
from service.tickets.errors import InvalidCalendar, InvalidRoute
from service.tickets.models import TicketRoute, WorkCalendarDay
from service.tickets.workflow import DEFAULT_ROUTES, QUEUES


def route_rules(*, session: Session) -> dict[str, str]:
    """Return the routing table in force: the defaults overridden by the admins' rules."""
    rules = dict(DEFAULT_ROUTES)
    for row in session.exec(select(TicketRoute)).all():
        rules[row.concern] = row.queue
    return rules


def set_route(*, session: Session, concern: str, queue: str) -> TicketRoute:
    """Validate and store a routing rule (concern → queue), and commit."""
    if concern not in CONCERN_CODES:
        raise InvalidRoute(
            f"concern: unknown concern code {shown(concern, 16)} (未知的关注类别); known: {', '.join(CONCERN_CODES)}"
        )
    if queue not in QUEUES:
        raise InvalidRoute(
            f"queue: unknown queue {shown(queue, 16)} (未知的队列); known: {', '.join(QUEUES)}"
        )
    row = session.get(TicketRoute, concern)
    if row is None:
        row = TicketRoute(concern=concern, queue=queue)
    else:
        row.queue, row.updated_at = queue, utcnow()
    session.add(row)
    session.commit()
    return row


def load_calendar(*, session: Session) -> cal.WorkCalendar:
    """Return the working calendar with every day an admin loaded."""
    rows = session.exec(select(WorkCalendarDay.day, WorkCalendarDay.is_workday)).all()
    return cal.build((row[0], row[1]) for row in rows)


def load_calendar_year(*, session: Session, text: str) -> tuple[int, int]:
    """Replace the loaded days of the file's year with its lines and commit; return (year, days)."""
    try:
        lines = cal.parse_calendar_file(text)
    except ValueError as exc:
        raise InvalidCalendar(str(exc)) from None
    years = {line.day.year for line in lines}
    if len(years) != 1:
        raise InvalidCalendar("the file must hold the days of one year (文件只能包含同一年的日期)")
    year = years.pop()
    session.exec(
        delete(WorkCalendarDay).where(
            WorkCalendarDay.day >= date(year, 1, 1),
            WorkCalendarDay.day <= date(year, 12, 31),  # type: ignore[arg-type]
        )
    )
    seen: dict[date, cal.CalendarLine] = {line.day: line for line in lines}
    for line in seen.values():
        session.add(WorkCalendarDay(day=line.day, is_workday=line.is_workday, name=line.name))
    session.commit()
    return year, len(seen)


@dataclass(frozen=True)
class CalendarStatus:
    status: str  # ok | fallback
    years_without_data: list[int]


def calendar_status(*, session: Session, today: date | None = None) -> CalendarStatus:
    """Report whether this year and next have holiday data (loaded or packaged) or fall back to weekends."""
    today = today or utcnow().date()
    loaded = {
        int(y)
        for y in session.exec(select(func.distinct(func.extract("year", WorkCalendarDay.day)))).all()
        if y is not None
    }
    missing = [y for y in (today.year, today.year + 1) if y not in loaded and not cal.package_knows(y)]
    return CalendarStatus(status="fallback" if missing else "ok", years_without_data=missing)
