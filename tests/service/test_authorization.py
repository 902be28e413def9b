"""Authorisation matrix: every route × role × own/other branch × no token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Org
from tests.service.helpers import note_body

PERSONAS = ["anonymous", "secretary", "hr", "discipline", "admin"]
TARGETS = ["own", "other"]

# Expected outcome per route and persona, for the secretary's own branch (B1) and another (B2).
# For the batch route, "stored"/"refused" is the item's outcome inside a 200.
EXPECTED: dict[str, dict[str, tuple[object, object]]] = {
    "GET /healthz": {p: (200, 200) for p in PERSONAS},
    # Trends and digests: aggregates for hr (suppressed) and admin; secretary and discipline are refused.
    "GET /api/v1/trends/concerns": {
        "anonymous": (401, 401), "secretary": (403, 403), "hr": (200, 200), "discipline": (403, 403),
        "admin": (200, 200),
    },
    "GET /api/v1/trends/emerging": {
        "anonymous": (401, 401), "secretary": (403, 403), "hr": (200, 200), "discipline": (403, 403),
        "admin": (200, 200),
    },
    "GET /api/v1/digests/weekly": {
        "anonymous": (401, 401), "secretary": (403, 403), "hr": (200, 200), "discipline": (403, 403),
        "admin": (200, 200),
    },
    "POST /api/v1/notes": {
        "anonymous": (401, 401), "secretary": (201, 403), "hr": (403, 403), "discipline": (403, 403),
        "admin": (201, 201),
    },
    "POST /api/v1/notes/batch": {
        "anonymous": (401, 401), "secretary": ("stored", "refused"), "hr": (403, 403),
        "discipline": (403, 403), "admin": ("stored", "stored"),
    },
    "GET /api/v1/notes": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (403, 403), "discipline": (403, 403),
        "admin": (200, 200),
    },
    "GET /api/v1/notes/{note_id}": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (403, 403), "discipline": (403, 403),
        "admin": (200, 200),
    },
    "PUT /api/v1/notes/{note_id}/labels": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (403, 403), "discipline": (403, 403),
        "admin": (200, 200),
    },
    # Tickets: "own" is a branch-queue ticket of B1, "other" one of B2.
    "GET /api/v1/tickets": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (200, 200), "discipline": (200, 200),
        "admin": (200, 200),
    },
    "GET /api/v1/tickets/stats": {
        "anonymous": (401, 401), "secretary": (200, 200), "hr": (200, 200), "discipline": (200, 200),
        "admin": (200, 200),
    },
    "GET /api/v1/tickets/{ticket_id}": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (404, 404), "discipline": (404, 404),
        "admin": (200, 200),
    },
    "POST /api/v1/tickets/{ticket_id}/transitions": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (404, 404), "discipline": (404, 404),
        "admin": (200, 200),
    },
    "POST /api/v1/tickets/{ticket_id}/comments": {
        "anonymous": (401, 401), "secretary": (201, 404), "hr": (404, 404), "discipline": (404, 404),
        "admin": (201, 201),
    },
    "PUT /api/v1/tickets/{ticket_id}/assignee": {
        "anonymous": (401, 401), "secretary": (200, 404), "hr": (404, 404), "discipline": (404, 404),
        "admin": (200, 200),
    },
    "GET /api/v1/ticket-routes": {
        "anonymous": (401, 401), "secretary": (403, 403), "hr": (403, 403), "discipline": (403, 403),
        "admin": (200, 200),
    },
    "PUT /api/v1/ticket-routes/{concern}": {
        "anonymous": (401, 401), "secretary": (403, 403), "hr": (403, 403), "discipline": (403, 403),
        "admin": (200, 200),
    },
}  # fmt: skip

# A note text the default model routes to the `branch` queue (family concern).
BRANCH_QUEUE_TEXT = "家里老人生病住院，孩子上学没人接送，压力很大。"


def test_the_matrix_covers_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    routes = {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}
    assert routes == set(EXPECTED)


@pytest.fixture
def notes_by_branch(client: TestClient, org: Org) -> dict[str, str]:
    ids = {}
    for target, branch in (("own", org.own_branch), ("other", org.other_branch)):
        response = client.post("/api/v1/notes", json=note_body(branch=branch), headers=org.headers["admin"])
        assert response.status_code == 201
        ids[target] = response.json()["id"]
        response = client.post(
            "/api/v1/notes",
            json=note_body(branch=branch, text=BRANCH_QUEUE_TEXT),
            headers=org.headers["admin"],
        )
        ids[f"ticket_{target}"] = response.json()["ticket_id"]
        ids[f"ticket_note_{target}"] = response.json()["id"]
    return ids


def _call(
    client: TestClient, route: str, target: str, org: Org, notes: dict[str, str], headers: dict
) -> object:
    branch = org.own_branch if target == "own" else org.other_branch
    method, path = route.split(" ", 1)
    path = path.replace("{note_id}", notes[target]).replace("{ticket_id}", notes[f"ticket_{target}"])
    if "/ticket" in path:
        return _call_tickets(client, route, path, branch, headers)
    if route == "POST /api/v1/notes":
        response = client.post(path, json=note_body(branch=branch), headers=headers)
    elif route == "POST /api/v1/notes/batch":
        response = client.post(path, json={"notes": [note_body(branch=branch)]}, headers=headers)
        if response.status_code == 200:
            return response.json()["items"][0]["status"]
    elif route == "GET /api/v1/notes":
        response = client.get(path, params={"branch": branch}, headers=headers)
    elif method == "PUT":
        response = client.put(path, json={"concerns": ["pay"]}, headers=headers)
    else:
        response = client.get(path, headers=headers)
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}
    return response.status_code


def _call_tickets(client: TestClient, route: str, path: str, branch: str, headers: dict) -> object:
    if_match = {**headers, "If-Match": '"1"'}
    if route == "GET /api/v1/tickets":
        response = client.get(path, params={"branch": branch}, headers=headers)
    elif route.endswith("/transitions"):
        response = client.post(path, json={"to": "acknowledged"}, headers=if_match)
    elif route.endswith("/comments"):
        response = client.post(path, json={"text": "已联系"}, headers=headers)
    elif route.endswith("/assignee"):
        response = client.put(path, json={"user": None}, headers=if_match)
    elif route.startswith("PUT /api/v1/ticket-routes"):
        response = client.put(
            path.replace("{concern}", "health"), json={"concern": "health", "queue": "hr"}, headers=headers
        )
    else:
        response = client.get(path, headers=headers)
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", list(EXPECTED))
def test_route_access(
    client: TestClient, org: Org, notes_by_branch: dict[str, str], route: str, persona: str
) -> None:
    headers = {} if persona == "anonymous" else org.headers[persona]
    got = tuple(_call(client, route, target, org, notes_by_branch, headers) for target in TARGETS)
    assert got == EXPECTED[route][persona]


def test_secretary_never_sees_other_branches_in_listing(
    client: TestClient, org: Org, notes_by_branch
) -> None:  # noqa: ANN001
    items = client.get("/api/v1/notes", headers=org.headers["secretary"]).json()["items"]
    assert {item["id"] for item in items} == {notes_by_branch["own"], notes_by_branch["ticket_note_own"]}
    items = client.get("/api/v1/notes", headers=org.headers["admin"]).json()["items"]
    notes = {v for k, v in notes_by_branch.items() if not k.startswith("ticket_")}
    notes |= {notes_by_branch["ticket_note_own"], notes_by_branch["ticket_note_other"]}
    assert {item["id"] for item in items} == notes


def test_revoked_token_is_refused_by_the_api(client: TestClient, org: Org, engine) -> None:  # noqa: ANN001
    from sqlmodel import Session

    from service.accounts import service as accounts

    assert client.get("/api/v1/notes", headers=org.headers["admin"]).status_code == 200
    with Session(engine) as session:
        accounts.revoke_tokens(session=session, name="admin-1")
    response = client.get("/api/v1/notes", headers=org.headers["admin"])
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "bearer xs_", "Token xs_abc"])
def test_malformed_authorization_is_401(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/notes", headers={"Authorization": header})
    assert response.status_code == 401
