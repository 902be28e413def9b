"""Scoping: secretaries their branch's `branch` queue, hr the `hr` queue, discipline its queue, admin all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Org

# Who sees which ticket: (queue kind, branch) → personas that may see it.
CASES = [
    ("branch", "B1", {"secretary", "admin"}),
    ("branch", "B2", {"secretary_b2", "admin"}),
    ("hr", "B1", {"hr", "admin"}),
    ("discipline", "B1", {"discipline", "admin"}),
]
PERSONAS = ["secretary", "secretary_b2", "hr", "discipline", "admin"]


@pytest.mark.parametrize(("kind", "branch", "allowed"), CASES)
def test_each_persona_sees_only_its_queue(
    client: TestClient, org: Org, open_ticket, kind: str, branch: str, allowed: set[str]
) -> None:
    ticket = open_ticket(kind, branch=branch)
    for persona in PERSONAS:
        headers = org.headers[persona]
        read = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)
        listed = {i["id"] for i in client.get("/api/v1/tickets", headers=headers).json()["items"]}
        comment = client.post(
            f"/api/v1/tickets/{ticket['id']}/comments", json={"text": "看过"}, headers=headers
        )
        if persona in allowed:
            assert (read.status_code, ticket["id"] in listed, comment.status_code) == (200, True, 201), (
                persona
            )
        else:
            assert (read.status_code, ticket["id"] in listed, comment.status_code) == (404, False, 404), (
                persona
            )
            assert read.json()["error"] == "ticket_not_found"


def test_discipline_ticket_transitions_are_404_for_hr(client: TestClient, org: Org, open_ticket) -> None:
    ticket = open_ticket("discipline")
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/transitions",
        json={"to": "acknowledged"},
        headers={**org.headers["hr"], "If-Match": ticket["etag"]},
    )
    assert response.status_code == 404


def test_unknown_ticket_is_404(client: TestClient, org: Org) -> None:
    response = client.get(
        "/api/v1/tickets/00000000-0000-4000-8000-000000000000", headers=org.headers["admin"]
    )
    assert response.status_code == 404


def test_secretary_cannot_filter_another_branch(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/tickets", params={"branch": "B2"}, headers=org.headers["secretary"])
    assert response.status_code == 404
