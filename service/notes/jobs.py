"""Background work of the notes domain: takes dates, opens its own session, safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session

from service.db import utcnow
from service.logs import log_event
from service.notes.models import Note

log = logging.getLogger("xinsheng.notes")


def purge_text(*, engine: Engine, retention_days: int) -> int:
    """Job `notes.purge_text`: drop the text of notes older than the retention; tags and counts stay."""
    cutoff = utcnow() - timedelta(days=retention_days)
    with Session(engine) as session:
        result = session.exec(
            update(Note)
            .where(Note.created_at < cutoff, Note.text.is_not(None))  # type: ignore[arg-type, union-attr]
            .values(text=None, text_purged_at=utcnow())
        )
        session.commit()
    purged = int(result.rowcount or 0)
    log_event(log, "notes.text_purged", count=purged, retention_days=retention_days)
    return purged
