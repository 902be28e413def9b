"""The job scheduler: the weekly digest (Monday 08:00 Asia/Shanghai by default), the ticket sweep, and the
republication of the trend figures of months that changed.

Run it with `xinsheng schedule` (under a process supervisor, cron @reboot or a compose service), or embedded
in `xinsheng serve` with XINSHENG_SCHEDULER=embedded. Every job is safe to run twice: the digest outbox sends each
(week, scope, channel, recipient) once and the sweep escalates each step once, so a restart never double-sends.
Jobs run through the same command-line functions a person would call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from service.logs import log_event

log = logging.getLogger("xinsheng.scheduler")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def next_weekly_run(now: datetime, *, weekday: int = 0, hour: int = 8, tz: ZoneInfo = SHANGHAI) -> datetime:
    """Return the first moment strictly after `now` that is `weekday` (0 = Monday) at `hour`:00 in `tz`, in UTC."""
    local = now.astimezone(tz)
    candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=(weekday - local.weekday()) % 7)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate.astimezone(UTC)


@dataclass
class Job:
    """A named job and when it runs next."""

    name: str
    run: Callable[[], object]
    next_at: Callable[[datetime], datetime]
    due: datetime | None = None


@dataclass
class Scheduler:
    """Runs each job when it is due; `tick(now)` is the whole clock logic, so tests drive it with fixed times."""

    jobs: list[Job] = field(default_factory=list)

    def tick(self, now: datetime) -> list[str]:
        """Run every job due at `now` and schedule its next run; return the names of the jobs run."""
        ran = []
        for job in self.jobs:
            if job.due is None:
                job.due = job.next_at(now)
            if now >= job.due:
                try:
                    job.run()
                    log_event(log, "scheduler.ran", job=job.name)
                except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
                    log_event(log, "scheduler.failed", job=job.name, error=type(exc).__name__)
                ran.append(job.name)
                job.due = job.next_at(now)
        return ran

    def run_forever(self, stop: threading.Event, poll_s: float = 30.0) -> None:
        """Tick until `stop` is set."""
        while not stop.is_set():
            self.tick(datetime.now(UTC))
            stop.wait(poll_s)


def _cli(*argv: str) -> Callable[[], object]:
    def run() -> object:
        from service.cli.main import main

        return main(list(argv))

    return run


def default_scheduler(
    *, sweep_every: timedelta = timedelta(minutes=15), refresh_every: timedelta = timedelta(minutes=1)
) -> Scheduler:
    """The product's schedule: the weekly digest Monday 08:00 Asia/Shanghai, the ticket sweep every 15 minutes,
    the trend figures of changed months every minute (so readers rarely wait for them)."""
    return Scheduler(
        jobs=[
            Job("digests.send_weekly", _cli("digest", "--send"), next_weekly_run),
            Job("tickets.sweep_overdue", _cli("tickets", "sweep"), lambda now: now + sweep_every),
            Job("trends.refresh", _cli("trends", "refresh"), lambda now: now + refresh_every),
        ]
    )


def start_embedded() -> threading.Event:
    """Start the default scheduler in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=default_scheduler().run_forever, args=(stop,), name="scheduler", daemon=True).start()
    return stop
