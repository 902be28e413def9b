"""The ticket API end to end: read with ETag, transitions under If-Match, comments, assignment, history."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.audit.models import AuditEvent
from service.notes.models import NoteLabel
from tests.service.conftest import Org
from tests.service.helpers import RAW_PHONE
from tests.service.tickets.conftest import TEXTS, move

FIELDS = {
    "id", "note_id", "queue", "branch", "status", "risk", "concerns", "created_at", "due_at",
    "first_response_at", "resolved_at", "version",
}  # fmt: skip


def test_read_has_the_public_fields_an_etag_and_the_note(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket("hr")
    assert set(ticket) >= FIELDS
    assert ticket["etag"] == '"1"' and ticket["version"] == 1
    assert (ticket["queue"], ticket["branch"], ticket["status"]) == ("hr", "B1", "open")
    assert ticket["concerns"] == ["pay"]
    assert ticket["note_text"] == TEXTS["hr"]
    for key in ("created_at", "due_at"):
        assert datetime.fromisoformat(ticket[key]).utcoffset() is not None
        assert ticket[key].endswith(("Z", "+00:00"))


def test_reading_a_ticket_writes_an_audit_row(
    client: TestClient, org: Org, engine: Engine, open_ticket
) -> None:
    ticket = open_ticket("hr")
    client.get(
        f"/api/v1/tickets/{ticket['id']}", headers={**org.headers["hr"], "X-Reason": "%E5%9B%9E%E8%AE%BF"}
    )
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == "tickets.read")).all()
        assert any(r.reason == "回访" and ticket["note_id"] in r.note_ids for r in rows)


def test_transition_without_if_match_is_428(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/transitions",
        json={"to": "acknowledged"},
        headers=org.headers["admin"],
    )
    assert response.status_code == 428
    assert response.json()["error"] == "precondition_required"


def test_stale_if_match_is_412_and_changes_nothing(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    stale = dict(ticket)
    assert move(client, org, ticket, "acknowledged").status_code == 200
    response = move(client, org, stale, "in_progress")
    assert response.status_code == 412
    assert response.headers["ETag"] == '"2"'
    got = client.get(f"/api/v1/tickets/{ticket['id']}", headers=org.headers["admin"]).json()
    assert (got["status"], got["version"]) == ("acknowledged", 2)


def test_forbidden_transition_is_409_with_the_allowed_statuses(
    client: TestClient, org: Org, open_ticket
) -> None:
    ticket = open_ticket()
    response = move(client, org, ticket, "closed", outcome="满意")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "invalid_transition"
    assert body["allowed"] == ["acknowledged", "in_progress", "dismissed"]


def test_unknown_status_is_422(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    response = move(client, org, ticket, "finished")
    assert response.status_code == 422
    assert "to:" in response.json()["detail"]


def test_full_flow_records_times_outcome_and_history(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    assert move(client, org, ticket, "acknowledged", comment="已联系").status_code == 200
    assert ticket["first_response_at"] is not None
    for to in ("in_progress", "waiting", "in_progress", "resolved"):
        assert move(client, org, ticket, to).status_code == 200
    assert ticket["resolved_at"] is not None
    assert move(client, org, ticket, "closed").status_code == 422  # no 回访 outcome
    assert move(client, org, ticket, "closed", outcome="满意").status_code == 200
    assert (ticket["status"], ticket["outcome"], ticket["version"]) == ("closed", "满意", 7)
    history = [(e["from_status"], e["to_status"]) for e in ticket["events"] if e["kind"] == "transition"]
    assert history == [
        ("open", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "waiting"),
        ("waiting", "in_progress"), ("in_progress", "resolved"), ("resolved", "closed"),
    ]  # fmt: skip
    assert all(e["actor_id"] == str(org.user_ids["admin"]) for e in ticket["events"])


def test_dissatisfied_follow_up_reopens(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    for to in ("in_progress", "resolved"):
        move(client, org, ticket, to)
    assert move(client, org, ticket, "closed", outcome="不满意").status_code == 200
    assert (ticket["status"], ticket["outcome"], ticket["resolved_at"]) == ("in_progress", "不满意", None)


def test_dismiss_requires_a_reason(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    response = move(client, org, ticket, "dismissed")
    assert response.status_code == 422
    assert response.json()["error"] == "reason_required"


def test_wrong_tag_dismissal_writes_a_label_correction(
    client: TestClient, org: Org, engine: Engine, open_ticket
) -> None:
    ticket = open_ticket("hr")
    response = move(client, org, ticket, "dismissed", reason="wrong_tag", concerns=["family"])
    assert response.status_code == 200
    assert ticket["closed_at"] is not None and ticket["resolved_at"] is None
    assert ticket["events"][-1]["data"] == {"requested": "dismissed", "reason": "wrong_tag"}
    with Session(engine) as session:
        labels = session.exec(
            select(NoteLabel).where(NoteLabel.note_id == uuid.UUID(ticket["note_id"]))
        ).all()
    assert [label.concerns for label in labels] == [["family"]]
    assert labels[0].labelled_by == org.user_ids["admin"]


def test_wrong_tag_with_an_unknown_concern_changes_nothing(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    response = move(client, org, ticket, "dismissed", reason="wrong_tag", concerns=["nonsense"])
    assert response.status_code == 422
    got = client.get(f"/api/v1/tickets/{ticket['id']}", headers=org.headers["admin"]).json()
    assert (got["status"], got["version"]) == ("open", 1)


def test_comments_are_scrubbed_and_leave_the_version(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/comments",
        json={"text": f"已电话联系 {RAW_PHONE}"},
        headers=org.headers["secretary"],
    )
    assert response.status_code == 201
    assert RAW_PHONE not in response.text and "〔电话〕" in response.json()["reason"]
    got = client.get(f"/api/v1/tickets/{ticket['id']}", headers=org.headers["admin"])
    assert got.headers["ETag"] == '"1"'
    assert [e["kind"] for e in got.json()["events"]] == ["comment"]


def test_assignment_needs_if_match_and_a_user_who_may_work_it(
    client: TestClient, org: Org, open_ticket
) -> None:
    ticket = open_ticket()
    url = f"/api/v1/tickets/{ticket['id']}/assignee"
    admin = org.headers["admin"]
    assert client.put(url, json={"user": "sec-b1"}, headers=admin).status_code == 428
    assert client.put(url, json={"user": "hr-1"}, headers={**admin, "If-Match": '"1"'}).status_code == 422
    response = client.put(url, json={"user": "sec-b1"}, headers={**admin, "If-Match": '"1"'})
    assert response.status_code == 200
    body = response.json()
    assert (body["assignee_id"], body["version"]) == (str(org.user_ids["secretary"]), 2)
    assert body["events"][-1]["kind"] == "assign"


def test_listing_filters_and_pages(client: TestClient, org: Org, open_ticket) -> None:
    made = [
        open_ticket("branch"),
        open_ticket("hr"),
        open_ticket("branch"),
        open_ticket("branch", branch="B2"),
    ]
    admin = org.headers["admin"]
    items = client.get("/api/v1/tickets", params={"queue": "branch", "branch": "B1"}, headers=admin).json()[
        "items"
    ]
    assert {i["id"] for i in items} == {made[0]["id"], made[2]["id"]}
    assert "note_text" not in items[0]
    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/tickets", params={"limit": 1, **({"cursor": cursor} if cursor else {})}, headers=admin
        ).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(t["id"] for t in made) and len(seen) == 4
    assert client.get("/api/v1/tickets", params={"overdue": "true"}, headers=admin).json()["items"] == []
    assert len(client.get("/api/v1/tickets", params={"status": "open"}, headers=admin).json()["items"]) == 4
    assert client.get("/api/v1/tickets", params={"status": "nope"}, headers=admin).status_code == 422
    assert client.get("/api/v1/tickets", params={"cursor": "abc"}, headers=admin).status_code == 422


def test_overdue_filter_finds_late_tickets(client: TestClient, org: Org, engine: Engine, open_ticket) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from service.tickets.models import Ticket

    late, on_time = open_ticket(), open_ticket()
    with Session(engine) as session:
        ticket = session.get(Ticket, uuid.UUID(late["id"]))
        session.exec(
            update(Ticket).where(Ticket.id == ticket.id).values(due_at=ticket.created_at - timedelta(hours=1))
        )
        session.commit()
    items = client.get("/api/v1/tickets", params={"overdue": "true"}, headers=org.headers["admin"]).json()[
        "items"
    ]
    assert [i["id"] for i in items] == [late["id"]] and items[0]["overdue"] is True
    others = client.get("/api/v1/tickets", params={"overdue": "false"}, headers=org.headers["admin"]).json()[
        "items"
    ]
    assert [i["id"] for i in others] == [on_time["id"]]
