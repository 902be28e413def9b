"""Due times on the Chinese working calendar: holidays, 调休 Saturdays, years without data, loaded years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from service.tickets import calendar as cal
from service.tickets import workflow

CAL = cal.WorkCalendar()


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=cal.BEIJING)


def test_national_day_holiday_is_not_a_working_day() -> None:
    assert not CAL.is_workday(date(2026, 10, 1))  # Thursday, 国庆节
    assert not CAL.is_workday(date(2026, 10, 7))


def test_make_up_saturday_is_a_working_day() -> None:
    assert date(2026, 10, 10).weekday() == 5
    assert CAL.is_workday(date(2026, 10, 10))  # 调休上班


def test_watch_due_time_skips_the_national_day_holiday() -> None:
    opened = bj(2026, 9, 30, 10, 0)  # Wednesday before the holiday
    # Working time: Sep 30 10:00-24:00 (14 h), then Oct 8 (Thu) all day, Oct 9 until 10:00.
    assert workflow.due_at("watch", opened, CAL) == bj(2026, 10, 9, 10, 0)


def test_due_time_counts_the_make_up_saturday() -> None:
    opened = bj(2026, 10, 9, 10, 0)  # Friday; Saturday Oct 10 is a 调休 workday
    assert workflow.due_at("watch", opened, CAL) == bj(2026, 10, 12, 10, 0)  # Monday, not Tuesday


def test_five_working_days_across_a_weekend() -> None:
    opened = bj(2026, 11, 20, 9, 0)  # Friday
    assert workflow.due_at("none", opened, CAL) == bj(2026, 11, 27, 9, 0)


def test_urgent_is_four_hours_wall_clock_even_on_a_holiday() -> None:
    opened = bj(2026, 10, 1, 22, 0)
    assert workflow.due_at("urgent", opened, CAL) == opened + timedelta(hours=4)


def test_opened_on_a_holiday_starts_counting_on_the_next_working_day() -> None:
    opened = bj(2026, 10, 3, 15, 0)  # Saturday in the holiday
    assert workflow.due_at("watch", opened, CAL) == bj(2026, 10, 10, 0, 0)  # Oct 8 + Oct 9 counted


def test_a_year_without_data_falls_back_to_weekends_and_never_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert not cal.package_knows(2099)
    cal._warned_years.discard(2099)
    with caplog.at_level("WARNING", logger="xinsheng.tickets.calendar"):
        due = workflow.due_at("watch", bj(2099, 1, 2, 10, 0), CAL)  # Friday
    assert due == bj(2099, 1, 6, 10, 0)  # Tuesday: only the weekend skipped
    assert any(
        getattr(r, "event", "") == "tickets.calendar_fallback" and r.year == 2099 for r in caplog.records
    )
    assert CAL.source(2099) == "fallback"
    assert CAL.source(2026) == "package"


def test_loaded_days_override_for_their_year() -> None:
    loaded = cal.build([(date(2099, 1, 1), False), (date(2099, 1, 2), False), (date(2099, 1, 3), True)])
    assert loaded.source(2099) == "loaded"
    assert not loaded.is_workday(date(2099, 1, 2))  # a loaded holiday on a Friday
    assert loaded.is_workday(date(2099, 1, 3))  # a loaded 调休 Saturday
    assert loaded.is_workday(date(2099, 1, 5))  # an ordinary Monday
    due = workflow.due_at("watch", bj(2099, 1, 1, 12, 0), loaded)
    assert due == bj(2099, 1, 6, 0, 0)  # Saturday 3rd and Monday 5th counted


def test_working_between_is_the_inverse_of_add_working() -> None:
    start = bj(2026, 9, 29, 17, 30)
    for hours in (1, 7, 30, 100, 240):
        end = CAL.add_working(start, timedelta(hours=hours))
        assert CAL.working_between(start, end) == timedelta(hours=hours)
    assert end.tzinfo is not None and end.utcoffset() == timedelta(0)
    assert end.astimezone(UTC) == end


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no calendar days"),
        ("2027-01-01", "line 1"),
        ("2027-13-01,holiday", "YYYY-MM-DD"),
        ("2027-01-01,party", "holiday or workday"),
    ],
)
def test_calendar_file_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cal.parse_calendar_file(text)


def test_calendar_file_is_parsed() -> None:
    lines = cal.parse_calendar_file("# 2027\n2027-01-01,holiday,元旦\n\n2027-02-06,workday,春节调休\n")
    assert [(line.day, line.is_workday, line.name) for line in lines] == [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 6), True, "春节调休"),
    ]
