"""Keep `trend_rollup` current: bulk increments in the caller's transaction, and a full rebuild.

Human labels win: a note counts with its newest correction's concerns (and its sentiment and risk when the
correction sets them), else with the model's tags. Helpers only flush; the calling use case commits.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, cast, delete, func, insert, select
from sqlmodel import Session

from service.notes.models import Note, NoteConcern, NoteLabel
from service.trends import publish
from service.trends.models import TrendBlock, TrendDirty, TrendFamily, TrendRollup
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
    publish.mark_dirty(session=session, months={publish.month_label(k[0]) for k in deltas})
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


def _week(session: Session) -> Any:
    """SQL for the Monday of the ISO week of `note.occurred_on`."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("week", Note.occurred_on), Date)
    return func.date(Note.occurred_on, "-6 days", "weekday 1", type_=Date)


def rebuild(*, session: Session, chunk: int = 20_000) -> int:
    """Recount every rollup row from the notes and their newest labels; flush only. Return notes counted.

    Notes nobody relabelled are counted by the database (grouped by week, branch and source); the few a
    person corrected are counted here with their newest label.
    """
    labels: dict[uuid.UUID, NoteLabel] = {}
    for label in session.scalars(select(NoteLabel).order_by(NoteLabel.labelled_at, NoteLabel.id)):  # type: ignore[arg-type]
        labels[label.note_id] = label
    session.execute(delete(TrendRollup))
    for table in (TrendBlock, TrendFamily):  # every publication is recomputed from the new rollups
        session.execute(delete(table))
    totals: Counter[Key] = Counter()
    week = _week(session).label("week")
    unlabelled = Note.id.not_in(select(NoteLabel.note_id))  # type: ignore[attr-defined]
    counted = 0
    for monday, branch_id, source, sentiment, risk, n in session.execute(
        select(week, Note.branch_id, Note.source, Note.sentiment, Note.risk, func.count())
        .where(unlabelled)
        .group_by(week, Note.branch_id, Note.source, Note.sentiment, Note.risk)
    ):
        base = (_as_date(monday), branch_id, source)
        totals[(*base, "notes")] += n
        totals[(*base, f"s:{sentiment}")] += n
        totals[(*base, f"r:{risk}")] += n
        counted += n
    for monday, branch_id, source, code, n in session.execute(
        select(week, Note.branch_id, Note.source, NoteConcern.code, func.count())
        .join(NoteConcern, NoteConcern.note_id == Note.id)  # type: ignore[arg-type]
        .where(unlabelled)
        .group_by(week, Note.branch_id, Note.source, NoteConcern.code)
    ):
        totals[(_as_date(monday), branch_id, source, f"c:{code}")] += n
    if labels:
        columns = (
            Note.id,
            Note.branch_id,
            Note.source,
            Note.occurred_on,
            Note.concerns,
            Note.sentiment,
            Note.risk,
        )
        ids = list(labels)
        for start in range(0, len(ids), 500):
            for row in session.execute(select(*columns).where(Note.id.in_(ids[start : start + 500]))):  # type: ignore[attr-defined]
                totals.update(contributions([effective_tags(row, labels[row.id])]))
                counted += 1
    rows = [
        {"week_start": k[0], "branch_id": k[1], "source": k[2], "metric": k[3], "count": v}
        for k, v in totals.items()
        if v
    ]
    connection = session.connection()  # the table is empty in this transaction: plain inserts, no upsert
    for start in range(0, len(rows), chunk):
        connection.execute(insert(TrendRollup.__table__), rows[start : start + chunk])  # type: ignore[attr-defined]
    session.execute(delete(TrendDirty))  # nothing is published: every month is refreshed when asked for
    return counted


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value
