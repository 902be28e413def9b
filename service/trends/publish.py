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

    def needs_refresh(self, *, k: int, shape: str, now: datetime, max_lag_s: int) -> bool:
        fam = self.published
        if fam is None or fam.min_group != k or fam.tree_hash != shape:
            return True
        return self.oldest_change is not None and now - self.oldest_change >= timedelta(seconds=max_lag_s)


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


def refresh(*, session: Session, tree: OrgTree, months: Sequence[str], k: int) -> int:
    """Recompute and publish these month families; return how many were written.

    The session must have no transaction open; it is committed (read phase, then one write per family).
    """
    shape = tree_hash(tree)
    written = 0
    for month in sorted(set(months)):
        family = family_of(month)
        snapshot_at = utcnow()
        marks = list(session.scalars(select(TrendDirty.id).where(TrendDirty.month == month)))
        rows = _rollup_rows(session=session, tree=tree, mondays=family.mondays)
        session.commit()  # end the read phase before computing
        cube = cubes.build(tree, rows, [family], k=k, suppress=True)
        payloads = [
            {
                "month": month,
                "group_key": key,
                "source": source,
                "payload": json.dumps(block, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
            }
            for (key, source), block in sorted(_blocks(cube).items())
        ]
        begin_write(session)
        current = session.get(TrendFamily, month, with_for_update=True, populate_existing=True)
        if (
            current is not None
            and current.snapshot_at > snapshot_at
            and (current.min_group, current.tree_hash) == (k, shape)
        ):
            session.rollback()  # someone published newer figures meanwhile; our marks stay for the next refresh
            continue
        if current is None:
            session.add(TrendFamily(month=month, min_group=k, tree_hash=shape, snapshot_at=snapshot_at))
        else:
            current.min_group, current.tree_hash, current.snapshot_at = k, shape, snapshot_at
        try:
            session.flush()
        except IntegrityError:  # another refresher published this family first (PostgreSQL)
            session.rollback()
            continue
        session.execute(delete(TrendBlock).where(TrendBlock.month == month))  # type: ignore[arg-type]
        if payloads:
            session.execute(insert(TrendBlock), payloads)
        for start in range(0, len(marks), 500):
            session.execute(delete(TrendDirty).where(TrendDirty.id.in_(marks[start : start + 500])))  # type: ignore[union-attr]
        session.commit()
        written += 1
    return written


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
    *, session: Session, tree: OrgTree, months: Sequence[str], k: int, max_lag_s: int
) -> datetime | None:
    """Refresh the families that are out of date for a reader; return the oldest snapshot served.

    The session must have no transaction open.
    """
    shape = tree_hash(tree)
    now = utcnow()
    states = status(session=session, months=months)
    stale = [m for m, s in states.items() if s.needs_refresh(k=k, shape=shape, now=now, max_lag_s=max_lag_s)]
    session.commit()
    if stale:
        refresh(session=session, tree=tree, months=stale, k=k)
    snapshots = list(
        session.scalars(select(TrendFamily.snapshot_at).where(TrendFamily.month.in_(months)))  # type: ignore[attr-defined]
    )
    return min(snapshots) if snapshots else None


def load(
    *,
    session: Session,
    tree: OrgTree,
    months: Sequence[str],
    groups: Iterable[Group],
    sources: Iterable[str],
    suppress: bool,
) -> cubes.Cube:
    """Read the published cells of these groups and sources in these month families into a cube."""
    cube = cubes.Cube(tree=tree)
    for month in months:
        fam = family_of(month)
        cube.month_weeks[fam.month] = fam.weeks
        for w in fam.weeks:
            cube.week_month[w] = fam.month
    keys = sorted({group_key(g) for g in groups})
    values: dict[cubes.Cell, int] = {}
    for key, source, payload in session.execute(
        select(TrendBlock.group_key, TrendBlock.source, TrendBlock.payload).where(
            TrendBlock.month.in_(months),  # type: ignore[attr-defined]
            TrendBlock.group_key.in_(keys),  # type: ignore[attr-defined]
            TrendBlock.source.in_(list(sources)),  # type: ignore[attr-defined]
        )
    ):
        group = group_of(key)
        block = json.loads(payload)
        for period, metrics in block["v"].items():
            for metric, count in metrics.items():
                values[(period, group, source, metric)] = count
        if suppress:
            for period, metrics in block["h"].items():
                cube.hidden.update((period, group, source, metric) for metric in metrics)
    cube.values = values
    return cube
