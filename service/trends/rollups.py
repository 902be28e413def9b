"""Keep `trend_rollup` current: bulk increments in the caller's transaction, and a full rebuild.

Human labels win: a note counts with its newest correction's concerns (and its sentiment and risk when the
correction sets them), else with the model's tags. Helpers only flush; the calling use case commits.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from service.notes.models import Note, NoteLabel
from service.trends.models import TrendRollup
from service.trends.periods import week_start

Key = tuple[date, uuid.UUID, str, str]


@dataclass(frozen=True, slots=True)
class Tags:
    """What a note contributes: its branch, source, week and effective labels."""

    branch_id: uuid.UUID
    source: str
    occurred_on: date
    concerns: tuple[str, ...]
    sentiment: str
    risk: str


def effective_tags(note: Any, label: Any | None) -> Tags:
    """Return a note's tags with the human correction (if any) winning over the model's."""
    concerns = tuple(label.concerns) if label is not None else tuple(c["code"] for c in note.concerns or [])
    return Tags(
        branch_id=note.branch_id,
        source=note.source,
        occurred_on=note.occurred_on,
        concerns=tuple(dict.fromkeys(concerns)),
        sentiment=(label.sentiment if label is not None and label.sentiment else note.sentiment),
        risk=(label.risk if label is not None and label.risk else note.risk),
    )


def tags_of_row(row: Mapping[str, Any]) -> Tags:
    """Return the tags of a note row as ingest inserts it (a dict of Note columns)."""
    return Tags(
        branch_id=row["branch_id"],
        source=row["source"],
        occurred_on=row["occurred_on"],
        concerns=tuple(dict.fromkeys(c["code"] for c in row["concerns"])),
        sentiment=row["sentiment"],
        risk=row["risk"],
    )


def contributions(tags: Iterable[Tags], sign: int = 1) -> Counter[Key]:
    """Count what notes add to the rollup cells (or remove, with sign=-1)."""
    out: Counter[Key] = Counter()
    for t in tags:
        base = (week_start(t.occurred_on), t.branch_id, t.source)
        out[(*base, "notes")] += sign
        out[(*base, f"s:{t.sentiment}")] += sign
        out[(*base, f"r:{t.risk}")] += sign
        for code in t.concerns:
            out[(*base, f"c:{code}")] += sign
    return out


def apply(*, session: Session, deltas: Mapping[Key, int]) -> None:
    """Add the deltas to the rollup rows in one bulk upsert (sorted, so concurrent writers lock in order)."""
    rows = [
        {"week_start": k[0], "branch_id": k[1], "source": k[2], "metric": k[3], "count": v}
        for k, v in sorted(deltas.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2], kv[0][3]))
        if v
    ]
    if not rows:
        return
    table = TrendRollup.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["week_start", "branch_id", "source", "metric"],
        set_={"count": table.c.count + stmt.excluded.count},
    )
    session.execute(stmt, rows)
    session.flush()


def record_new_notes(*, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Count freshly inserted notes (rows as ingest inserts them) into the rollups; flush only."""
    apply(session=session, deltas=contributions(tags_of_row(row) for row in rows))


def record_correction(
    *, session: Session, note: Note, previous: NoteLabel | None, current: NoteLabel
) -> None:
    """Move a note's counts from its previous effective labels to the corrected ones; flush only."""
    deltas = contributions([effective_tags(note, previous)], -1)
    deltas.update(contributions([effective_tags(note, current)]))
    apply(session=session, deltas=deltas)


def rebuild(*, session: Session, chunk: int = 20_000) -> int:
    """Recount every rollup row from the notes and their newest labels; flush only. Return notes counted."""
    labels: dict[uuid.UUID, NoteLabel] = {}
    for label in session.scalars(select(NoteLabel).order_by(NoteLabel.labelled_at, NoteLabel.id)):  # type: ignore[arg-type]
        labels[label.note_id] = label
    session.execute(delete(TrendRollup))
    totals: Counter[Key] = Counter()
    columns = (
        Note.id,
        Note.branch_id,
        Note.source,
        Note.occurred_on,
        Note.concerns,
        Note.sentiment,
        Note.risk,
    )
    counted = 0
    result = session.execute(select(*columns).execution_options(yield_per=chunk))
    for row in result:
        totals.update(contributions([effective_tags(row, labels.get(row.id))]))
        counted += 1
    items = list(totals.items())
    for start in range(0, len(items), chunk):
        apply(session=session, deltas=dict(items[start : start + chunk]))
    return counted
