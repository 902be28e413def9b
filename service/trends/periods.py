"""ISO weeks and calendar months as trend buckets (pure functions, no database).

A week belongs to the month that holds its Thursday (the ISO 8601 rule that also assigns weeks to years),
so every month bucket is a whole number of weeks and month figures equal the sum of their weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
MIN_YEAR, MAX_YEAR = 2000, 2999  # weeks outside these years are input errors, not data


def week_start(day: date) -> date:
    """Return the Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    """Return the ISO week label (`2026-W47`) of a week starting on `monday`."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(label: str) -> date:
    """Return the Monday of an ISO week label like `2026-W47`; raise ValueError when malformed."""
    match = _WEEK.match(label or "")
    if not match:
        raise ValueError("week must look like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"week: year must be between {MIN_YEAR} and {MAX_YEAR}")
    return date.fromisocalendar(year, week, 1)


def month_of_week(monday: date) -> tuple[int, int]:
    """Return the (year, month) a week belongs to: the month of its Thursday."""
    thursday = monday + timedelta(days=3)
    return thursday.year, thursday.month


def weeks_of_month(year: int, month: int) -> list[date]:
    """Return the Mondays of the weeks whose Thursday falls in the month."""
    first = date(year, month, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    out = []
    while thursday.month == month:
        out.append(thursday - timedelta(days=3))
        thursday += timedelta(days=7)
    return out


@dataclass(frozen=True, order=True)
class Period:
    """A trend bucket: an ISO week or a month (a whole number of weeks)."""

    kind: str  # week | month
    start: date  # first Monday
    end: date  # last Sunday
    label: str

    @property
    def weeks(self) -> list[date]:
        return [self.start + timedelta(days=7 * i) for i in range(((self.end - self.start).days + 1) // 7)]


def week_period(monday: date) -> Period:
    return Period("week", monday, monday + timedelta(days=6), week_label(monday))


def month_period(year: int, month: int) -> Period:
    weeks = weeks_of_month(year, month)
    return Period("month", weeks[0], weeks[-1] + timedelta(days=6), f"{year}-{month:02d}")


def periods_between(start: date, end: date, interval: str) -> list[Period]:
    """Return the buckets covering [start, end], widened to whole weeks or whole months."""
    first = week_start(start)
    last = week_start(end)
    if interval == "week":
        out, monday = [], first
        while monday <= last:
            out.append(week_period(monday))
            monday += timedelta(days=7)
        return out
    months: list[tuple[int, int]] = []
    monday = first
    while monday <= last:
        key = month_of_week(monday)
        if not months or months[-1] != key:
            months.append(key)
        monday += timedelta(days=7)
    return [month_period(y, m) for y, m in months]
