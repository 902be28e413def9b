"""Batch ingest: every item's outcome, nothing silently dropped, bulk storage."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func
from sqlmodel import Session, select

from service.notes.models import Note
from tests.service.conftest import Org
from tests.service.helpers import RAW_PHONE, note_body


def test_each_item_is_stored_or_refused_with_why(client: TestClient, org: Org, engine: Engine) -> None:
    items = [
        note_body(),
        note_body(text="   "),
        note_body(branch="NOPE"),
        note_body(source="fax"),
        note_body(occurred_on="2026-02-30"),
        note_body(branch="B2"),
        {"text": "no other fields"},
        note_body(text="很" * 20_001),
        note_body(source="survey"),
    ]
    response = client.post("/api/v1/notes/batch", json={"notes": items}, headers=org.headers["secretary"])
    assert response.status_code == 200, response.text
    body = response.json()
    outcomes = body["items"]
    assert [o["index"] for o in outcomes] == list(range(len(items)))
    assert [o["status"] for o in outcomes] == [
        "stored", "refused", "refused", "refused", "refused", "refused", "refused", "refused", "stored",
    ]  # fmt: skip
    assert body["stored"] == 2 and body["refused"] == 7
    errors = {o["index"]: (o["error"], o["detail"]) for o in outcomes if o["status"] == "refused"}
    assert errors[1][0] == "text_empty"
    assert errors[2][0] == "branch_not_found" and "NOPE" in errors[2][1]
    assert "notes.3.source" in errors[3][1]
    assert "notes.4.occurred_on" in errors[4][1]
    assert errors[5][0] == "forbidden"
    assert "notes.6.branch" in errors[6][1] and "notes.6.source" in errors[6][1]
    assert errors[7][0] == "text_too_long" and "20001" in errors[7][1]
    assert RAW_PHONE not in response.text
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Note)).one()
    assert stored == 2
    assert all(o["id"] for o in outcomes if o["status"] == "stored")


def test_batch_is_stored_in_bulk_statements(client: TestClient, org: Org, engine: Engine) -> None:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        if statement.lstrip().upper().startswith("INSERT INTO NOTE "):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        items = [note_body(occurred_on=f"2026-10-{day:02d}") for day in range(1, 31)]
        response = client.post("/api/v1/notes/batch", json={"notes": items}, headers=org.headers["secretary"])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.json()["stored"] == 30
    assert 1 <= len(statements) <= 2  # one executemany / multi-row insert, not 30 round trips


def test_batch_of_1000_is_accepted_and_1001_refused(client: TestClient, org: Org) -> None:
    too_many = {"notes": [note_body()] * 1001}
    response = client.post("/api/v1/notes/batch", json=too_many, headers=org.headers["secretary"])
    assert response.status_code == 422
    assert "notes" in response.json()["detail"]
    response = client.post("/api/v1/notes/batch", json={"notes": []}, headers=org.headers["secretary"])
    assert response.status_code == 422


def test_batch_item_that_is_not_an_object_is_422(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes/batch", json={"notes": ["text"]}, headers=org.headers["secretary"])
    assert response.status_code == 422
    assert "notes.0" in response.json()["detail"]
