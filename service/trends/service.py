"""Use cases of the trends domain: keep rollups current, answer trend queries with small groups hidden.

Dependencies: trends → notes, accounts (read); ingest and the label-correction path call in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from service.accounts.models import Branch, Role, Unit, User
from service.config import Settings
from service.db import utcnow
from service.errors import shown
from service.notes.models import Note, NoteLabel
from service.taxonomy import CONCERN_CODES, RISK_CODES, SENTIMENT_CODES
from service.trends import cube as cubes
from service.trends import emerging, publish, render, rollups
from service.trends.cache import ByteLRU
from service.trends.errors import InvalidTrendQuery
from service.trends.models import (
    EmergingListPublic,
    EmergingPublic,
    GroupPublic,
    TrendRollup,
)
from service.trends.periods import MAX_YEAR, MIN_YEAR, Period, parse_week, periods_between, week_label
from service.trends.tree import ORG, Group, OrgTree

CONCERN_NAMES = {}
try:  # the Chinese names, for exports and digests
    from nlp import TAXONOMY

    CONCERN_NAMES = {c["code"]: c.get("zh", c["code"]) for c in TAXONOMY["concerns"]}
except (ImportError, KeyError):  # pragma: no cover
    pass

MAX_WEEKS = 3 * 53
INTERVALS = ("week", "month")
GROUP_BYS = ("none", "unit", "branch", "source")


def record_new_notes(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """Count notes just inserted by ingest into the rollups, in the caller's transaction (flush only)."""
    rollups.record_new_notes(session=session, rows=rows)


def record_label_correction(
    *, session: Session, note: Note, previous: NoteLabel | None, current: NoteLabel
) -> None:
    """Move a corrected note's counts to its new labels, in the caller's transaction (flush only)."""
    rollups.record_correction(session=session, note=note, previous=previous, current=current)


def rebuild_rollups(*, session: Session) -> int:
    """Recount all rollups from the notes and their newest labels, and commit; return notes counted.

    Every publication is dropped: each month is published again when first asked for, or by
    `refresh_published(everything=True)`.
    """
    counted = rollups.rebuild(session=session)
    session.commit()
    return counted


def refresh_published(
    *, session: Session, settings: Settings, everything: bool = False, workers: int = 1
) -> int:
    """Publish again the months a reader would find out of date (changed, never published, or published
    for another K or organisation tree), or every month holding data; return months written."""
    tree = load_tree(session=session)
    mondays = session.scalars(select(TrendRollup.week_start).distinct()).all()
    months = sorted({publish.month_label(m) for m in mondays} | set(publish.dirty_months(session=session)))
    if not everything:
        shape, now = publish.tree_hash(tree), utcnow()
        states = publish.status(session=session, months=months)
        months = [
            m
            for m in months
            if states[m].oldest_change is not None
            or states[m].needs_refresh(k=settings.min_group, shape=shape, now=now, max_lag_s=0)
        ]
    session.commit()
    return publish.refresh(session=session, tree=tree, months=months, k=settings.min_group, workers=workers)


def load_tree(*, session: Session) -> OrgTree:
    """Load units and branches as a tree."""
    tree = OrgTree()
    units = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.parent_id)).all()
    code_of = {row.id: row.code for row in units}
    for row in units:
        tree.add_unit(row.code, row.name, code_of.get(row.parent_id) if row.parent_id else None)
    for row in session.execute(select(Branch.id, Branch.code, Branch.name, Branch.unit_id)).all():
        tree.add_branch(row.id, row.code, row.name, code_of[row.unit_id])
    return tree


@dataclass
class Published:
    """The cells a reader may see, and how fresh they are."""

    cube: cubes.Views
    as_of: datetime | None


def published_cube(
    *,
    session: Session,
    tree: OrgTree,
    mondays: list[date],
    groups: list[Group],
    sources: tuple[str, ...],
    user: User,
    settings: Settings,
    snapshots: dict[str, datetime] | None = None,
) -> Published:
    """The published cells of these groups and sources for the month families holding these weeks.

    Suppressed unless the user is an admin; refreshes families out of date first (unless `snapshots` says
    that was just done). Commits the session.
    """
    months = sorted({publish.month_label(m) for m in mondays})
    if snapshots is None:
        snapshots = _ensure(session=session, tree=tree, months=months, settings=settings)
    cube = publish.load(
        session=session,
        tree=tree,
        months=months,
        groups=groups,
        sources=sources,
        suppress=user.role != Role.admin,
    )
    session.commit()
    return Published(cube, min(snapshots.values()) if snapshots else None)


