"""Retention: note text is purged after the retention period; tags stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session

from service.db import utcnow
from service.notes.jobs import purge_text
from service.notes.models import Note
from tests.service.conftest import Org
from tests.service.helpers import note_body


def test_purge_drops_old_text_and_keeps_tags(client: TestClient, org: Org, engine: Engine) -> None:
    old = client.post("/api/v1/notes", json=note_body(), headers=org.headers["secretary"]).json()
    new = client.post("/api/v1/notes", json=note_body(), headers=org.headers["secretary"]).json()
    with Session(engine) as session:
        session.exec(
            update(Note)
            .where(Note.id == uuid.UUID(old["id"]))
            .values(created_at=utcnow() - timedelta(days=731))  # type: ignore[arg-type]
        )
        session.commit()
    assert purge_text(engine=engine, retention_days=730) == 1
    assert purge_text(engine=engine, retention_days=730) == 0  # safe to run twice
    after = client.get(f"/api/v1/notes/{old['id']}", headers=org.headers["secretary"]).json()
    assert after["text"] is None
    assert after["concerns"] == old["concerns"] and after["risk"] == old["risk"]
    assert (
        client.get(f"/api/v1/notes/{new['id']}", headers=org.headers["secretary"]).json()["text"]
        == new["text"]
    )
