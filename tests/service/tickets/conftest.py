"""Tickets opened through the real ingest path (real scrubber and tagger)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Org
from tests.service.helpers import note_body

# Texts the default model tags reliably; the queue follows from the default routing rules.
TEXTS = {
    "branch": "家里老人生病住院，孩子上学没人接送，压力很大。",
    "hr": "谈话对象反映工资偏低，绩效工资被扣，加班很多睡不好觉。",
    "discipline": "反映科室领导收受供应商礼品，要求纪委调查。",
    "urgent": "最近觉得活着没意思，想一了百了。",
}


@pytest.fixture
def open_ticket(client: TestClient, org: Org) -> Callable[..., dict[str, Any]]:
    """Submit a note as admin and return its ticket as GET shows it (with `etag`)."""

    def make(kind: str = "branch", branch: str = "B1") -> dict[str, Any]:
        note = client.post(
            "/api/v1/notes", json=note_body(text=TEXTS[kind], branch=branch), headers=org.headers["admin"]
        )
        assert note.status_code == 201, note.text
        ticket_id = note.json()["ticket_id"]
        assert ticket_id
        got = client.get(f"/api/v1/tickets/{ticket_id}", headers=org.headers["admin"])
        assert got.status_code == 200
        return {**got.json(), "etag": got.headers["ETag"]}

    return make


def move(
    client: TestClient, org: Org, ticket: dict[str, Any], to: str, persona: str = "admin", **body: Any
) -> Any:
    """POST a transition with the ticket's current ETag; update `ticket` in place on success."""
    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/transitions",
        json={"to": to, **body},
        headers={**org.headers[persona], "If-Match": ticket["etag"]},
    )
    if response.status_code == 200:
        ticket.update(response.json(), etag=response.headers["ETag"])
    return response