def _ensure(*, session: Session, tree: OrgTree, months: list[str], settings: Settings) -> dict[str, datetime]:
    return publish.ensure_published(
        session=session,
        tree=tree,
        months=months,
        k=settings.min_group,
        max_lag_s=settings.trend_max_lag_s,
        quick_ms=settings.trend_sync_refresh_ms,
    )


@dataclass(frozen=True)
class TrendQuery:
    start: date | None = None
    end: date | None = None
    interval: str = "week"
    group_by: str = "none"
    concern: str | None = None
    unit: str | None = None
    branch: str | None = None
    source: str | None = None


def _check(query: TrendQuery, tree: OrgTree, today: date) -> tuple[date, date, Group]:
    if query.interval not in INTERVALS:
        raise InvalidTrendQuery(f"interval: must be one of {', '.join(INTERVALS)} (统计周期无效)")
    if query.group_by not in GROUP_BYS:
        raise InvalidTrendQuery(f"group_by: must be one of {', '.join(GROUP_BYS)} (分组方式无效)")
    if query.concern is not None and query.concern not in CONCERN_CODES:
        raise InvalidTrendQuery(f"concern: unknown concern code {shown(query.concern, 16)} (未知的关注类别)")
    if query.source is not None and query.source not in cubes.SOURCES:
        raise InvalidTrendQuery("source: must be talk or survey (来源无效)")
    for name, day in (("from", query.start), ("to", query.end)):
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise InvalidTrendQuery(f"{name}: year must be between {MIN_YEAR} and {MAX_YEAR} (日期超出范围)")
    end = query.end or today
    start = query.start or max(end - timedelta(weeks=12), date(MIN_YEAR, 1, 1))
    if start > end:
        raise InvalidTrendQuery("from: must not be after to (起始日期晚于结束日期)")
    if (end - start).days > MAX_WEEKS * 7:
        raise InvalidTrendQuery(f"from/to: at most {MAX_WEEKS} weeks per query (查询跨度过大)")
    scope: Group = ORG
    if query.unit is not None:
        if query.unit not in tree.unit_names:
            raise InvalidTrendQuery(f"unit: unknown unit {shown(query.unit, 64)} (单位不存在)")
        scope = ("unit", query.unit)
    if query.branch is not None:
        if query.branch not in tree.branch_names:
            raise InvalidTrendQuery(f"branch: unknown branch {shown(query.branch, 64)} (支部不存在)")
        branch: Group = ("branch", query.branch)
        if scope != ORG and scope not in tree.ancestors(branch):
            raise InvalidTrendQuery("branch: not in the given unit (支部不属于该单位)")
        scope = branch
    if query.group_by == "unit" and scope[0] == "branch":
        raise InvalidTrendQuery("group_by: unit needs a scope above a branch (按单位分组时不能指定支部)")
    return start, end, scope


def _output_groups(
    tree: OrgTree, scope: Group, group_by: str, source: str | None
) -> list[tuple[Group, str, str]]:
    """(group, source, type) of each row the answer shows."""
    src = source or "all"
    if group_by == "none":
        return [(scope, src, scope[0])]
    if group_by == "source":
        return [(scope, s, "source") for s in cubes.SOURCES if source in (None, s)]
    kind = group_by
    members = [scope, *tree.descendants(scope)]
    return [(g, src, kind) for g in members if g[0] == kind]


_CONCERN_METRIC = {c: f"c:{c}" for c in CONCERN_CODES}
_SENTIMENT_METRIC = {c: f"s:{c}" for c in SENTIMENT_CODES}
_RISK_METRIC = {c: f"r:{c}" for c in RISK_CODES}


def _cell(view: cubes.View, metric: str, notes: int | None = None) -> dict[str, Any]:
    """One figure; `notes` is the visible note count the share is taken of (None: no share)."""
    values, hidden = view
    if metric in hidden:
        return {"count": None, "share": None, "suppressed": True}
    count = values.get(metric, 0)
    return {"count": count, "share": round(count / notes, 4) if notes else None, "suppressed": False}


def _group_head(tree: OrgTree, group: Group, source: str, kind: str) -> dict[str, Any]:
    parent = tree.parent(group) if group != ORG else None
    return {
        "type": kind,
        "code": group[1] if len(group) > 1 else None,
        "name": tree.name(group) if kind != "source" else ("谈心谈话" if source == "talk" else "问卷调查"),
        "parent": parent[1] if parent and len(parent) > 1 else None,
        "source": None if source == "all" else source,
    }


