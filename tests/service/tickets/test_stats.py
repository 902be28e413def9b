"""Ticket measures per branch / unit and month, with small groups suppressed for all but admin."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import Org
from tests.service.tickets.conftest import move


def _rows(client: TestClient, org: Org, persona: str, **params: str) -> dict[str, dict]:
    response = client.get("/api/v1/tickets/stats", params=params, headers=org.headers[persona])
    assert response.status_code == 200
    return {row["group"]: row for row in response.json()["rows"]}


def test_rates_are_computed_for_admin(client: TestClient, org: Org, open_ticket) -> None:
    tickets = [open_ticket() for _ in range(5)]
    move(client, org, tickets[0], "acknowledged")
    for to in ("in_progress", "resolved"):
        move(client, org, tickets[1], to)
    for to in ("in_progress", "resolved"):
        move(client, org, tickets[2], to)
    move(client, org, tickets[2], "closed", outcome="满意")
    row = _rows(client, org, "admin")["B1"]
    assert row["tickets"] == 5 and not row["suppressed"]
    assert row["response_rate"] == 0.6
    assert row["resolution_rate"] == 0.4
    assert row["on_time_rate"] == 1.0  # both resolved in time; the rest are not yet due
    assert row["satisfaction_rate"] == 1.0


def test_small_groups_are_suppressed_for_non_admins(client: TestClient, org: Org, open_ticket) -> None:
    for _ in range(2):
        open_ticket(branch="B1")
    assert _rows(client, org, "admin")["B1"]["tickets"] == 2
    row = _rows(client, org, "secretary")["B1"]
    assert row["suppressed"] and row["tickets"] is None and row["response_rate"] is None


def test_no_recovery_by_subtraction_within_a_unit(client: TestClient, org: Org, open_ticket, engine) -> None:
    from sqlmodel import Session

    from service.accounts import service as accounts

    with Session(engine) as session:
        accounts.create_branch(session=session, code="B3", name="三支部", unit_code="U1")
    for _ in range(2):
        open_ticket(branch="B2")
    for _ in range(6):
        open_ticket(branch="B3")
    rows = _rows(client, org, "hr")
    assert rows["B2"]["suppressed"]
    assert rows["B3"]["suppressed"]  # else B2 = U1 − B3
    unit = _rows(client, org, "hr", group_by="unit")["U1"]
    assert unit["tickets"] == 8 and not unit["suppressed"]
    assert _rows(client, org, "admin")["B3"]["tickets"] == 6


def test_bad_group_by_is_422(client: TestClient, org: Org) -> None:
    response = client.get(
        "/api/v1/tickets/stats", params={"group_by": "member"}, headers=org.headers["admin"]
    )
    assert response.status_code == 422
