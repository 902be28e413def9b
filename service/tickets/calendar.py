"""The Chinese working calendar (weekends, public holidays, 调休 make-up workdays), as pure functions.

Days come from, in order: days an admin loaded for a year (table `work_calendar_day`), the
`chinese_calendar` package (2004–2026 in 1.11; it raises for later years), else weekends only (the
fallback, reported in `/healthz` and logged once per year). Working time accrues during whole working
days in Beijing time; a due time never fails: every path ends in the weekends-only rule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

log = logging.getLogger("xinsheng.tickets.calendar")

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = timedelta(days=1)
_MAX_DAYS = 3660  # a guard: no loop walks further than ten years
_warned_years: set[int] = set()


@lru_cache(maxsize=8192)
def _package_workday(day: date) -> bool | None:
    # The package's answer for a day, or None for a year it has no data for (it raises NotImplementedError).
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    except (NotImplementedError, ImportError):
        return None


def package_knows(year: int) -> bool:
    """Return whether the chinese_calendar package has data for `year`."""
    return _package_workday(date(year, 6, 1)) is not None


@dataclass(frozen=True)
class WorkCalendar:
    """A working calendar: loaded days (date → is_workday) over the package, over weekends only."""

    loaded: Mapping[date, bool] = field(default_factory=dict)
    loaded_years: frozenset[int] = frozenset()

    def source(self, year: int) -> str:
        """Return where the days of `year` come from: loaded, package or fallback."""
        if year in self.loaded_years:
            return "loaded"
        return "package" if package_knows(year) else "fallback"

    def is_workday(self, day: date) -> bool:
        """Return whether `day` is a working day (never raises)."""
        if day in self.loaded:
            return self.loaded[day]
        if day.year not in self.loaded_years:
            known = _package_workday(day)
            if known is not None:
                return known
            _warn_fallback(day.year)
        return day.weekday() < 5

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=BEIJING)

    def add_working(self, start: datetime, amount: timedelta) -> datetime:
        """Return the instant when `amount` of working time has passed after `start`."""
        if amount <= timedelta(0):
            return start
        local = start.astimezone(BEIJING)
        day, remaining = local.date(), amount
        offset = local - self._day_start(day)
        for _ in range(_MAX_DAYS):
            if self.is_workday(day):
                left_today = DAY - offset
                if remaining <= left_today:
                    return (self._day_start(day) + offset + remaining).astimezone(UTC)
                remaining -= left_today
            day, offset = day + DAY, timedelta(0)
        return start + amount  # unreachable in practice; a due time must never fail

    def working_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the working time from `start` to `end` (zero when end is not after start)."""
        if end <= start:
            return timedelta(0)
        a, b = start.astimezone(BEIJING), end.astimezone(BEIJING)
        total, day = timedelta(0), a.date()
        for _ in range(_MAX_DAYS):
            if day > b.date():
                break
            lo = max(a, self._day_start(day))
            hi = min(b, self._day_start(day + DAY))
            if hi > lo and self.is_workday(day):
                total += hi - lo
            day += DAY
        return total


def _warn_fallback(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        log.warning(
            "no holiday data for this year: weekends only",
            extra={"event": "tickets.calendar_fallback", "year": year},
        )


def build(days: Iterable[tuple[date, bool]]) -> WorkCalendar:
    """Build a calendar from loaded (day, is_workday) pairs; their years no longer use the package."""
    loaded = dict(days)
    return WorkCalendar(loaded=loaded, loaded_years=frozenset(d.year for d in loaded))


KINDS = {
    "holiday": False,
    "workday": True,
    "假日": False,
    "节假日": False,
    "休": False,
    "班": True,
    "调休上班": True,
}


@dataclass(frozen=True)
class CalendarLine:
    day: date
    is_workday: bool
    name: str


def parse_calendar_file(text: str) -> list[CalendarLine]:
    """Parse `YYYY-MM-DD,holiday|workday[,name]` lines (# comments, blank lines skipped); raise ValueError."""
    out: list[CalendarLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("\t", ",").split(",")]
        if len(parts) < 2:
            raise ValueError(f"line {number}: expected DATE,holiday|workday[,name] (应为 日期,类型[,名称])")
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            raise ValueError(f"line {number}: date must be YYYY-MM-DD (日期格式应为 YYYY-MM-DD)") from None
        kind = parts[1].lower()
        if kind not in KINDS:
            raise ValueError(f"line {number}: kind must be holiday or workday (类型应为 holiday 或 workday)")
        out.append(
            CalendarLine(day=day, is_workday=KINDS[kind], name=(parts[2] if len(parts) > 2 else "")[:100])
        )
    if not out:
        raise ValueError("the file holds no calendar days (文件中没有日期)")
    return out
