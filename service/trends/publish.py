"""Published trend figures: each month family's cells, with their suppression decided once, stored for reads.

Suppression depends only on one month family's data (see `cube`), so it is computed per family when the
family's rollups change and stored as one JSON block per (month, group, source). A trend query then reads
a few blocks (a year org-wide: 13) instead of rolling up every branch row and suppressing on every request.

Freshness: ingest and label corrections add a `trend_dirty` row for each month they touch, in their own
transaction. A refresh reads the dirty marks, then the rollups (so it sees at least what those marks stand
for), computes outside any write transaction, and in a short write transaction replaces the family's blocks
and deletes exactly the marks it read; marks added meanwhile stay for the next refresh. A reader serves a
family as published while its oldest unpublished change is younger than `max_lag_s`, and otherwise (or when
the family was never published, or K or the organisation tree changed) refreshes it first.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from service.db import begin_write, utcnow
from service.trends import cube as cubes
from service.trends.models import TrendBlock, TrendDirty, TrendFamily, TrendRollup
from service.trends.periods import month_of_week, month_period, week_label, weeks_of_month
from service.trends.tree import ORG, Group, OrgTree

SOURCES_ALL = ("all", *cubes.SOURCES)


def month_label(monday: object) -> str:
    """The month family (`2026-11`) of the week starting on `monday`."""
    year, month = month_of_week(monday)  # type: ignore[arg-type]
    return f"{year}-{month:02d}"


def family_of(month: str) -> cubes.Family:
    year, mon = int(month[:4]), int(month[5:7])
    mondays = weeks_of_month(year, mon)
    return cubes.Family(month_period(year, mon).label, [week_label(m) for m in mondays], mondays)


def group_key(group: Group) -> str:
    return "org" if group == ORG else f"{group[0]}:{group[1]}"


def group_of(key: str) -> Group:
    if key == "org":
        return ORG
    kind, code = key.split(":", 1)
    return (kind, code)


def tree_hash(tree: OrgTree) -> str:
    """A fingerprint of the tree's shape: publications made for another shape are out of date."""
    shape = json.dumps(
        [sorted(tree.unit_parent.items(), key=str), sorted(tree.branch_unit.items())], ensure_ascii=False
    )
    return hashlib.sha256(shape.encode("utf-8")).hexdigest()


def mark_dirty(*, session: Session, months: Iterable[str]) -> None:
    """Note that these months' rollups changed, in the caller's transaction (flush only)."""
    rows = [{"month": m, "marked_at": utcnow()} for m in sorted(set(months))]
    if rows:
        session.execute(insert(TrendDirty), rows)


@dataclass(frozen=True)
class Status:
    """What is known of a month family's publication."""

    month: str
    published: TrendFamily | None
    oldest_change: datetime | None  # the oldest unpublished change, if any

    def needs_refresh(self, *, k: int, shape: str, now: datetime, max_lag_s: int, quick_ms: int = 0) -> bool:
        """Out of date for a reader: never published, another K or tree, or changed since and either the
        change is older than the lag allowed or the last publication was quick (under `quick_ms`)."""
        fam = self.published
        if fam is None or fam.min_group != k or fam.tree_hash != shape:
            return True
        if self.oldest_change is None:
            return False
        return fam.compute_ms < quick_ms or now - self.oldest_change >= timedelta(seconds=max_lag_s)


def status(*, session: Session, months: Sequence[str]) -> dict[str, Status]:
    """Return the publication status of these months."""
    fams = {f.month: f for f in session.scalars(select(TrendFamily).where(TrendFamily.month.in_(months)))}  # type: ignore[attr-defined]
    oldest = dict(
        session.execute(
            select(TrendDirty.month, func.min(TrendDirty.marked_at))
            .where(TrendDirty.month.in_(months))  # type: ignore[attr-defined]
            .group_by(TrendDirty.month)
        ).all()
    )
    out = {}
    for m in months:
        out[m] = Status(m, fams.get(m), oldest.get(m))
    return out


