"""Use cases of the notes domain: validate, shape, find, list, read (audited) and correct labels."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from nlp import scrub
from service.accounts import service as accounts
from service.accounts.errors import BranchNotFound
from service.accounts.models import Role, User
from service.audit import service as audit
from service.errors import shown
from service.notes.errors import InvalidCursor, NoteNotFound, NoteTextEmpty, NoteTextTooLong, UnknownLabel
from service.notes.models import (
    ConcernPublic,
    LabelsPublic,
    LabelsUpdate,
    Note,
    NoteConcern,
    NoteLabel,
    NotePublic,
)
from service.taxonomy import CONCERN_CODES, RISK_CODES, SENTIMENT_CODES


def validate_text(text: str, *, max_chars: int) -> str:
    """Return the text if it is neither blank nor longer than `max_chars`, else raise a 422 error."""
    if not text or not text.strip():
        raise NoteTextEmpty()
    if len(text) > max_chars:
        raise NoteTextTooLong(len(text), max_chars)
    return text


def subject_hmac(*, secret: bytes, subject_ref: str | None) -> str | None:
    """Return the HMAC-SHA256 hex of a subject reference under the server secret (None when blank)."""
    if subject_ref is None or not subject_ref.strip():
        return None
    return hmac.new(secret, subject_ref.strip().encode("utf-8"), hashlib.sha256).hexdigest()


def get_note(*, session: Session, note_id: uuid.UUID) -> Note:
    """Return a note or raise NoteNotFound."""
    note = session.get(Note, note_id)
    if note is None:
        raise NoteNotFound("note not found (记录不存在)")
    return note


def get_visible_note(*, session: Session, note_id: uuid.UUID, user: User) -> Note:
    """Return a note the user may see; another branch's note is reported as not found."""
    note = get_note(session=session, note_id=note_id)
    if user.role != Role.admin and note.branch_id != user.branch_id:
        raise NoteNotFound("note not found (记录不存在)")
    return note


def get_notes(*, session: Session, note_ids: Sequence[uuid.UUID]) -> list[Note]:
    """Return notes by id, in the order given (missing ids are skipped)."""
    if not note_ids:
        return []
    rows = session.exec(select(Note).where(Note.id.in_(list(note_ids)))).all()  # type: ignore[attr-defined]
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in note_ids if i in by_id]


def current_labels(*, session: Session, note_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, NoteLabel]:
    """Return the newest human label of each note that has one."""
    if not note_ids:
        return {}
    rows = session.exec(
        select(NoteLabel)
        .where(NoteLabel.note_id.in_(list(note_ids)))  # type: ignore[attr-defined]
        .order_by(NoteLabel.labelled_at, NoteLabel.id)  # type: ignore[arg-type]
    ).all()
    return {row.note_id: row for row in rows}


def to_public(
    *, session: Session, notes: Sequence[Note], ticket_ids: dict[uuid.UUID, uuid.UUID]
) -> list[NotePublic]:
    """Shape notes for the API with their branch codes, current labels and ticket ids."""
    codes = accounts.branch_codes(session=session, ids={note.branch_id for note in notes})
    labels = current_labels(session=session, note_ids=[note.id for note in notes])
    out = []
    for note in notes:
        label = labels.get(note.id)
        out.append(
            NotePublic(
                id=note.id,
                branch=codes.get(note.branch_id, ""),
                source=note.source,
                occurred_on=note.occurred_on,
                text=note.text,
                pii=dict(note.pii or {}),
                concerns=[ConcernPublic(**c) for c in note.concerns or []],
                sentiment=note.sentiment,
                risk=note.risk,
                model_version=note.model_version,
                ticket_id=ticket_ids.get(note.id),
                created_at=note.created_at,
                labels=LabelsPublic(
                    concerns=list(label.concerns),
                    sentiment=label.sentiment,
                    risk=label.risk,
                    comment=label.comment,
                    labelled_by=label.labelled_by,
                    labelled_at=label.labelled_at,
                )
                if label
                else None,
            )
        )
    return out


@dataclass(frozen=True)
class NoteFilters:
    occurred_from: date | None = None
    occurred_to: date | None = None
    source: str | None = None
    concern: str | None = None
    risk: str | None = None
    branch: str | None = None


