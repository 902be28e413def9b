"""The ingest use case: validate → scrub → tag → store notes → open tickets, in one transaction.

Dependencies point one way: ingest uses notes, tickets, idempotency and audit; none of them uses ingest.
Only scrubbed text is ever stored, logged or returned.

Two phases: the slow work (validation, scrubbing, tagging) runs outside any write transaction; then one
write transaction claims the idempotency key, inserts notes, concern rows and tickets in bulk, and commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert
from sqlmodel import Session

from nlp import scrub
from service.accounts.models import Branch, Role, User
from service.accounts.service import get_branch_by_code
from service.audit import service as audit
from service.config import Settings
from service.db import begin_write, new_id, utcnow
from service.errors import Forbidden, XinshengError, describe_validation_errors, shown
from service.idempotency import service as idempotency
from service.logs import log_event
from service.notes import service as notes
from service.notes.models import BatchItemOutcome, BatchOutcome, Note, NoteConcern, NoteCreate, NotePublic
from service.tickets import service as tickets
from service.trends import service as trends

log = logging.getLogger("xinsheng.ingest")

SINGLE_ENDPOINT = "POST /api/v1/notes"
BATCH_ENDPOINT = "POST /api/v1/notes/batch"


def present(*, session: Session, notes_: Sequence[Note]) -> list[NotePublic]:
    """Shape stored notes for the API, with their ticket ids."""
    ticket_ids = tickets.ticket_ids_for_notes(session=session, note_ids=[n.id for n in notes_])
    return notes.to_public(session=session, notes=notes_, ticket_ids=ticket_ids)


def _branch_for(*, session: Session, code: str, actor: User, cache: dict[str, Branch]) -> Branch:
    if actor.role not in (Role.secretary, Role.admin):
        raise Forbidden(f"role {actor.role} may not submit notes")
    branch = cache.get(code)
    if branch is None:
        branch = get_branch_by_code(session=session, code=code)
        cache[code] = branch
    if actor.role == Role.secretary and branch.id != actor.branch_id:
        raise Forbidden(
            f"branch: a secretary may submit notes only for their own branch, not {shown(code, 64)}"
        )
    return branch


@dataclass(frozen=True)
class _Accepted:
    index: int
    data: NoteCreate
    branch: Branch


@dataclass(frozen=True)
class _Prepared:
    """Rows ready to insert: scrubbed and tagged, nothing written yet."""

    note_rows: list[dict[str, Any]]
    concern_rows: list[dict[str, Any]]
    facts: list[tickets.NoteFacts]


def _prepare(*, items: Sequence[_Accepted], actor: User, settings: Settings, tagger: Any) -> _Prepared:
    """Scrub and tag the accepted notes into insertable rows (no database access)."""
    now = utcnow()
    scrubbed = [scrub(item.data.text) for item in items]
    tags = (
        tagger.predict([s.text for s in scrubbed], [item.data.source.value for item in items])
        if items
        else []
    )
    prepared = _Prepared([], [], [])
    for item, clean, tag in zip(items, scrubbed, tags, strict=True):
        note_id = new_id()
        concerns = [
            {"code": c.code, "score": float(c.score), "evidence": list(c.evidence)} for c in tag.concerns
        ]
        prepared.note_rows.append(
            {
                "id": note_id,
                "branch_id": item.branch.id,
                "source": item.data.source.value,
                "occurred_on": item.data.occurred_on,
                "text": clean.text,
                "text_chars": len(clean.text),
                "pii": dict(clean.counts()),
                "concerns": concerns,
                "sentiment": tag.sentiment,
                "risk": tag.risk,
                "model_version": tagger.version,
                "subject_hmac": notes.subject_hmac(
                    secret=settings.secret_bytes, subject_ref=item.data.subject_ref
                ),
                "created_by": actor.id,
                "created_at": now,
                "text_purged_at": None,
            }
        )
        prepared.concern_rows.extend(
            {"note_id": note_id, "code": c.code, "score": float(c.score)} for c in tag.concerns
        )
        prepared.facts.append(
            tickets.NoteFacts(
                note_id=note_id,
                branch_id=item.branch.id,
                concerns=[c.code for c in tag.concerns],
                risk=tag.risk,
                created_at=now,
            )
        )
    return prepared


def _insert(*, session: Session, prepared: _Prepared, actor: User) -> dict[uuid.UUID, uuid.UUID]:
    """Bulk-insert notes, concern rows and tickets; flush only. Return note id → ticket id."""
    if not prepared.note_rows:
        return {}
    session.exec(insert(Note), params=prepared.note_rows)
    if prepared.concern_rows:
        session.exec(insert(NoteConcern), params=prepared.concern_rows)
    trends.record_new_notes(session=session, rows=prepared.note_rows)  # same transaction
    ticket_ids = tickets.open_for_notes(session=session, notes=prepared.facts)
    log_event(
        log,
        "notes.stored",
        count=len(prepared.note_rows),
        tickets=len(ticket_ids),
        pii=sum(sum(row["pii"].values()) for row in prepared.note_rows),
        note_ids=[str(row["id"]) for row in prepared.note_rows],
        user_id=str(actor.id),
    )
    return ticket_ids


def _digest(key: str | None, endpoint: str, body: Any) -> str | None:
    if key is None:
        return None
    idempotency.check_key(key)
    return idempotency.request_hash(endpoint, body)


def _replay_note(*, session: Session, replay: idempotency.Replay, actor: User, reason: str) -> NotePublic:
    note = notes.get_note(session=session, note_id=uuid.UUID(replay.response["note_id"]))
    notes.audit_read(session=session, user=actor, notes=[note], action="notes.create_replay", reason=reason)
    log_event(log, "notes.replayed", count=1, user_id=str(actor.id))
    return present(session=session, notes_=[note])[0]


def ingest_note(
    *,
    session: Session,
    data: NoteCreate,
    actor: User,
    settings: Settings,
    tagger: Any,
    idempotency_key: str | None = None,
    reason: str = "notes.create",
) -> NotePublic:
    """Store one note (scrubbed and tagged), open its ticket, audit the echo of its text, and commit."""
    digest = _digest(idempotency_key, SINGLE_ENDPOINT, data.model_dump(mode="json"))
    if idempotency_key and digest:
        seen = idempotency.peek(session=session, user_id=actor.id, key=idempotency_key, digest=digest)
        if seen is not None:
            return _replay_note(session=session, replay=seen, actor=actor, reason=reason)
    branch = _branch_for(session=session, code=data.branch, actor=actor, cache={})
    notes.validate_text(data.text, max_chars=settings.max_text_chars)
    prepared = _prepare(items=[_Accepted(0, data, branch)], actor=actor, settings=settings, tagger=tagger)
    session.commit()  # end the read phase; the write phase below is one transaction
    begin_write(session)
    note_id = prepared.note_rows[0]["id"]
    if idempotency_key and digest:
        claimed = idempotency.claim(
            session=session, user_id=actor.id, key=idempotency_key, endpoint=SINGLE_ENDPOINT, digest=digest
        )
        if isinstance(claimed, idempotency.Replay):  # a concurrent twin finished first
            session.rollback()
            return _replay_note(session=session, replay=claimed, actor=actor, reason=reason)
        _insert(session=session, prepared=prepared, actor=actor)
        idempotency.complete(session=session, row=claimed, status=201, response={"note_id": str(note_id)})
    else:
        _insert(session=session, prepared=prepared, actor=actor)
    audit.record(session=session, user_id=actor.id, action="notes.create", note_ids=[note_id], reason=reason)
    session.commit()
    return present(session=session, notes_=[notes.get_note(session=session, note_id=note_id)])[0]


def _validate_batch(
    *, session: Session, items: Sequence[Any], actor: User, settings: Settings
) -> tuple[list[_Accepted], dict[int, BatchItemOutcome]]:
    accepted: list[_Accepted] = []
    refused: dict[int, BatchItemOutcome] = {}
    cache: dict[str, Branch] = {}
    for index, raw in enumerate(items):
        try:
            data = NoteCreate.model_validate(raw)
        except ValidationError as exc:
            code, detail = describe_validation_errors(
                [{**err, "loc": ("notes", index, *err["loc"])} for err in exc.errors(include_input=False)]
            )
            refused[index] = BatchItemOutcome(index=index, status="refused", error=code, detail=detail)
            continue
        try:
            branch = _branch_for(session=session, code=data.branch, actor=actor, cache=cache)
            notes.validate_text(data.text, max_chars=settings.max_text_chars)
        except XinshengError as exc:
            refused[index] = BatchItemOutcome(
                index=index, status="refused", error=exc.code, detail=exc.message
            )
            continue
        accepted.append(_Accepted(index, data, branch))
    return accepted, refused


def _outcome(session: Session, summary: list[dict[str, Any]]) -> BatchOutcome:
    """Build the batch answer from the stored summary (ids and reasons), looking up ticket ids."""
    note_ids = [uuid.UUID(item["id"]) for item in summary if item.get("id")]
    ticket_ids = tickets.ticket_ids_for_notes(session=session, note_ids=note_ids)
    outcomes = []
    for item in summary:
        note_id = uuid.UUID(item["id"]) if item.get("id") else None
        outcomes.append(
            BatchItemOutcome(
                index=item["index"],
                status=item["status"],
                id=note_id,
                ticket_id=ticket_ids.get(note_id) if note_id else None,
                error=item.get("error"),
                detail=item.get("detail"),
            )
        )
    stored = sum(1 for o in outcomes if o.status == "stored")
    return BatchOutcome(stored=stored, refused=len(outcomes) - stored, items=outcomes)


def ingest_batch(
    *,
    session: Session,
    items: Sequence[Any],
    actor: User,
    settings: Settings,
    tagger: Any,
    idempotency_key: str | None = None,
) -> BatchOutcome:
    """Store every valid note of a batch in bulk and report each item's outcome; commit once."""
    digest = _digest(idempotency_key, BATCH_ENDPOINT, list(items))
    if idempotency_key and digest:
        seen = idempotency.peek(session=session, user_id=actor.id, key=idempotency_key, digest=digest)
        if seen is not None:
            log_event(log, "notes.batch_replayed", count=len(items), user_id=str(actor.id))
            return _outcome(session, seen.response["items"])
    accepted, refused = _validate_batch(session=session, items=items, actor=actor, settings=settings)
    prepared = _prepare(items=accepted, actor=actor, settings=settings, tagger=tagger)
    summary: list[dict[str, Any]] = []
    stored_ids = {item.index: row["id"] for item, row in zip(accepted, prepared.note_rows, strict=True)}
    for index in range(len(items)):
        if index in stored_ids:
            summary.append({"index": index, "status": "stored", "id": str(stored_ids[index])})
        else:
            summary.append(refused[index].model_dump(mode="json", exclude_none=True))
    session.commit()  # end the read phase
    begin_write(session)
    if idempotency_key and digest:
        claimed = idempotency.claim(
            session=session, user_id=actor.id, key=idempotency_key, endpoint=BATCH_ENDPOINT, digest=digest
        )
        if isinstance(claimed, idempotency.Replay):
            session.rollback()
            return _outcome(session, claimed.response["items"])
        _insert(session=session, prepared=prepared, actor=actor)
        idempotency.complete(session=session, row=claimed, status=200, response={"items": summary})
    else:
        _insert(session=session, prepared=prepared, actor=actor)
    session.commit()
    log_event(
        log,
        "notes.batch_ingested",
        count=len(items),
        stored=len(stored_ids),
        refused=len(refused),
        user_id=str(actor.id),
    )
    return _outcome(session, summary)
