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
}  # fmt: skip


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
    return ids


def _call(
    client: TestClient, route: str, target: str, org: Org, notes: dict[str, str], headers: dict
) -> object:
    branch = org.own_branch if target == "own" else org.other_branch
    method, path = route.split(" ", 1)
    path = path.replace("{note_id}", notes[target])
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
    assert {item["id"] for item in items} == {notes_by_branch["own"]}
    items = client.get("/api/v1/notes", headers=org.headers["admin"]).json()["items"]
    assert {item["id"] for item in items} == set(notes_by_branch.values())


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
