"""The ticket figures of a weekly digest, counted per branch in SQL and suppressed across the whole tree.

Digests exist for the organisation and for every unit, so a reader holding several could subtract one
unit's tickets from its parent's. The counts (opened, resolved, overdue) of every unit and of the
organisation are therefore suppressed together, with the same rules as the trend cells: a unit's total
equals its child units plus, when it also holds branches directly, the rest (never shown, but counted).
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from service.tickets.models import Ticket
from service.tickets.workflow import ACTIVE
from service.trends import suppression
from service.trends.tree import ORG, Group, OrgTree

METRICS = ("opened", "resolved", "overdue")
Cell = tuple[str, Group]  # (metric, group); ("rest", unit code) is a unit's directly held branches


def _per_branch(session: Session, start: datetime, end: datetime) -> dict[str, dict[uuid.UUID, int]]:
    count = func.count(Ticket.id)  # type: ignore[arg-type]
    queries = {
        "opened": select(Ticket.branch_id, count).where(Ticket.created_at >= start, Ticket.created_at < end),
        "resolved": select(Ticket.branch_id, count).where(
            Ticket.resolved_at >= start,  # type: ignore[operator]
            Ticket.resolved_at < end,  # type: ignore[operator]
        ),
        "overdue": select(Ticket.branch_id, count).where(
            Ticket.status.in_(ACTIVE),  # type: ignore[attr-defined]
            Ticket.due_at < end,
            Ticket.created_at < end,
        ),
    }
    return {
        metric: dict(session.execute(q.group_by(Ticket.branch_id)).all())  # type: ignore[arg-type]
        for metric, q in queries.items()
    }


def _rest(group: Group) -> Group:
    return ("rest", group[1])


def _cells(tree: OrgTree, per_branch: dict[str, dict[uuid.UUID, int]]) -> dict[Cell, int]:
    values: dict[Cell, int] = defaultdict(int)
    for metric, counts in per_branch.items():
        for branch_id, n in counts.items():
            code = tree.branch_codes.get(branch_id)
            if code is None:
                continue
            unit = tree.parent(("branch", code))
            assert unit is not None
            if any(c[0] == "unit" for c in tree.children(unit)):
                values[(metric, _rest(unit))] += n
            for group in tree.ancestors(("branch", code)):
                values[(metric, group)] += n
    return dict(values)


def _relations(tree: OrgTree) -> dict[Cell, list[suppression.Relation]]:
    out: dict[Cell, list[suppression.Relation]] = defaultdict(list)
    for group in [ORG, *(g for g in tree.descendants(ORG) if g[0] == "unit")]:
        units = [c for c in tree.children(group) if c[0] == "unit"]
        if not units:
            continue
        parts: list[Group] = list(units)
        if any(c[0] == "branch" for c in tree.children(group)):
            parts.append(_rest(group))
        for metric in METRICS:
            rel: suppression.Relation = ((metric, group), tuple((metric, p) for p in parts))
            for cell in (rel[0], *rel[1]):
                out[cell].append(rel)
    return out


def hidden_cells(tree: OrgTree, values: dict[Cell, int], k: int) -> set[Cell]:
    """The (metric, group) ticket counts no reader but an admin may see."""
    relations = _relations(tree)
    return set(suppression.suppress(values, lambda cell: relations.get(cell, []), k))


def figures(
    *, session: Session, tree: OrgTree, scope: Group, start: datetime, end: datetime, k: int, hide: bool
) -> dict[str, Any]:
    """Tickets opened, resolved and overdue in the week, and median hours to respond and to resolve."""
    values = _cells(tree, _per_branch(session, start, end))
    hidden = hidden_cells(tree, values, k) if hide else set()
    in_scope = {
        bid
        for bid, code in tree.branch_codes.items()
        if scope == ORG or scope in tree.ancestors(("branch", code))
    }
    # The week's tickets found by time (indexed), the scope checked here: an IN over the scope's branches
    # would make SQLite walk every ticket of every branch.
    responded = [
        first - created
        for branch, created, first in session.execute(
            select(Ticket.branch_id, Ticket.created_at, Ticket.first_response_at).where(
                Ticket.created_at >= start, Ticket.created_at < end
            )
        )
        if first is not None and branch in in_scope
    ]
    resolved = [
        done - created
        for branch, created, done in session.execute(
            select(Ticket.branch_id, Ticket.created_at, Ticket.resolved_at).where(
                Ticket.resolved_at >= start,  # type: ignore[operator]
                Ticket.resolved_at < end,  # type: ignore[operator]
            )
        )
        if branch in in_scope
    ]

    def count(metric: str) -> int | None:
        return None if (metric, scope) in hidden else values.get((metric, scope), 0)

    def median(deltas: list[timedelta], metric: str) -> float | None:
        if not deltas or (hide and (len(deltas) < k or (metric, scope) in hidden)):
            return None
        return round(statistics.median(deltas).total_seconds() / 3600, 1)

    return {
        "opened": count("opened"),
        "resolved": count("resolved"),
        "overdue": count("overdue"),
        "median_hours_to_first_response": median(responded, "opened"),
        "median_hours_to_resolve": median(resolved, "resolved"),
    }
