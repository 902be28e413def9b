"""Notes API: submit, read, list with filters and cursor pagination, correct labels."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.audit.models import AuditEvent
from service.notes.models import Note, NoteLabel
from service.notes.service import subject_hmac
from tests.service.conftest import TEST_SECRET, Org
from tests.service.helpers import RAW_EMAIL, RAW_ID, RAW_PHONE, note_body


def submit(client: TestClient, org: Org, who: str = "secretary", **overrides) -> dict:  # noqa: ANN003
    response = client.post("/api/v1/notes", json=note_body(**overrides), headers=org.headers[who])
    assert response.status_code == 201, response.text
    return response.json()


def test_submit_returns_the_stored_note(client: TestClient, org: Org, tagger) -> None:  # noqa: ANN001
    body = submit(client, org)
    assert set(body) >= {
        "id", "branch", "source", "occurred_on", "text", "pii", "concerns", "sentiment", "risk",
        "model_version", "ticket_id",
    }  # fmt: skip
    assert uuid.UUID(body["id"])
    assert body["branch"] == "B1"
    assert body["source"] == "talk"
    assert body["occurred_on"] == "2026-11-20"
    assert body["model_version"] == tagger.version
    assert body["sentiment"] in ("positive", "neutral", "negative")
    assert body["risk"] in ("none", "watch", "urgent")
    for concern in body["concerns"]:
        assert set(concern) == {"code", "score", "evidence"}
        assert 0.0 <= concern["score"] <= 1.0


def test_submit_stores_and_returns_only_scrubbed_text(client: TestClient, org: Org, engine: Engine) -> None:
    body = submit(client, org)
    for raw in (RAW_PHONE, RAW_EMAIL, RAW_ID):
        assert raw not in body["text"]
    assert body["pii"].get("phone", 0) >= 1
    with Session(engine) as session:
        note = session.get(Note, uuid.UUID(body["id"]))
        assert note is not None
        assert note.text == body["text"]
        assert RAW_PHONE not in (note.text or "")


def test_subject_ref_is_stored_only_as_hmac(client: TestClient, org: Org, engine: Engine) -> None:
    body = submit(client, org, subject_ref="E-000123")
    assert "E-000123" not in str(body)
    with Session(engine) as session:
        note = session.get(Note, uuid.UUID(body["id"]))
        assert note is not None
        assert note.subject_hmac == subject_hmac(secret=TEST_SECRET.encode(), subject_ref="E-000123")
        assert "E-000123" not in str(note.model_dump())


def test_same_subject_gives_the_same_hmac_and_others_differ() -> None:
    a = subject_hmac(secret=b"k" * 32, subject_ref="E1")
    assert a == subject_hmac(secret=b"k" * 32, subject_ref=" E1 ")
    assert a != subject_hmac(secret=b"k" * 32, subject_ref="E2")
    assert a != subject_hmac(secret=b"j" * 32, subject_ref="E1")
    assert subject_hmac(secret=b"k" * 32, subject_ref="  ") is None


def test_read_one_note_and_audit_it(client: TestClient, org: Org, engine: Engine) -> None:
    note_id = submit(client, org)["id"]
    response = client.get(
        f"/api/v1/notes/{note_id}", headers={**org.headers["secretary"], "X-Reason": quote("回访准备")}
    )
    assert response.status_code == 200
    assert response.json()["id"] == note_id
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "notes.read")).all()
    assert len(events) == 1
    assert events[0].note_ids == [note_id]
    assert events[0].reason == "回访准备"
    assert events[0].user_id == org.user_ids["secretary"]


def test_every_text_response_writes_an_audit_row(client: TestClient, org: Org, engine: Engine) -> None:
    note_id = submit(client, org)["id"]
    client.get(f"/api/v1/notes/{note_id}", headers=org.headers["secretary"])
    client.get("/api/v1/notes", headers=org.headers["admin"])
    client.put(
        f"/api/v1/notes/{note_id}/labels", json={"concerns": ["pay"]}, headers=org.headers["secretary"]
    )
    with Session(engine) as session:
        events = session.exec(select(AuditEvent)).all()
    actions = sorted(event.action for event in events)
    assert actions == ["notes.correct_labels", "notes.create", "notes.list", "notes.read"]
    assert all(event.note_ids == [note_id] for event in events)
    by_action = {event.action: event for event in events}
    assert by_action["notes.read"].reason == "read_note"  # the route name when no X-Reason
    assert by_action["notes.list"].user_id == org.user_ids["admin"]


def test_list_is_newest_first_with_cursor_pagination(client: TestClient, org: Org) -> None:
    ids = [submit(client, org, occurred_on=f"2026-11-{day:02d}")["id"] for day in range(1, 6)]
    seen: list[str] = []
    cursor = None
    while True:
        url = "/api/v1/notes?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=org.headers["secretary"]).json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))


def test_list_filters(client: TestClient, org: Org) -> None:
    talk = submit(client, org, occurred_on="2026-10-01")
    survey = submit(client, org, source="survey", occurred_on="2026-11-15")
    headers = org.headers["secretary"]

    def ids(query: str) -> set[str]:
        response = client.get(f"/api/v1/notes?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert ids("source=survey") == {survey["id"]}
    assert ids("from=2026-11-01") == {survey["id"]}
    assert ids("to=2026-10-31") == {talk["id"]}
    assert ids("branch=B1") == {talk["id"], survey["id"]}
    assert ids(f"risk={talk['risk']}") >= {talk["id"]}
    if talk["concerns"]:
        assert talk["id"] in ids(f"concern={talk['concerns'][0]['code']}")
    absent = next(
        c for c in ("integrity", "party", "safety") if c not in {x["code"] for x in talk["concerns"]}
    )
    assert talk["id"] not in ids(f"concern={absent}")


def test_correct_labels_keeps_the_model_labels_beside(client: TestClient, org: Org, engine: Engine) -> None:
    note = submit(client, org)
    response = client.put(
        f"/api/v1/notes/{note['id']}/labels",
        json={"concerns": ["workload", "health", "workload"], "sentiment": "negative", "risk": "watch"},
        headers=org.headers["secretary"],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["concerns"] == note["concerns"]  # the model's, unchanged
    assert body["labels"]["concerns"] == ["workload", "health"]
    assert body["labels"]["risk"] == "watch"
    assert body["labels"]["labelled_by"] == str(org.user_ids["secretary"])
    assert body["labels"]["labelled_at"]
    with Session(engine) as session:
        assert len(session.exec(select(NoteLabel)).all()) == 1


def test_unknown_concern_code_in_labels_is_422_naming_it(client: TestClient, org: Org) -> None:
    note = submit(client, org)
    response = client.put(
        f"/api/v1/notes/{note['id']}/labels",
        json={"concerns": ["pay", "money"]},
        headers=org.headers["secretary"],
    )
    assert response.status_code == 422
    assert response.json()["error"] == "unknown_label"
    assert "'money'" in response.json()["detail"]


def test_unknown_sentiment_or_risk_in_labels_is_422(client: TestClient, org: Org) -> None:
    note = submit(client, org)
    for body, field in (
        ({"concerns": [], "sentiment": "happy"}, "sentiment"),
        ({"concerns": [], "risk": "red"}, "risk"),
    ):
        response = client.put(
            f"/api/v1/notes/{note['id']}/labels", json=body, headers=org.headers["secretary"]
        )
        assert response.status_code == 422
        assert response.json()["detail"].startswith(field)


def test_missing_note_is_404(client: TestClient, org: Org) -> None:
    response = client.get(f"/api/v1/notes/{uuid.uuid4()}", headers=org.headers["admin"])
    assert response.status_code == 404
    assert response.json()["error"] == "note_not_found"


def test_reason_header_with_control_characters_is_cleaned(
    client: TestClient, org: Org, engine: Engine
) -> None:
    note_id = submit(client, org)["id"]
    response = client.get(
        f"/api/v1/notes/{note_id}", headers={**org.headers["secretary"], "X-Reason": "a%00b%0A"}
    )
    assert response.status_code == 200
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "notes.read")).one()
    assert event.reason == "ab"


def test_nul_characters_are_refused_with_422(client: TestClient, org: Org) -> None:
    for body in (note_body(text="a\x00b"), note_body(branch="B\x001"), note_body(subject_ref="x\x00")):
        response = client.post("/api/v1/notes", json=body, headers=org.headers["secretary"])
        assert response.status_code == 422, response.text
    response = client.get("/api/v1/notes", params={"branch": "B\x001"}, headers=org.headers["secretary"])
    assert response.status_code == 422
