"""Trend queries, digest and rollup rebuild on a generated organisation (issue 5 targets).

Fills a fresh database (SQLite file, or a new PostgreSQL schema with --database-url) with an organisation of
5 units and 200 branches, then writes the rollups of N notes over 2 years straight into `trend_rollup`
(realistic concern mix; per-branch volume varies 10x), and R notes straight into `note` for the rebuild.
Times, in-process through the service functions (no HTTP): a year by week org-wide and by unit (hr, so with
suppression; and admin), the weekly digest, and `rebuild_rollups` over the R notes.

usage: python benchmarks/bench_trends.py [--notes 1000000] [--rebuild-notes 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, select

from service import migrate
from service.accounts.models import Branch, Unit, User
from service.config import Settings
from service.db import make_engine, utcnow
from service.digests import service as digests
from service.notes.models import Note
from service.taxonomy import CONCERN_CODES
from service.trends import service as trends
from service.trends.models import TrendRollup

CONCERN_P = dict(
    zip(CONCERN_CODES, [0.30, 0.25, 0.15, 0.10, 0.12, 0.06, 0.08, 0.05, 0.07, 0.06, 0.04, 0.01], strict=False)
)
SENTIMENT_P = {"positive": 0.2, "neutral": 0.5, "negative": 0.3}
RISK_P = {"none": 0.93, "watch": 0.06, "urgent": 0.01}
START = date(2024, 11, 25)
WEEKS = 104


def _binom(rng: random.Random, n: int, p: float) -> int:
    if n > 30:
        return max(0, min(n, round(rng.gauss(n * p, (n * p * (1 - p)) ** 0.5))))
    return sum(rng.random() < p for _ in range(n))


def _split(rng: random.Random, n: int, probs: dict[str, float]) -> dict[str, int]:
    out, left, rest = {}, n, 1.0
    items = list(probs.items())
    for code, p in items[:-1]:
        k = _binom(rng, left, min(1.0, p / rest)) if left else 0
        out[code], left, rest = k, left - k, rest - p
    out[items[-1][0]] = left
    return out


def build_org(session: Session) -> tuple[list[uuid.UUID], User]:
    units = [Unit(code=f"U{i}", name=f"单位{i}") for i in range(5)]
    session.add_all(units)
    session.flush()
    branches = [Branch(code=f"B{i:03d}", name=f"支部{i}", unit_id=units[i % 5].id) for i in range(200)]
    session.add_all(branches)
    admin, hr = User(name="bench-admin", role="admin"), User(name="bench-hr", role="hr")
    session.add_all([admin, hr])
    session.commit()
    return [b.id for b in branches], admin


def fill_rollups(session: Session, branch_ids: list[uuid.UUID], notes: int, rng: random.Random) -> int:
    weights = [rng.uniform(1, 10) for _ in branch_ids]
    per_week = notes / WEEKS
    rows, total = [], 0
    for w in range(WEEKS):
        monday = START + timedelta(weeks=w)
        for bid, weight in zip(branch_ids, weights, strict=True):
            n_branch = _binom(rng, int(per_week * 2), weight / sum(weights) / 2) if per_week else 0
            for source, share in (("talk", 0.7), ("survey", 0.3)):
                n = _binom(rng, n_branch, share)
                if not n:
                    continue
                total += n
                metrics = {"notes": n}
                metrics.update({f"c:{c}": _binom(rng, n, p) for c, p in CONCERN_P.items()})
                metrics.update({f"s:{c}": k for c, k in _split(rng, n, SENTIMENT_P).items()})
                metrics.update({f"r:{c}": k for c, k in _split(rng, n, RISK_P).items()})
                rows += [
                    {"week_start": monday, "branch_id": bid, "source": source, "metric": m, "count": v}
                    for m, v in metrics.items()
                    if v
                ]
        if len(rows) > 50_000:
            session.execute(insert(TrendRollup), rows)
            rows = []
    if rows:
        session.execute(insert(TrendRollup), rows)
    session.commit()
    return total


def fill_notes(
    session: Session, branch_ids: list[uuid.UUID], admin: User, n: int, rng: random.Random
) -> None:
    rows = []
    for i in range(n):
        concerns = [
            {"code": c, "score": 0.9, "evidence": []} for c, p in CONCERN_P.items() if rng.random() < p
        ]
        rows.append(
            {
                "id": uuid.uuid4(),
                "branch_id": rng.choice(branch_ids),
                "source": rng.choice(["talk", "survey"]),
                "occurred_on": START + timedelta(days=rng.randrange(WEEKS * 7)),
                "text": None,
                "text_chars": 0,
                "pii": {},
                "concerns": concerns,
                "sentiment": rng.choice(list(SENTIMENT_P)),
                "risk": rng.choices(list(RISK_P), weights=list(RISK_P.values()))[0],
                "model_version": "bench",
                "subject_hmac": None,
                "created_by": admin.id,
                "created_at": utcnow(),
                "text_purged_at": None,
            }
        )
        if len(rows) == 20_000 or i == n - 1:
            session.execute(insert(Note), rows)
            rows = []
    session.commit()


def timings(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return statistics.median(out), out[min(len(out) - 1, int(0.95 * len(out)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=1_000_000)
    ap.add_argument("--rebuild-notes", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    rng = random.Random(5)
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin_engine = make_engine(args.database_url)
        with admin_engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(args.database_url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    migrate.upgrade(engine=engine)
    settings = Settings(env="test", secret_key="x" * 40, database_url="sqlite://")
    with Session(engine, expire_on_commit=False) as session:
        branch_ids, admin = build_org(session)
        t = time.perf_counter()
        total = fill_rollups(session, branch_ids, args.notes, rng)
        print(f"rollups of {total:,} notes written in {time.perf_counter() - t:.1f} s")
        hr = session.exec(select(User).where(User.role == "hr")).one()
        year = {"start": date(2025, 11, 24), "end": date(2026, 11, 22)}
        for who, user in (("hr", hr), ("admin", admin)):
            for group_by in ("none", "unit"):
                query = trends.TrendQuery(interval="week", group_by=group_by, **year)
                p50, p95 = timings(
                    lambda q=query, u=user: trends.query_concerns(
                        session=session, user=u, settings=settings, query=q, today=date(2026, 11, 25)
                    ),
                    args.repeat,
                )
                print(f"year by week, group_by={group_by}, {who}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        p50, p95 = timings(
            lambda: digests.build_weekly(session=session, user=hr, settings=settings, week="2026-W47"),
            args.repeat,
        )
        print(f"weekly digest (org, hr): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        fill_notes(session, branch_ids, admin, args.rebuild_notes, rng)
        t = time.perf_counter()
        counted = trends.rebuild_rollups(session=session)
        print(f"rebuild over {counted:,} notes: {time.perf_counter() - t:.1f} s")
    if args.database_url:
        engine.dispose()
        with admin_engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