def group_dict(
    cube: cubes.Views, period: str, group: Group, source: str, kind: str, concerns: list[str]
) -> dict[str, Any]:
    """The figures of one group in one bucket as plain JSON data (the shape of GroupPublic), hidden as nulls.

    Plain dicts, not models: a year by unit holds tens of thousands of cells.
    """
    tree = cube.tree
    view = cube.view(period, group, source)
    n = None if "notes" in view[1] else view[0].get("notes", 0)
    sentiment = {c: _cell(view, m, n) for c, m in _SENTIMENT_METRIC.items()}
    index = None
    pos, neg = sentiment["positive"], sentiment["negative"]
    if n and not pos["suppressed"] and not neg["suppressed"]:
        index = round((pos["count"] - neg["count"]) / n, 4)
    return {
        **_group_head(tree, group, source, kind),
        "notes": _cell(view, "notes"),
        "concerns": [
            {"code": c, "name": CONCERN_NAMES.get(c, c), **_cell(view, _CONCERN_METRIC[c], n)}
            for c in concerns
        ],
        "sentiment": sentiment,
        "sentiment_index": index,
        "risk": {c: _cell(view, m) for c, m in _RISK_METRIC.items()},
    }


def group_figures(
    cube: cubes.Views, period: str, group: Group, source: str, kind: str, concerns: list[str]
) -> GroupPublic:
    """The figures of one group in one bucket, as a model (for the digest)."""
    return GroupPublic.model_validate(group_dict(cube, period, group, source, kind, concerns))


# Serialised answers by everything that determines them (the query, K, suppression, the tree with its names,
# and the snapshot of every month family read): a repeated dashboard query costs two small reads. Any new
# publication or tree change makes a new key; old ones age out.
_ANSWERS = ByteLRU(max_bytes=64 * 1024 * 1024, max_item=8 * 1024 * 1024)
# One group's figures in one period as JSON text, by (suppression, concern filter, month family, its
# snapshot, group, source, period): a new window or grouping re-renders only what was never rendered.
_FIGURES = ByteLRU(max_bytes=64 * 1024 * 1024, max_item=64 * 1024)


def query_concerns_json(
    *, session: Session, user: User, settings: Settings, query: TrendQuery, today: date
) -> bytes:
    """Answer a trend query from the published figures: per bucket and group, notes, concerns, sentiment
    and risk, as UTF-8 JSON in the shape of `TrendsPublic` (what the HTTP route sends)."""
    tree = load_tree(session=session)
    start, end, scope = _check(query, tree, today)
    periods: list[Period] = periods_between(start, end, query.interval)
    mondays = sorted({w for p in periods for w in p.weeks})
    months = sorted({publish.month_label(m) for m in mondays})
    snapshots = _ensure(session=session, tree=tree, months=months, settings=settings)
    suppress = user.role != Role.admin
    key = (
        periods[0].start,
        periods[-1].end,
        query.interval,
        query.group_by,
        query.concern,
        scope,
        query.source,
        suppress,
        settings.min_group,
        tree.fingerprint(),
        tuple(sorted(snapshots.items())),
    )
    cached = _ANSWERS.get(key)
    if cached is not None:
        session.commit()  # end the read transaction
        return cached
    concerns = render.concern_prefixes(
        [query.concern] if query.concern else list(CONCERN_CODES), CONCERN_NAMES
    )
    groups = _output_groups(tree, scope, query.group_by, query.source)
    heads = [(g, s, render.dumps(_group_head(tree, g, s, kind))[:-1]) for g, s, kind in groups]
    # A group's figures in a period depend only on its family's publication: rendered once per snapshot.
    base = (suppress, query.concern)
    slots = []
    for p in periods:
        month = p.label if p.kind == "month" else publish.month_label(p.start)
        family = (month, snapshots.get(month))
        slots.append([(h, (*base, *family, g, s, p.label)) for g, s, h in heads])
    rendered = {k: _FIGURES.get(k) for row in slots for _, k in row}
    missing = [k for k, v in rendered.items() if v is None]
    if missing:
        months_missing = {k[2] for k in missing}  # read only the families with something to render
        cube = published_cube(
            session=session,
            tree=tree,
            mondays=[m for m in mondays if publish.month_label(m) in months_missing],
            groups=[g for g, _, _ in groups],
            sources=tuple({s for _, s, _ in groups}),
            user=user,
            settings=settings,
            snapshots=snapshots,
        ).cube
        for k in missing:
            group, source, period = k[-3:]
            rendered[k] = text = render.figures_json(cube.view(period, group, source), concerns)
            _FIGURES.put(k, text)
    head = {
        "interval": query.interval,
        "group_by": query.group_by,
        "range": {"from": periods[0].start.isoformat(), "to": periods[-1].end.isoformat()},
        "min_group": settings.min_group,
        "suppression_applied": suppress,
        "as_of": min(snapshots.values()).isoformat() if snapshots else None,
    }
    buckets = []
    for p, row in zip(periods, slots, strict=True):
        opening = render.dumps({"period": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()})
        figures = ",".join(h + rendered[k] for h, k in row)  # type: ignore[operator]
        buckets.append(opening[:-1] + ',"groups":[' + figures + "]}")
    body = (render.dumps(head)[:-1] + ',"buckets":[' + ",".join(buckets) + "]}").encode("utf-8")
    _ANSWERS.put(key, body)
    session.commit()  # end the read transaction (when every figure was rendered already)
    return body


