"""New tickets: who gets one, which queue, when due (pure rules and through ingest)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.tickets import workflow
from service.tickets.models import Ticket
from tests.service.conftest import Org
from tests.service.helpers import note_body

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("concerns", "queue"),
    [
        (["integrity"], "discipline"),
        (["pay", "integrity"], "discipline"),
        (["pay"], "hr"),
        (["career", "health"], "hr"),
        (["reform"], "hr"),
        (["health"], "branch"),
        (["workload", "family"], "branch"),
        ([], "branch"),
    ],
)
def test_route_queue(concerns: list[str], queue: str) -> None:
    assert workflow.route_queue(concerns) == queue


@pytest.mark.parametrize(
    ("risk", "after"),
    # T0 is a Friday, 16:00 in Beijing: working days skip the weekend; urgent is wall clock.
    [("urgent", timedelta(hours=4)), ("watch", timedelta(days=4)), ("none", timedelta(days=7))],
)
def test_due_at(risk: str, after: timedelta) -> None:
    assert workflow.due_at(risk, T0) == T0 + after


@pytest.mark.parametrize(
    ("concerns", "risk", "needed"),
    [([], "none", False), (["pay"], "none", True), ([], "watch", True), ([], "urgent", True)],
)
def test_needs_ticket(concerns: list[str], risk: str, needed: bool) -> None:
    assert workflow.needs_ticket(concerns, risk) is needed


@pytest.mark.parametrize(
    ("text", "queue", "risk", "hours"),
    [
        ("[integrity] 有人收礼", "discipline", "none", 120),
        ("[pay] 工资", "hr", "none", 120),
        ("[health] [watch] 失眠", "branch", "watch", 48),
        ("[urgent] 情绪崩溃", "branch", "urgent", 4),
    ],
)
def test_ingest_opens_a_routed_ticket(
    keyword_client: TestClient, org: Org, engine: Engine, text: str, queue: str, risk: str, hours: int
) -> None:
    body = keyword_client.post(
        "/api/v1/notes", json=note_body(text=text), headers=org.headers["secretary"]
    ).json()
    assert body["ticket_id"]
    with Session(engine) as session:
        ticket = session.get(Ticket, uuid.UUID(body["ticket_id"]))
        assert ticket is not None
        assert ticket.note_id == uuid.UUID(body["id"])
        assert (ticket.queue, ticket.status, ticket.risk, ticket.version) == (queue, "open", risk, 1)
        assert ticket.due_at == workflow.due_at(risk, ticket.created_at)
        assert ticket.due_at - ticket.created_at >= timedelta(hours=hours)
        assert ticket.created_at.tzinfo is not None
        assert ticket.concerns == [c["code"] for c in body["concerns"]]
        assert ticket.first_response_at is None and ticket.resolved_at is None


def test_note_without_concern_or_risk_opens_no_ticket(keyword_client: TestClient, org: Org) -> None:
    body = keyword_client.post(
        "/api/v1/notes", json=note_body(text="一切都好"), headers=org.headers["secretary"]
    ).json()
    assert body["ticket_id"] is None
    assert body["concerns"] == []


def test_batch_opens_tickets_per_note(keyword_client: TestClient, org: Org) -> None:
    items = [note_body(text="[pay] 工资"), note_body(text="一切都好"), note_body(text="[integrity] 收礼")]
    outcome = keyword_client.post(
        "/api/v1/notes/batch", json={"notes": items}, headers=org.headers["secretary"]
    ).json()
    tickets = [item["ticket_id"] for item in outcome["items"]]
    assert tickets[0] and tickets[2] and tickets[1] is None