def encode_cursor(note: Note) -> str:
    raw = json.dumps([note.created_at.isoformat(), str(note.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, note_id = json.loads(raw)
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, uuid.UUID(note_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("cursor: invalid pagination cursor (分页游标无效)") from None


def list_notes(
    *, session: Session, user: User, filters: NoteFilters, cursor: str | None, limit: int
) -> tuple[list[Note], str | None]:
    """Return a page of notes the user may see, newest first, and the cursor of the next page."""
    if filters.concern is not None and filters.concern not in CONCERN_CODES:
        raise UnknownLabel(f"concern: unknown concern code {_code(filters.concern)} (未知的关注类别)")
    if filters.risk is not None and filters.risk not in RISK_CODES:
        raise UnknownLabel(f"risk: unknown risk code {_code(filters.risk)} (未知的风险等级)")
    query = select(Note)
    if user.role != Role.admin:
        query = query.where(Note.branch_id == user.branch_id)
    if filters.branch:
        branch = accounts.get_branch_by_code(session=session, code=filters.branch)
        if user.role != Role.admin and branch.id != user.branch_id:
            raise BranchNotFound(f"branch {shown(filters.branch, 64)} not found (支部不存在)")
        query = query.where(Note.branch_id == branch.id)
    if filters.occurred_from:
        query = query.where(Note.occurred_on >= filters.occurred_from)
    if filters.occurred_to:
        query = query.where(Note.occurred_on <= filters.occurred_to)
    if filters.source:
        query = query.where(Note.source == filters.source)
    if filters.risk:
        query = query.where(Note.risk == filters.risk)
    if filters.concern:
        query = query.where(
            Note.id.in_(select(NoteConcern.note_id).where(NoteConcern.code == filters.concern))  # type: ignore[attr-defined]
        )
    if cursor:
        created_at, note_id = decode_cursor(cursor)
        query = query.where(
            or_(Note.created_at < created_at, and_(Note.created_at == created_at, Note.id < note_id))  # type: ignore[arg-type, operator]
        )
    query = query.order_by(Note.created_at.desc(), Note.id.desc()).limit(limit + 1)  # type: ignore[attr-defined, union-attr]
    rows = list(session.exec(query).all())
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def audit_read(*, session: Session, user: User, notes: Sequence[Note], action: str, reason: str) -> None:
    """Write the audit row for a response that carries these notes' text, and commit."""
    if notes:
        audit.record(
            session=session, user_id=user.id, action=action, note_ids=[n.id for n in notes], reason=reason
        )
        session.commit()


def _code(value: str) -> str:
    return shown(value, 16)


def check_labels(data: LabelsUpdate) -> list[str]:
    """Return the concern codes deduplicated, or raise UnknownLabel naming the bad code and field."""
    unknown = [code for code in data.concerns if code not in CONCERN_CODES]
    if unknown:
        raise UnknownLabel(
            f"concerns: unknown concern code(s) {', '.join(map(_code, unknown))} (未知的关注类别); "
            f"known: {', '.join(CONCERN_CODES)}"
        )
    if data.sentiment is not None and data.sentiment not in SENTIMENT_CODES:
        raise UnknownLabel(
            f"sentiment: unknown code {_code(data.sentiment)}; known: {', '.join(SENTIMENT_CODES)}"
        )
    if data.risk is not None and data.risk not in RISK_CODES:
        raise UnknownLabel(f"risk: unknown code {_code(data.risk)}; known: {', '.join(RISK_CODES)}")
    return list(dict.fromkeys(data.concerns))


def correct_labels(
    *,
    session: Session,
    note: Note,
    data: LabelsUpdate,
    actor: User,
    reason: str,
    on_corrected: Callable[..., None] | None = None,
) -> NoteLabel:
    """Store a human correction beside the model's labels, audit it, and commit.

    `on_corrected(session=, note=, previous=, current=)` runs before the commit, in the same transaction
    (the trends rollups use it; notes does not import trends).
    """
    concerns = check_labels(data)
    previous = current_labels(session=session, note_ids=[note.id]).get(note.id)
    label = NoteLabel(
        note_id=note.id,
        concerns=concerns,
        sentiment=data.sentiment,
        risk=data.risk,
        comment=scrub(data.comment).text if data.comment else None,  # comments may name people too
        labelled_by=actor.id,
    )
    session.add(label)
    session.flush()
    if on_corrected is not None:
        on_corrected(session=session, note=note, previous=previous, current=label)
    audit.record(
        session=session, user_id=actor.id, action="notes.correct_labels", note_ids=[note.id], reason=reason
    )
    session.commit()
    return label