def rollup_totals(*, session: Session) -> dict[str, int]:
    """Return the org-wide total per metric (for checks and the rebuild command)."""
    rows = session.execute(
        select(TrendRollup.metric, func.sum(TrendRollup.count)).group_by(TrendRollup.metric)
    )
    return {metric: int(total) for metric, total in rows if total}


def _sum(cube: cubes.Views, cells: list[cubes.Cell]) -> tuple[int, bool]:
    return sum(cube.value(c) for c in cells), any(cube.is_hidden(c) for c in cells)


def emerging_concerns(
    *,
    session: Session,
    user: User,
    settings: Settings,
    week: str,
    rules: emerging.Rules | None = None,
    tree: OrgTree | None = None,
) -> EmergingListPublic:
    """Find concerns whose share rose significantly in a unit this week against its previous weeks.

    Readers other than admins see an alert only when every figure it rests on is visible: an alert drawn
    from suppressed cells would itself say something about them.
    """
    rules = rules or emerging.Rules(min_count=max(5, settings.min_group), min_baseline=settings.min_group)
    try:
        monday = parse_week(week)
    except ValueError:
        raise InvalidTrendQuery("week: must look like 2026-W47 (周格式应为 2026-W47)") from None
    baseline = [monday - timedelta(weeks=i) for i in range(rules.baseline_weeks, 0, -1)]
    tree = tree or load_tree(session=session)
    units = [ORG, *(g for g in tree.descendants(ORG) if g[0] == "unit")]
    cube = published_cube(
        session=session,
        tree=tree,
        mondays=[*baseline, monday],
        groups=units,
        sources=("all",),
        user=user,
        settings=settings,
    ).cube
    this, before = week_label(monday), [week_label(m) for m in baseline]
    items = []
    for group in units:
        n1_cell = (this, group, "all", "notes")
        n0, n0_hidden = _sum(cube, [(w, group, "all", "notes") for w in before])
        for code in CONCERN_CODES:
            x1_cell = (this, group, "all", f"c:{code}")
            x0, x0_hidden = _sum(cube, [(w, group, "all", f"c:{code}") for w in before])
            result = emerging.check_rise(cube.value(x1_cell), cube.value(n1_cell), x0, n0, rules)
            if result is None or not result.alert:
                continue
            if cube.is_hidden(x1_cell) or cube.is_hidden(n1_cell) or n0_hidden or x0_hidden:
                continue  # only admins see cube.hidden empty; for the others the alert is withheld
            items.append(
                EmergingPublic(
                    unit=group[1] if group != ORG else None,
                    unit_name=tree.name(group),
                    concern=code,
                    concern_name=CONCERN_NAMES.get(code, code),
                    count=cube.value(x1_cell),
                    notes=cube.value(n1_cell),
                    share=result.share,
                    baseline_count=x0,
                    baseline_notes=n0,
                    baseline_share=result.baseline_share,
                    rise=result.rise,
                    p_value=result.p_value,
                    suppressed=False,
                )
            )
    items.sort(key=lambda i: (i.p_value, i.unit or "", i.concern))
    return EmergingListPublic(
        week=this,
        baseline={"from": before[0], "to": before[-1]},
        method=emerging.METHOD,
        alpha=rules.alpha,
        min_count=rules.min_count,
        min_rise=rules.min_rise,
        min_group=settings.min_group,
        items=items,
    )
