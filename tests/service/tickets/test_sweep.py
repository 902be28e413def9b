"""The escalation sweep: one step per sweep and period, idempotent, no storm after reopening."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from service.tickets import jobs
from service.tickets.models import Ticket, TicketEvent
from tests.service.conftest import Org
from tests.service.tickets.conftest import move

HOUR = timedelta(hours=1)


def _make_overdue(engine: Engine, ticket_id: str) -> datetime:
    with Session(engine) as session:
        ticket = session.get(Ticket, uuid.UUID(ticket_id))
        due = ticket.created_at - HOUR
        session.exec(update(Ticket).where(Ticket.id == ticket.id).values(due_at=due))
        session.commit()
    return due


def _escalations(engine: Engine, ticket_id: str) -> list[TicketEvent]:
    with Session(engine) as session:
        query = select(TicketEvent).where(
            TicketEvent.ticket_id == uuid.UUID(ticket_id), TicketEvent.kind == "escalate"
        )
        return list(session.exec(query.order_by(TicketEvent.created_at)).all())


def _sweep(engine: Engine, now: datetime) -> jobs.SweepResult:
    return jobs.sweep_overdue(engine=engine, now=now)


def test_sweep_run_twice_escalates_once(client: TestClient, org: Org, engine: Engine, open_ticket) -> None:
    ticket = open_ticket()
    due = _make_overdue(engine, ticket["id"])
    assert _sweep(engine, due + HOUR) == jobs.SweepResult(overdue=1, escalated=1)
    assert _sweep(engine, due + HOUR) == jobs.SweepResult(overdue=1, escalated=0)
    events = _escalations(engine, ticket["id"])
    assert [e.data["level"] for e in events] == [1]
    assert events[0].actor_id is None and events[0].data["recipients"] == [str(org.user_ids["secretary"])]


def test_the_ladder_climbs_one_step_per_overdue_day(
    client: TestClient, org: Org, engine: Engine, open_ticket
) -> None:
    ticket = open_ticket()
    due = _make_overdue(engine, ticket["id"])
    for hours in (1, 2, 25, 26, 49, 50, 200):
        _sweep(engine, due + hours * HOUR)
    events = _escalations(engine, ticket["id"])
    assert [e.data["step"] for e in events] == ["secretary", "unit_admins", "hr"]
    assert str(org.user_ids["admin"]) in events[1].data["recipients"]
    assert events[2].data["recipients"] == [str(org.user_ids["hr"])]
    shown = client.get(f"/api/v1/tickets/{ticket['id']}", headers=org.headers["admin"]).json()
    assert shown["escalation_level"] == 3 and shown["overdue"] is True
    assert shown["version"] == 1  # bookkeeping by the system does not invalidate the agents' ETags


def test_reopening_an_overdue_ticket_fires_no_storm(
    client: TestClient, org: Org, engine: Engine, open_ticket
) -> None:
    ticket = open_ticket()
    due = _make_overdue(engine, ticket["id"])
    for hours in (1, 25, 49):
        _sweep(engine, due + hours * HOUR)
    assert len(_escalations(engine, ticket["id"])) == 3
    for to in ("in_progress", "resolved"):
        assert move(client, org, ticket, to).status_code == 200
    assert move(client, org, ticket, "closed", outcome="不满意").status_code == 200  # reopened
    assert _sweep(engine, datetime.fromisoformat(ticket["due_at"]) - HOUR).escalated == 0
    assert len(_escalations(engine, ticket["id"])) == 3
    new_due = datetime.fromisoformat(ticket["due_at"])
    assert _sweep(engine, new_due + 100 * HOUR).escalated == 1  # overdue again: step 1 of a new period
    assert [e.data["level"] for e in _escalations(engine, ticket["id"])] == [1, 2, 3, 1]


def test_waiting_and_closed_tickets_are_not_escalated(
    client: TestClient, org: Org, engine: Engine, open_ticket
) -> None:
    waiting, done = open_ticket(), open_ticket()
    for to in ("acknowledged", "waiting"):
        move(client, org, waiting, to)
    move(client, org, done, "dismissed", reason="duplicate")
    due = max(_make_overdue(engine, waiting["id"]), _make_overdue(engine, done["id"]))
    assert _sweep(engine, due + HOUR) == jobs.SweepResult(overdue=0, escalated=0)
