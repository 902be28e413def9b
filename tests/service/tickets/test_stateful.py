"""Random transition sequences through HTTP (hypothesis stateful): no lost update, one event per write."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from service.tickets import workflow
from tests.service.conftest import Org
from tests.service.helpers import note_body
from tests.service.tickets.conftest import TEXTS

OUTCOMES = st.sampled_from([None, *workflow.OUTCOMES, "很好"])
REASONS = st.sampled_from([None, "", "duplicate"])


def expected(status: str, to: str, outcome: str | None, reason: str | None) -> tuple[int, str]:
    """The model: what the API must answer and the status that follows (independent of the service)."""
    if to not in workflow.TRANSITIONS[status]:
        return 409, status
    if outcome is not None and to != "closed":
        return 422, status
    if to == "closed":
        if outcome not in ("满意", "基本满意", "不满意"):
            return 422, status
        return 200, "in_progress" if outcome == "不满意" else "closed"
    if to == "dismissed" and not reason:
        return 422, status
    return 200, to


def test_random_transition_sequences_lose_no_update(client: TestClient, org: Org) -> None:
    headers = org.headers["admin"]

    class Tickets(RuleBasedStateMachine):
        @initialize()
        def open_ticket(self) -> None:
            note = client.post("/api/v1/notes", json=note_body(text=TEXTS["branch"]), headers=headers).json()
            self.id: str = note["ticket_id"]
            self.status, self.version, self.writes = "open", 1, 0

        @rule(to=st.sampled_from(workflow.STATUSES), outcome=OUTCOMES, reason=REASONS, stale=st.booleans())
        def transition(self, to: str, outcome: str | None, reason: str | None, stale: bool) -> None:
            body: dict[str, Any] = {"to": to}
            if outcome is not None:
                body["outcome"] = outcome
            if reason is not None:
                body["reason"] = reason
            seen = self.version - 1 if stale else self.version
            response = client.post(
                f"/api/v1/tickets/{self.id}/transitions",
                json=body,
                headers={**headers, "If-Match": f'"{seen}"'},
            )
            code, status = (412, self.status) if stale else expected(self.status, to, outcome, reason)
            assert response.status_code == code, response.text
            if code == 200:
                self.status, self.version, self.writes = status, self.version + 1, self.writes + 1
                assert response.headers["ETag"] == f'"{self.version}"'
            if code == 409:
                assert response.json()["allowed"] == list(workflow.TRANSITIONS[self.status])

        @invariant()
        def stored_state_matches(self) -> None:
            got = client.get(f"/api/v1/tickets/{self.id}", headers=headers)
            body = got.json()
            assert (body["status"], body["version"]) == (self.status, self.version)
            assert body["version"] == 1 + self.writes
            assert len([e for e in body["events"] if e["kind"] == "transition"]) == self.writes
            assert got.headers["ETag"] == f'"{self.version}"'

    run_state_machine_as_test(
        Tickets,
        settings=settings(
            max_examples=12, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
