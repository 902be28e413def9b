"""Idempotency-Key: replay returns the first result and stores nothing new; other body → 422;
a key still in progress → 409; keys are per user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from service.db import utcnow
from service.idempotency import service as idempotency
from service.idempotency.models import IdempotencyKey
from service.notes.models import Note, NoteCreate
from service.tickets.models import Ticket
from tests.service.conftest import Org
from tests.service.helpers import RAW_PHONE, note_body


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_replay_returns_the_first_result_and_stores_nothing(
    client: TestClient, org: Org, engine: Engine
) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "k-1"}
    first = client.post("/api/v1/notes", json=note_body(), headers=headers)
    second = client.post("/api/v1/notes", json=note_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert count(engine, Note) == 1
    assert count(engine, IdempotencyKey) == 1


def test_stored_key_row_holds_ids_not_text(client: TestClient, org: Org, engine: Engine) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "k-2"}
    note_id = client.post("/api/v1/notes", json=note_body(), headers=headers).json()["id"]
    with Session(engine) as session:
        row = session.exec(select(IdempotencyKey)).one()
    assert row.response == {"note_id": note_id}
    assert row.response_status == 201
    assert len(row.request_hash) == 64
    assert RAW_PHONE not in str(row.model_dump())


def test_same_key_with_another_body_is_422(client: TestClient, org: Org, engine: Engine) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "k-3"}
    client.post("/api/v1/notes", json=note_body(), headers=headers)
    response = client.post("/api/v1/notes", json=note_body(source="survey"), headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert count(engine, Note) == 1


def test_key_order_and_spacing_do_not_change_the_request(
    client: TestClient, org: Org, engine: Engine
) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "k-4", "Content-Type": "application/json"}
    import json

    body = note_body()
    client.post("/api/v1/notes", content=json.dumps(body), headers=headers)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    assert client.post("/api/v1/notes", content=reordered, headers=headers).status_code == 201
    assert count(engine, Note) == 1


def test_keys_are_scoped_per_user(client: TestClient, org: Org, engine: Engine) -> None:
    for who in ("secretary", "admin"):
        headers = {**org.headers[who], "Idempotency-Key": "shared"}
        assert client.post("/api/v1/notes", json=note_body(), headers=headers).status_code == 201
    assert count(engine, Note) == 2


def test_key_in_progress_is_409(client: TestClient, org: Org, engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            IdempotencyKey(
                user_id=org.user_ids["secretary"],
                key="busy",
                endpoint="POST /api/v1/notes",
                request_hash=idempotency.request_hash(
                    "POST /api/v1/notes", NoteCreate.model_validate(note_body()).model_dump(mode="json")
                ),
            )
        )
        session.commit()
    response = client.post(
        "/api/v1/notes", json=note_body(), headers={**org.headers["secretary"], "Idempotency-Key": "busy"}
    )
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_in_progress"
    assert count(engine, Note) == 0


def test_failed_request_does_not_consume_the_key(client: TestClient, org: Org, engine: Engine) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "k-5"}
    assert client.post("/api/v1/notes", json=note_body(text="  "), headers=headers).status_code == 422
    assert count(engine, IdempotencyKey) == 0
    assert client.post("/api/v1/notes", json=note_body(), headers=headers).status_code == 201


def test_batch_replay_returns_the_same_outcomes(client: TestClient, org: Org, engine: Engine) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "b-1"}
    body = {"notes": [note_body(), note_body(text=""), note_body(branch="B2")]}
    first = client.post("/api/v1/notes/batch", json=body, headers=headers)
    second = client.post("/api/v1/notes/batch", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert count(engine, Note) == 1
    other = client.post("/api/v1/notes/batch", json={"notes": [note_body()]}, headers=headers)
    assert other.status_code == 422


def test_same_key_on_the_other_endpoint_is_422(client: TestClient, org: Org) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "k-6"}
    client.post("/api/v1/notes", json=note_body(), headers=headers)
    response = client.post("/api/v1/notes/batch", json={"notes": [note_body()]}, headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "中文"])
def test_invalid_key_is_422(client: TestClient, org: Org, key: str) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": key.encode("utf-8")}
    response = client.post("/api/v1/notes", json=note_body(), headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_idempotency_key"


def test_purge_keeps_keys_for_at_least_24_hours(engine: Engine, org: Org) -> None:
    with Session(engine) as session:
        for key, age in (("fresh", timedelta(hours=23)), ("old", timedelta(days=3))):
            session.add(
                IdempotencyKey(
                    user_id=org.user_ids["admin"], key=key, endpoint="e", request_hash="0" * 64,
                    created_at=utcnow() - age,
                )
            )  # fmt: skip
        session.commit()
        assert idempotency.purge_expired(session=session) == 1
        assert [row.key for row in session.exec(select(IdempotencyKey)).all()] == ["fresh"]
    assert timedelta(hours=24) <= idempotency.KEEP_FOR


def test_replay_of_note_with_ticket_keeps_the_ticket_id(
    keyword_client: TestClient, org: Org, engine: Engine
) -> None:
    headers = {**org.headers["secretary"], "Idempotency-Key": "t-1"}
    body = note_body(text="收入 [pay]")
    first = keyword_client.post("/api/v1/notes", json=body, headers=headers).json()
    second = keyword_client.post("/api/v1/notes", json=body, headers=headers).json()
    assert first["ticket_id"] and first["ticket_id"] == second["ticket_id"]
    assert count(engine, Ticket) == 1


def test_concurrent_twins_store_one_note(settings, engine: Engine, org: Org) -> None:  # noqa: ANN001
    import threading
    import time

    from service.app import create_app
    from tests.service.helpers import KeywordTagger

    class SlowTagger(KeywordTagger):
        def predict(self, texts, sources=None):  # noqa: ANN001, ANN202
            time.sleep(0.3)  # both requests are past the first key lookup before either writes
            return super().predict(texts, sources)

    results: list[tuple[int, str]] = []
    headers = {**org.headers["secretary"], "Idempotency-Key": "twin"}
    with TestClient(create_app(settings, engine=engine, tagger=SlowTagger())) as twin_client:

        def post() -> None:
            response = twin_client.post("/api/v1/notes", json=note_body(), headers=headers)
            results.append((response.status_code, response.json().get("id", response.text)))

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    statuses = sorted(status for status, _ in results)
    assert statuses in ([201, 201], [201, 409]), results
    ids = {note_id for status, note_id in results if status == 201}
    assert len(ids) == 1
    assert count(engine, Note) == 1
    assert count(engine, IdempotencyKey) == 1


def test_replay_of_a_note_is_audited(client: TestClient, org: Org, engine: Engine) -> None:
    from service.audit.models import AuditEvent

    headers = {**org.headers["secretary"], "Idempotency-Key": "k-audit"}
    note_id = client.post("/api/v1/notes", json=note_body(), headers=headers).json()["id"]
    client.post("/api/v1/notes", json=note_body(), headers=headers)
    with Session(engine) as session:
        actions = sorted(e.action for e in session.exec(select(AuditEvent)).all() if e.note_ids == [note_id])
    assert actions == ["notes.create", "notes.create_replay"]
