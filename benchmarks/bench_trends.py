"""Trend queries, the weekly digest and the rollup rebuild on a generated organisation (issue 5 targets).

Fills a fresh database (SQLite file, or a new PostgreSQL schema with --database-url) with an organisation of
5 units and 200 branches (volumes varying 10x), N notes over 2 years written straight into `note` and
`note_concern` (realistic concern mix, no text) and a ticket for every note with a concern (most closed).
Then times:
- the rollup rebuild from those notes (`rebuild_rollups`, what `xinsheng trends rebuild` runs first);
- publishing every month's figures with their suppression (`refresh_published(everything=True)`);
- a year by week, org-wide and by unit, for hr (suppressed) and admin, and the org weekly digest for hr:
  in-process through the service functions, and over HTTP against a real `xinsheng serve` process.
  A query is timed three ways: cold (nothing rendered in the process: its answer and figure caches
  emptied first; in-process only), a new window (a year ending one more week back each time: an answer
  never given, over weeks mostly rendered already) and repeated (the same answer again);
- republishing one month after a change (what the scheduler's minute job, or a reader past the lag, pays).

usage: python benchmarks/bench_trends.py [--notes 1000000] [--repeat 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from _harness import Server
from sqlalchemy import insert, text
from sqlmodel import Session, select

from service import migrate
from service.accounts import service as accounts
from service.accounts.models import Branch, Unit, User
from service.config import Settings
from service.db import make_engine, utcnow
from service.digests import service as digests
from service.notes.models import Note, NoteConcern
from service.taxonomy import CONCERN_CODES
from service.tickets.models import Ticket
from service.trends import service as trends
from service.trends.models import TrendDirty

CONCERN_P = dict(
    zip(CONCERN_CODES, [0.30, 0.25, 0.15, 0.10, 0.12, 0.06, 0.08, 0.05, 0.07, 0.06, 0.04, 0.01], strict=False)
)
SENTIMENT_P = {"positive": 0.2, "neutral": 0.5, "negative": 0.3}
RISK_P = {"none": 0.93, "watch": 0.06, "urgent": 0.01}
START = date(2024, 11, 25)
YEAR_START, YEAR_END = date(2025, 11, 24), date(2026, 11, 22)  # a year by week, 52 weeks
WEEKS = 104


def build_org(session: Session) -> tuple[list[uuid.UUID], dict[str, str]]:
    """5 units, 200 branches; an admin and an hr user, whose API tokens are returned."""
    units = [Unit(code=f"U{i}", name=f"单位{i}") for i in range(5)]
    session.add_all(units)
    session.flush()
    branches = [Branch(code=f"B{i:03d}", name=f"支部{i}", unit_id=units[i % 5].id) for i in range(200)]
    session.add_all(branches)
    session.commit()
    tokens = {
        role: accounts.create_user(session=session, name=f"bench-{role}", role=role).token
        for role in ("admin", "hr")
    }
    return [b.id for b in branches], tokens


def fill_notes(session: Session, branch_ids: list[uuid.UUID], admin: User, n: int, rng: random.Random) -> int:
    """N notes over WEEKS weeks (branch volumes varying 10x), their concern rows and their tickets."""
    weights = [rng.uniform(1, 10) for _ in branch_ids]
    notes, concerns, tickets, made = [], [], [], 0
    codes = list(CONCERN_P)
    for i in range(n):
        note_id = uuid.uuid4()
        branch = rng.choices(branch_ids, weights=weights)[0]
        day = START + timedelta(days=rng.randrange(WEEKS * 7))
        tagged = [c for c in codes if rng.random() < CONCERN_P[c]]
        risk = rng.choices(list(RISK_P), weights=list(RISK_P.values()))[0]
        notes.append(
            {
                "id": note_id,
                "branch_id": branch,
                "source": "talk" if rng.random() < 0.7 else "survey",
                "occurred_on": day,
                "text": None,
                "text_chars": 0,
                "pii": {},
                "concerns": [{"code": c, "score": 0.9, "evidence": []} for c in tagged],
                "sentiment": rng.choices(list(SENTIMENT_P), weights=list(SENTIMENT_P.values()))[0],
                "risk": risk,
                "model_version": "bench",
                "subject_hmac": None,
                "created_by": admin.id,
                "created_at": utcnow(),
                "text_purged_at": None,
            }
        )
        concerns += [{"note_id": note_id, "code": c, "score": 0.9} for c in tagged]
        if tagged or risk != "none":
            created = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=1 + rng.random() * 8)
            done = rng.random() < 0.9 or day < START + timedelta(weeks=WEEKS - 2)
            tickets.append(
                {
                    "id": uuid.uuid4(),
                    "note_id": note_id,
                    "branch_id": branch,
                    "queue": "branch",
                    "status": "closed" if done else "open",
                    "risk": risk,
                    "concerns": tagged,
                    "created_at": created,
                    "due_at": created + timedelta(days=5),
                    "first_response_at": created + timedelta(hours=rng.uniform(1, 48)),
                    "resolved_at": created + timedelta(days=rng.uniform(1, 6)) if done else None,
                    "closed_at": created + timedelta(days=7) if done else None,
                    "outcome": "满意" if done else None,
                }
            )
        if len(notes) == 20_000 or i == n - 1:
            session.execute(insert(Note), notes)
            session.execute(insert(NoteConcern), concerns)
            if tickets:
                session.execute(insert(Ticket), tickets)
            made += len(tickets)
            notes, concerns, tickets = [], [], []
    session.commit()
    return made


def timings(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    """p50 and p95 in ms of `repeat` calls (after one warm-up call, reported apart by the caller)."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return statistics.median(out), out[math.ceil(0.95 * len(out)) - 1]  # nearest-rank p95


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    rng = random.Random(5)
    workdir = Path(tempfile.mkdtemp())
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin_engine = make_engine(args.database_url)
        with admin_engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine=engine)
    settings = Settings(env="test", secret_key="x" * 40, database_url=url)
    with Session(engine, expire_on_commit=False) as session:
        branch_ids, tokens = build_org(session)
        admin = session.exec(select(User).where(User.role == "admin")).one()
        hr = session.exec(select(User).where(User.role == "hr")).one()
        t = time.perf_counter()
        made = fill_notes(session, branch_ids, admin, args.notes, rng)
        print(f"{args.notes:,} notes and {made:,} tickets written in {time.perf_counter() - t:.1f} s")
        if args.database_url:  # as after any bulk load: give the planner its statistics (autovacuum would, later)
            session.execute(text("ANALYZE"))
            session.commit()
        t = time.perf_counter()
        counted = trends.rebuild_rollups(session=session)
        rebuild_s = time.perf_counter() - t
        print(f"rollup rebuild over {counted:,} notes: {rebuild_s:.1f} s")
        t = time.perf_counter()
        months = trends.refresh_published(
            session=session, settings=settings, everything=True, workers=os.cpu_count() or 1
        )
        publish_s = time.perf_counter() - t
        print(
            f"publish {months} months: {publish_s:.1f} s ({publish_s / months:.2f} s a month); "
            f"rebuild + publish {rebuild_s + publish_s:.1f} s"
        )
        for who, user in (("hr", hr), ("admin", admin)):
            for group_by in ("none", "unit"):
                windows = iter(range(1, 10_000))

                def run(g: str = group_by, u: User = user, fresh: bool = True, w: object = windows) -> object:
                    # fresh: a year ending one week earlier each time, an answer never computed before
                    shift = timedelta(weeks=next(w) if fresh else 0)  # type: ignore[call-overload]
                    q = trends.TrendQuery(
                        interval="week", group_by=g, start=YEAR_START - shift, end=YEAR_END - shift
                    )
                    return trends.query_concerns_json(
                        session=session, user=u, settings=settings, query=q, today=date(2026, 11, 25)
                    )

                def cold_run(r=run) -> object:  # noqa: ANN001 - nothing rendered before, in this process
                    trends._ANSWERS.clear()
                    trends._FIGURES.clear()
                    return r(fresh=False)

                cold = timings(cold_run, args.repeat)
                new = timings(run, args.repeat)
                warm = timings(lambda r=run: r(fresh=False), args.repeat)
                print(
                    f"in-process: year by week, group_by={group_by}, {who}: "
                    f"cold p50 {cold[0]:.1f} / p95 {cold[1]:.1f} ms; "
                    f"new window p50 {new[0]:.1f} / p95 {new[1]:.1f} ms; "
                    f"repeated p50 {warm[0]:.1f} / p95 {warm[1]:.1f} ms"
                )
        p50, p95 = timings(
            lambda: digests.build_weekly(session=session, user=hr, settings=settings, week="2026-W47"),
            args.repeat,
        )
        print(f"in-process: weekly digest (org, hr): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        # one month changes: what republishing it costs (the scheduler's minute job, or a reader past the lag)
        with engine.begin() as conn:
            conn.execute(insert(TrendDirty), [{"month": "2026-11", "marked_at": utcnow()}])
        t = time.perf_counter()
        trends.refresh_published(session=session, settings=settings)
        print(f"republish one changed month: {(time.perf_counter() - t) * 1000:.0f} ms")

    server = Server(workdir, database_url=url)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for who in ("hr", "admin"):
                headers = {"Authorization": f"Bearer {tokens[who]}"}
                for group_by in ("none", "unit"):
                    http_windows = iter(range(1, 10_000))  # the server has its own answer cache

                    def get(
                        g: str = group_by, h: dict = headers, fresh: bool = True, w: object = http_windows
                    ) -> None:
                        shift = timedelta(weeks=next(w) if fresh else 0)  # type: ignore[call-overload]
                        params = {
                            "from": str(YEAR_START - shift),
                            "to": str(YEAR_END - shift),
                            "interval": "week",
                            "group_by": g,
                        }
                        assert (
                            http.get("/api/v1/trends/concerns", params=params, headers=h).status_code == 200
                        )

                    get(fresh=False)  # the server process's first request (and the repeated query's first)
                    new = timings(get, args.repeat)
                    warm = timings(lambda f=get: f(fresh=False), args.repeat)
                    print(
                        f"HTTP: year by week, group_by={group_by}, {who}: "
                        f"new window p50 {new[0]:.1f} / p95 {new[1]:.1f} ms; "
                        f"repeated p50 {warm[0]:.1f} / p95 {warm[1]:.1f} ms"
                    )
            headers = {"Authorization": f"Bearer {tokens['hr']}"}

            def digest() -> None:
                r = http.get("/api/v1/digests/weekly", params={"week": "2026-W47"}, headers=headers)
                assert r.status_code == 200, r.text

            p50, p95 = timings(digest, args.repeat)
            print(f"HTTP: weekly digest (org, hr): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    finally:
        server.stop()
        engine.dispose()
    if args.database_url:
        with admin_engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