def dirty_months(*, session: Session) -> list[str]:
    """Months with unpublished changes."""
    return sorted(session.scalars(select(TrendDirty.month).distinct()))


def _blocks(cube: cubes.Cube) -> dict[tuple[str, str], dict[str, dict[str, object]]]:
    blocks: dict[tuple[str, str], dict[str, dict[str, object]]] = defaultdict(
        lambda: {"v": defaultdict(dict), "h": defaultdict(list)}
    )
    for (period, group, source, metric), count in cube.values.items():
        if count:
            blocks[(group_key(group), source)]["v"][period][metric] = count  # type: ignore[index]
    for period, group, source, metric in sorted(cube.hidden, key=repr):
        blocks[(group_key(group), source)]["h"][period].append(metric)  # type: ignore[union-attr]
    return blocks


Blocks = list[tuple[str, str, str]]  # (group key, source, payload)


def compute(tree: OrgTree, rows: list[cubes.RollupRow], month: str, k: int) -> tuple[Blocks, int]:
    """Suppress one month family and serialise its blocks; return them and the milliseconds taken. Pure."""
    started = time.perf_counter()
    cube = cubes.build(tree, rows, [family_of(month)], k=k, suppress=True)
    blocks = [
        (key, source, json.dumps(block, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
        for (key, source), block in sorted(_blocks(cube).items())
    ]
    return blocks, round((time.perf_counter() - started) * 1000)


@dataclass
class _Job:
    month: str
    snapshot_at: datetime
    marks: list[int]
    rows: list[cubes.RollupRow]


def _read(session: Session, tree: OrgTree, month: str) -> _Job:
    snapshot_at = utcnow()
    marks = list(session.scalars(select(TrendDirty.id).where(TrendDirty.month == month)))
    rows = _rollup_rows(session=session, tree=tree, mondays=family_of(month).mondays)
    session.commit()  # end the read phase before computing
    return _Job(month, snapshot_at, marks, rows)


def refresh(*, session: Session, tree: OrgTree, months: Sequence[str], k: int, workers: int = 1) -> int:
    """Recompute and publish these month families; return how many were written.

    The session must have no transaction open; it is committed (a read per family, then a write per
    family). With workers > 1 the families are computed in that many processes while this one reads and
    writes (for `xinsheng trends rebuild` and `refresh --all`; a server refreshes in its own process).
    """
    shape = tree_hash(tree)
    todo = sorted(set(months))
    if workers <= 1 or len(todo) <= 1:
        written = 0
        for month in todo:
            job = _read(session, tree, month)
            written += _write(session, job, *compute(tree, job.rows, month, k), k, shape)
        return written
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    written = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_one_blas_thread) as pool:
        pending = []
        for month in todo:
            job = _read(session, tree, month)
            pending.append((job, pool.submit(compute, tree, job.rows, month, k)))
            job.rows = []  # sent to the worker: free the memory here
            while len(pending) > workers:  # keep the workers busy, not every month's rows in memory
                done, future = pending.pop(0)
                written += _write(session, done, *future.result(), k, shape)
        for done, future in pending:
            written += _write(session, done, *future.result(), k, shape)
    return written


def _one_blas_thread() -> None:
    """In a worker: BLAS on one thread. OpenBLAS threads spin while they wait, so two workers each running
    two BLAS threads on two cores run three times slower than one process (measured)."""
    import numpy  # noqa: F401 - load BLAS first: threadpoolctl limits only libraries already loaded
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _write(session: Session, job: _Job, blocks: Blocks, compute_ms: int, k: int, shape: str) -> int:
    """Replace one family's blocks and delete the marks its read saw, unless newer figures are there."""
    month = job.month
    begin_write(session)
    current = session.get(TrendFamily, month, with_for_update=True, populate_existing=True)
    if (
        current is not None
        and current.snapshot_at > job.snapshot_at
        and (current.min_group, current.tree_hash) == (k, shape)
    ):
        session.rollback()  # someone published newer figures meanwhile; our marks stay for the next refresh
        return 0
    if current is None:
        session.add(
            TrendFamily(
                month=month, min_group=k, tree_hash=shape, snapshot_at=job.snapshot_at, compute_ms=compute_ms
            )
        )
    else:
        current.min_group, current.tree_hash, current.snapshot_at = k, shape, job.snapshot_at
        current.compute_ms = compute_ms
    try:
        session.flush()
    except IntegrityError:  # another refresher published this family first (PostgreSQL)
        session.rollback()
        return 0
    session.execute(delete(TrendBlock).where(TrendBlock.month == month))  # type: ignore[arg-type]
    if blocks:
        session.execute(
            insert(TrendBlock),
            [{"month": month, "group_key": g, "source": src, "payload": p} for g, src, p in blocks],
        )
    for start in range(0, len(job.marks), 500):
        session.execute(delete(TrendDirty).where(TrendDirty.id.in_(job.marks[start : start + 500])))  # type: ignore[union-attr]
    session.commit()
    return 1


def _rollup_rows(*, session: Session, tree: OrgTree, mondays: list) -> list[cubes.RollupRow]:  # type: ignore[type-arg]
    result = session.execute(
        select(
            TrendRollup.week_start,
            TrendRollup.branch_id,
            TrendRollup.source,
            TrendRollup.metric,
            TrendRollup.count,
        ).where(
            TrendRollup.week_start >= min(mondays),
            TrendRollup.week_start <= max(mondays),
            TrendRollup.count != 0,
        )
    )
    codes = tree.branch_codes
    return [(r[0], codes[r[1]], r[2], r[3], r[4]) for r in result if r[1] in codes]


def ensure_published(
    *, session: Session, tree: OrgTree, months: Sequence[str], k: int, max_lag_s: int, quick_ms: int = 0
) -> dict[str, datetime]:
    """Refresh the families that are out of date for a reader; return each month's snapshot served.

    Reads in the caller's transaction when nothing is out of date (so a reader's answer takes one
    transaction); otherwise commits it, refreshes, and reads the snapshots anew.
    """
    shape = tree_hash(tree)
    now = utcnow()
    states = status(session=session, months=months)
    stale = [
        m
        for m, s in states.items()
        if s.needs_refresh(k=k, shape=shape, now=now, max_lag_s=max_lag_s, quick_ms=quick_ms)
    ]
    if not stale:
        return {m: s.published.snapshot_at for m, s in states.items() if s.published is not None}
    session.commit()
    refresh(session=session, tree=tree, months=stale, k=k)
    rows = session.execute(
        select(TrendFamily.month, TrendFamily.snapshot_at).where(TrendFamily.month.in_(months))  # type: ignore[attr-defined]
    ).all()
    session.commit()
    return dict(rows)  # type: ignore[arg-type]


def load(
    *,
    session: Session,
    tree: OrgTree,
    months: Sequence[str],
    groups: Iterable[Group],
    sources: Iterable[str],
    suppress: bool,
) -> cubes.Views:
    """Read the published cells of these groups and sources in these month families."""
    out = cubes.Views(tree=tree)
    keys = sorted({group_key(g) for g in groups})
    for key, source, payload in session.execute(
        select(TrendBlock.group_key, TrendBlock.source, TrendBlock.payload).where(
            TrendBlock.month.in_(months),  # type: ignore[attr-defined]
            TrendBlock.group_key.in_(keys),  # type: ignore[attr-defined]
            TrendBlock.source.in_(list(sources)),  # type: ignore[attr-defined]
        )
    ):
        group = group_of(key)
        block = json.loads(payload)
        hidden = block["h"] if suppress else {}
        for period in block["v"].keys() | hidden.keys():
            out.views[(group, source, period)] = (block["v"].get(period, {}), set(hidden.get(period, ())))
    return out
