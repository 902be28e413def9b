"""Use cases of the digests domain: build the weekly digest of the organisation or a unit.

Dependencies: digests → trends (figures, suppression, emerging), notes (excerpts), tickets (read-only
figures through its models), audit. Every figure comes from the trends canonical table, so the digest
hides exactly what the trend endpoints hide.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from service.accounts.models import Role, User
from service.audit import service as audit
from service.config import Settings
from service.digests import tickets as ticket_figures
from service.digests.errors import InvalidDigestRequest
from service.notes import service as notes
from service.notes.models import Note, NoteConcern
from service.trends import service as trends
from service.trends.periods import parse_week, week_label
from service.trends.tree import ORG, Group

TZ = ZoneInfo("Asia/Shanghai")
PREVIOUS_WEEKS = 4
TOP_CONCERNS = 5
EXCERPT_MIN_GROUP = 10
EXCERPTS_PER_CONCERN = 2
EXCERPT_CHARS = 80
NEVER_EXCERPTED = {"integrity"}


def _scope(tree: Any, unit: str | None) -> Group:
    if unit is None:
        return ORG
    if unit not in tree.unit_names:
        raise InvalidDigestRequest(f"unit: unknown unit {unit[:64]!r} (单位不存在)")
    return ("unit", unit)


def _monday(week: str) -> date:
    try:
        return parse_week(week)
    except ValueError:
        raise InvalidDigestRequest("week: must look like 2026-W47 (周格式应为 2026-W47)") from None


def _excerpts(
    *, session: Session, branch_ids: list[Any], monday: date, concerns: list[dict[str, Any]]
) -> tuple[dict[str, list[str]], list[Any]]:
    """A few scrubbed excerpts per top concern whose group has ≥ 10 notes; never integrity notes."""
    out: dict[str, list[str]] = {}
    read: list[Any] = []
    sqlite = session.get_bind().dialect.name == "sqlite"
    for concern in concerns:
        code = concern["code"]
        # On SQLite, coalesce() keeps the planner off the index on concern code (a third of all rows for a
        # common concern) so that it walks the week's notes by (branch, day); PostgreSQL's planner knows
        # that from its statistics, and the same coalesce() would hide them from it (a sequential scan).
        same_code = func.coalesce(NoteConcern.code, "") == code if sqlite else NoteConcern.code == code
        if code in NEVER_EXCERPTED or (concern["count"] or 0) < EXCERPT_MIN_GROUP:
            continue
        flagged = aliased(NoteConcern)
        integrity = (
            select(flagged.note_id)
            .where(flagged.note_id == Note.id, flagged.code.in_(NEVER_EXCERPTED))  # type: ignore[attr-defined]
            .exists()
        )
        rows = session.execute(
            select(Note.id, Note.text)
            .join(NoteConcern, NoteConcern.note_id == Note.id)  # type: ignore[arg-type]
            .where(same_code, Note.branch_id.in_(branch_ids))  # type: ignore[attr-defined]
            .where(Note.occurred_on >= monday, Note.occurred_on <= monday + timedelta(days=6))
            .where(Note.text.is_not(None), ~integrity)  # type: ignore[union-attr]
            .order_by(NoteConcern.score.desc(), Note.id)  # type: ignore[attr-defined]
            .limit(EXCERPTS_PER_CONCERN * 5)
        ).all()
        # Human labels win: skip a note a person re-labelled as integrity or as not about this concern.
        labels = notes.current_labels(session=session, note_ids=[r.id for r in rows])
        rows = [
            r
            for r in rows
            if r.id not in labels
            or (code in labels[r.id].concerns and not NEVER_EXCERPTED & set(labels[r.id].concerns))
        ][:EXCERPTS_PER_CONCERN]
        if rows:
            out[code] = [r.text[:EXCERPT_CHARS] + ("…" if len(r.text) > EXCERPT_CHARS else "") for r in rows]
            read.extend(r.id for r in rows)
    return out, read


def build_weekly(
    *,
    session: Session,
    user: User,
    settings: Settings,
    week: str,
    unit: str | None = None,
    reason: str = "digests.weekly",
) -> dict[str, Any]:
    """Build the weekly digest (JSON-ready) for the organisation or a unit; audit excerpts, and commit."""
    monday = _monday(week)
    mondays = [monday - timedelta(weeks=i) for i in range(PREVIOUS_WEEKS, -1, -1)]
    tree = trends.load_tree(session=session)
    scope = _scope(tree, unit)
    heat_groups = [g for g in [scope, *tree.descendants(scope)] if g[0] == "unit"] or [scope]
    cube = trends.published_cube(
        session=session,
        tree=tree,
        mondays=mondays,
        groups=list(dict.fromkeys([scope, *heat_groups])),
        sources=("all",),
        user=user,
        settings=settings,
    ).cube
    hide = user.role != Role.admin
    weeks = [week_label(m) for m in mondays]
    from service.taxonomy import CONCERN_CODES

    figures = [trends.group_figures(cube, w, scope, "all", scope[0], list(CONCERN_CODES)) for w in weeks]
    this, before = figures[-1], figures[:-1]
    prev_counts = [f.notes.count for f in before]
    prev_mean = None if any(c is None for c in prev_counts) else round(sum(prev_counts) / len(prev_counts), 1)  # type: ignore[arg-type]
    notes_now = this.notes.count
    change = None
    if notes_now is not None and prev_mean:
        change = round((notes_now - prev_mean) / prev_mean, 3)
    top = sorted(
        (c for c in this.concerns if c.count),
        key=lambda c: (-(c.count or 0), c.code),
    )[:TOP_CONCERNS]
    top_concerns = []
    for c in top:
        shares = [next(x for x in f.concerns if x.code == c.code).share for f in before]
        base = None if any(s is None for s in shares) else round(sum(shares) / len(shares), 4)  # type: ignore[arg-type]
        top_concerns.append(
            {"code": c.code, "name": c.name, "count": c.count, "share": c.share, "previous_share": base}
        )
    emerging = trends.emerging_concerns(
        session=session, user=user, settings=settings, week=weeks[-1], tree=tree
    )
    scope_units = (
        {scope[1]} | {g[1] for g in tree.descendants(scope) if g[0] == "unit"} if scope != ORG else None
    )
    emerging_items = [
        i.model_dump()
        for i in emerging.items
        if scope_units is None or (i.unit is not None and i.unit in scope_units)
    ]
    heat_codes = [c["code"] for c in top_concerns]
    heat = {
        "concerns": [{"code": c["code"], "name": c["name"]} for c in top_concerns],
        "rows": [
            {
                "unit": g[1] if len(g) > 1 else None,
                "name": tree.name(g),
                "cells": [
                    None
                    if cube.is_hidden((weeks[-1], g, "all", f"c:{code}"))
                    else cube.value((weeks[-1], g, "all", f"c:{code}"))
                    for code in heat_codes
                ],
            }
            for g in heat_groups
        ],
    }
    branch_codes = [
        code for code in tree.branch_names if scope == ORG or scope in tree.ancestors(("branch", code))
    ]
    ids = [bid for bid, code in tree.branch_codes.items() if code in branch_codes]
    start = datetime.combine(monday, time(), TZ).astimezone(UTC)
    tickets = ticket_figures.figures(
        session=session,
        tree=tree,
        scope=scope,
        start=start,
        end=start + timedelta(days=7),
        k=settings.min_group,
        hide=hide,
    )
    excerpts, read = _excerpts(session=session, branch_ids=ids, monday=monday, concerns=top_concerns)
    if read:
        audit.record(
            session=session, user_id=user.id, action="digests.excerpts", note_ids=read, reason=reason
        )
    session.commit()
    return {
        "week": weeks[-1],
        "scope": {"unit": scope[1] if scope != ORG else None, "name": tree.name(scope)},
        "min_group": settings.min_group,
        "suppression_applied": hide,
        "headline": {
            "notes": notes_now,
            "previous_weeks_mean": prev_mean,
            "change": change,
            "sentiment_index": this.sentiment_index,
        },
        "top_concerns": top_concerns,
        "emerging": emerging_items,
        "sentiment_line": [
            {"week": w, "index": f.sentiment_index} for w, f in zip(weeks, figures, strict=True)
        ],
        "notes_line": [{"week": w, "notes": f.notes.count} for w, f in zip(weeks, figures, strict=True)],
        "risk": {code: cell.count for code, cell in this.risk.items()},
        "tickets": tickets,
        "heat": heat,
        "excerpts": excerpts,
    }


def render_for(*, session: Session, user: User, settings: Settings, week: str, scope: str) -> dict[str, str]:
    """Build and render one scope's digest for delivery: subject, Markdown and HTML."""
    from service.digests import render

    digest = build_weekly(
        session=session,
        user=user,
        settings=settings,
        week=week,
        unit=None if scope == "org" else scope,
        reason="digests.send_weekly",
    )
    return {
        "subject": f"心声周报 {digest['week']} · {digest['scope']['name']}",
        "md": render.to_markdown(digest),
        "html": render.to_html(digest),
    }
