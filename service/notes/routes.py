"""HTTP routes of the notes domain (thin: parse, authorise, call the use case, shape the answer).

Routes sit above the domains: they call `ingest` (which composes notes and tickets) to shape notes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Header, Query, Request, status

from service.deps import NoteUser, SessionDep, SettingsDep, TaggerDep, VisibleNote
from service.errors import error_responses
from service.ingest import service as ingest
from service.notes import service as notes
from service.notes.models import (
    BatchOutcome,
    LabelsUpdate,
    NoteBatchCreate,
    NoteCreate,
    NotePublic,
    NotesPublic,
    Source,
)
from service.taxonomy import CONCERN_CODES, RISK_CODES
from service.trends import service as trends

router = APIRouter(tags=["notes"])

NoteWriter = NoteUser  # secretaries (own branch) and admins submit and correct
NoteReader = NoteUser  # hr and discipline never list raw notes: they see them through their tickets
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="retry-safe key, scoped to the caller; kept at least 24 h"),
]
ReasonHeader = Annotated[
    str | None,
    Header(alias="X-Reason", description="why the note text is read (audited); percent-encode non-ASCII"),
]

_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 503)
_POST_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 422, 503)


def _reason(header: str | None, request: Request) -> str:
    # Headers are Latin-1: clients percent-encode a Chinese reason (X-Reason: %E5%9B%9E%E8%AE%BF).
    reason = "".join(ch for ch in unquote(header or "") if ch.isprintable()).strip()
    route = request.scope.get("route")
    return reason or getattr(route, "name", "") or request.url.path


@router.post(
    "/notes",
    response_model=NotePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Submit a note: scrub, tag, store, open a ticket",
    responses=_POST_ERRORS,
)
def submit_note(
    data: NoteCreate,
    request: Request,
    session: SessionDep,
    user: NoteWriter,
    settings: SettingsDep,
    tagger: TaggerDep,
    idempotency_key: IdempotencyKeyHeader = None,
    x_reason: ReasonHeader = None,
) -> NotePublic:
    return ingest.ingest_note(
        session=session,
        data=data,
        actor=user,
        settings=settings,
        tagger=tagger,
        idempotency_key=idempotency_key,
        reason=_reason(x_reason, request),
    )


@router.post(
    "/notes/batch",
    response_model=BatchOutcome,
    summary="Submit up to 1,000 notes; each is stored or refused with why",
    responses=_POST_ERRORS,
)
def submit_batch(
    data: NoteBatchCreate,
    session: SessionDep,
    user: NoteWriter,
    settings: SettingsDep,
    tagger: TaggerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> BatchOutcome:
    return ingest.ingest_batch(
        session=session,
        items=data.notes,
        actor=user,
        settings=settings,
        tagger=tagger,
        idempotency_key=idempotency_key,
    )


@router.get("/notes", response_model=NotesPublic, summary="List notes, newest first", responses=_ERRORS)
def list_notes(
    request: Request,
    session: SessionDep,
    user: NoteReader,
    occurred_from: Annotated[date | None, Query(alias="from", description="occurred on or after")] = None,
    occurred_to: Annotated[date | None, Query(alias="to", description="occurred on or before")] = None,
    source: Source | None = None,
    concern: Annotated[
        str | None, Query(description="concern code", json_schema_extra={"enum": list(CONCERN_CODES)})
    ] = None,
    risk: Annotated[
        str | None, Query(description="risk code", json_schema_extra={"enum": list(RISK_CODES)})
    ] = None,
    branch: Annotated[
        str | None, Query(max_length=64, pattern=r"^[^\x00]*$", description="branch code")
    ] = None,
    cursor: Annotated[
        str | None,
        Query(max_length=200, pattern=r"^[A-Za-z0-9_-]*$", description="next_cursor of the previous page"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    x_reason: ReasonHeader = None,
) -> NotesPublic:
    filters = notes.NoteFilters(
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        source=source.value if source else None,
        concern=concern,
        risk=risk,
        branch=branch,
    )
    page, next_cursor = notes.list_notes(
        session=session, user=user, filters=filters, cursor=cursor, limit=limit
    )
    items = ingest.present(session=session, notes_=page)
    notes.audit_read(
        session=session, user=user, notes=page, action="notes.list", reason=_reason(x_reason, request)
    )
    return NotesPublic(items=items, next_cursor=next_cursor)


@router.get("/notes/{note_id}", response_model=NotePublic, summary="Read one note", responses=_ERRORS)
def read_note(
    note: VisibleNote, request: Request, session: SessionDep, user: NoteReader, x_reason: ReasonHeader = None
) -> NotePublic:
    public = ingest.present(session=session, notes_=[note])[0]
    notes.audit_read(
        session=session, user=user, notes=[note], action="notes.read", reason=_reason(x_reason, request)
    )
    return public


@router.put(
    "/notes/{note_id}/labels",
    response_model=NotePublic,
    summary="Correct a note's labels (kept beside the model's)",
    responses=_ERRORS,
)
def correct_labels(
    note: VisibleNote,
    data: LabelsUpdate,
    request: Request,
    session: SessionDep,
    user: NoteWriter,
    x_reason: ReasonHeader = None,
) -> NotePublic:
    notes.correct_labels(
        session=session,
        note=note,
        data=data,
        actor=user,
        reason=_reason(x_reason, request),
        on_corrected=trends.record_label_correction,
    )
    return ingest.present(session=session, notes_=[note])[0]
