"""The scheduler: weekly digest Monday 08:00 Asia/Shanghai, ticket sweep every 15 minutes, each run once when due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.scheduler import Job, Scheduler, default_scheduler, next_weekly_run


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 11, 22, 23, 0), utc(2026, 11, 23, 0, 0)),  # Monday 07:00 in Shanghai -> 08:00 the same day
        (utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0)),  # exactly 08:00 Monday -> next week
        (utc(2026, 11, 23, 1, 0), utc(2026, 11, 30, 0, 0)),
        (utc(2026, 11, 26, 12, 0), utc(2026, 11, 30, 0, 0)),
        (utc(2026, 12, 27, 20, 0), utc(2026, 12, 28, 0, 0)),  # Sunday evening in UTC is Monday 04:00 in Shanghai
    ],
)
def test_next_weekly_run_is_monday_eight_in_shanghai(now: datetime, expected: datetime) -> None:
    assert next_weekly_run(now) == expected


def test_a_weekly_job_runs_once_when_due_and_not_again_that_week() -> None:
    runs: list[datetime] = []
    clock = {"now": utc(2026, 11, 20, 0, 0)}
    scheduler = Scheduler([Job("weekly", lambda: runs.append(clock["now"]), next_weekly_run)])
    t = utc(2026, 11, 20, 0, 0)
    while t < utc(2026, 12, 8, 0, 0):
        clock["now"] = t
        scheduler.tick(t)
        t += timedelta(minutes=30)
    assert runs == [utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0), utc(2026, 12, 7, 0, 0)]


def test_a_failing_job_does_not_stop_the_others() -> None:
    ran: list[str] = []

    def boom() -> None:
        raise RuntimeError("smtp down")

    start = utc(2026, 11, 23, 0, 0)
    scheduler = Scheduler(
        [Job("bad", boom, lambda now: now), Job("good", lambda: ran.append("good"), lambda now: now)]
    )
    assert scheduler.tick(start) == ["bad", "good"]
    assert ran == ["good"]


def test_default_schedule_runs_the_real_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.cli.main import main

    monkeypatch.setenv("XINSHENG_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    from service.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["db", "upgrade"]) == 0
        scheduler = default_scheduler()
        assert [job.name for job in scheduler.jobs] == [
            "digests.send_weekly",
            "tickets.sweep_overdue",
            "trends.refresh",
        ]
        sweep, refresh = scheduler.jobs[1], scheduler.jobs[2]
        assert sweep.run() == 0
        assert sweep.next_at(utc(2026, 11, 23, 0, 0)) == utc(2026, 11, 23, 0, 15)
        assert refresh.run() == 0
        assert refresh.next_at(utc(2026, 11, 23, 0, 0)) == utc(2026, 11, 23, 0, 1)
    finally:
        get_settings.cache_clear()
