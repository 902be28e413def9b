"""Ticket work never puts note text or raw personal data into logs, errors or events."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Org
from tests.service.helpers import RAW_EMAIL, RAW_PHONE
from tests.service.tickets.conftest import TEXTS, move


def test_logs_and_errors_carry_no_text(
    client: TestClient, org: Org, open_ticket, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        ticket = open_ticket("hr")
        move(client, org, ticket, "acknowledged", comment=f"联系 {RAW_PHONE}")
        bad = move(client, org, ticket, "closed", outcome="满意")
        client.post(
            f"/api/v1/tickets/{ticket['id']}/comments", json={"text": RAW_EMAIL}, headers=org.headers["hr"]
        )
        move(client, org, ticket, "dismissed", reason=f"重复 {RAW_PHONE}")
    assert bad.status_code == 409
    logged = "\n".join(record.getMessage() + str(vars(record)) for record in caplog.records)
    for secret in (TEXTS["hr"], RAW_PHONE, RAW_EMAIL):
        assert secret not in logged
        assert secret not in bad.text
    events = client.get(f"/api/v1/tickets/{ticket['id']}", headers=org.headers["admin"]).json()["events"]
    assert RAW_PHONE not in str(events) and RAW_EMAIL not in str(events)
