"""Small-group suppression with complementary suppression over additive relations (pure, no database).

A cell is any count; a relation says `total = sum(parts)` (a unit and its children, all sources and each
source, a month and its weeks, a group's notes and its sentiment or risk counts). Primary suppression
hides every count in 1..K-1. Complementary suppression then enforces, in every relation, until nothing
changes:

- a visible total with hidden parts: at least two parts hidden, and the hidden parts add up to 0 or to at
  least K (else their sum, which anyone can compute, is itself a small group); the next part hidden is the
  smallest non-zero visible one (the total itself when none is left);
- a hidden total: at least one part hidden too (else the total is the sum of the visible parts).

Ties break on the cell key, so the same data always gives the same answer, whatever the query window.
`derivable` is the exact check used by the tests: a hidden cell is derivable when the relations pin it
down (its unit vector lies in the row space of the relations restricted to the hidden cells).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping

Cell = Hashable
Relation = tuple[Cell, tuple[Cell, ...]]


def _pick(cells: Iterable[Cell], values: Mapping[Cell, int]) -> Cell | None:
    ranked = sorted((values.get(c, 0), repr(c), c) for c in cells if values.get(c, 0) > 0)
    return ranked[0][2] if ranked else None


def _repair(rel: Relation, values: Mapping[Cell, int], hidden: set[Cell], k: int) -> Cell | None:
    """Return one more cell to hide so that this relation discloses nothing, or None when it is safe."""
    total, parts = rel
    hidden_parts = [p for p in parts if p in hidden]
    if total in hidden:
        if hidden_parts or not parts:
            return None
        return _pick(parts, values) or parts[0]
    if not hidden_parts:
        return None
    hidden_sum = 0
    for p in hidden_parts:
        hidden_sum += values.get(p, 0)
    if hidden_sum == 0 or (len(hidden_parts) >= 2 and hidden_sum >= k):
        return None
    return _pick([p for p in parts if p not in hidden], values) or total


AUDIT_LIMIT = (
    1000  # hidden cells per connected component checked exactly (SVD); larger ones rely on the rules
)


def suppress(
    values: Mapping[Cell, int],
    relations_of: Callable[[Cell], Iterable[Relation]],
    k: int,
) -> set[Cell]:
    """Return the cells to hide: every count in 1..k-1 and what would let one be derived."""
    hidden = {cell for cell, value in values.items() if 0 < value < k}
    queue: deque[Relation] = deque()
    for cell in sorted(hidden, key=repr):
        queue.extend(relations_of(cell))
    while True:
        while queue:
            rel = queue.popleft()
            extra = _repair(rel, values, hidden, k)
            if extra is None or extra in hidden:
                continue
            hidden.add(extra)
            queue.extend(relations_of(extra))
            queue.append(rel)
        extra_cells = _audit(values, relations_of, hidden)
        if not extra_cells:
            return hidden
        for extra in extra_cells:
            hidden.add(extra)
            queue.extend(relations_of(extra))


def _audit(
    values: Mapping[Cell, int], relations_of: Callable[[Cell], Iterable[Relation]], hidden: set[Cell]
) -> list[Cell]:
    """Exact check per connected component of hidden cells: one more cell to hide per derivable cell."""
    rels_of = {cell: list(relations_of(cell)) for cell in hidden}
    seen: set[Cell] = set()
    extra: list[Cell] = []
    for start in sorted(hidden, key=repr):
        if start in seen:
            continue
        component, rels, stack = [], set(), [start]
        seen.add(start)
        while stack:
            cell = stack.pop()
            component.append(cell)
            for rel in rels_of[cell]:
                rels.add(rel)
                for member in (rel[0], *rel[1]):
                    if member in hidden and member not in seen:
                        seen.add(member)
                        stack.append(member)
        if len(component) > AUDIT_LIMIT:
            continue
        for cell in sorted(derivable(rels, set(component), values), key=repr):
            members = {m for rel in rels_of[cell] for m in (rel[0], *rel[1]) if m not in hidden}
            if not _pick(members, values):  # its neighbours are all hidden: widen to the whole component
                members |= {m for rel in rels for m in (rel[0], *rel[1]) if m not in hidden}
            choice = _pick(members, values) or (sorted(members, key=repr)[0] if members else None)
            if choice is not None and choice not in extra:
                extra.append(choice)
    return extra


def derivable(relations: Iterable[Relation], hidden: set[Cell], values: Mapping[Cell, int]) -> set[Cell]:
    """Return the hidden non-zero cells that the relations determine exactly (linear algebra check)."""
    import numpy as np
    import scipy.linalg

    order = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(order)}
    rows = []
    for total, parts in relations:
        row = np.zeros(len(order))
        if total in index:
            row[index[total]] += 1
        for part in parts:
            if part in index:
                row[index[part]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    # Rank-revealing QR of the transpose: its first `rank` columns of Q span the row space (2-5x faster
    # than an SVD on these 0/±1 matrices, and as exact for them).
    q, r, _ = scipy.linalg.qr(matrix.T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int((diagonal > 1e-9 * max(1.0, float(diagonal[0]))).sum()) if diagonal.size else 0
    # A cell is pinned down when its unit vector lies in the row space of the relations over the hidden
    # cells: then the projection onto that row space keeps all of it (diagonal entry 1).
    projection = (q[:, :rank] ** 2).sum(axis=1)
    return {cell for cell in order if projection[index[cell]] > 1 - 1e-9 and values.get(cell, 0) > 0}
