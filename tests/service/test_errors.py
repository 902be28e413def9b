"""Every bad input gets a 4xx in the one JSON shape, naming the field, never echoing the text."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from service.config import Settings
from tests.service.conftest import Org, make_settings
from tests.service.helpers import RAW_PHONE, RAW_TEXT, note_body


def assert_error(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["error"] == code
    assert RAW_PHONE not in response.text
    assert RAW_TEXT[:20] not in response.text
    return body


def test_missing_token_is_401_json(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes", json=note_body())
    assert_error(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_invalid_token_is_401_json(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/notes", headers={"Authorization": "Bearer xs_nope"})
    assert_error(response, 401, "not_authenticated")


def test_blank_text_is_422_saying_text_empty(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes", json=note_body(text=" \n\t "), headers=org.headers["secretary"])
    body = assert_error(response, 422, "text_empty")
    assert "text 不能为空" in body["detail"]


def test_too_long_text_is_422_with_its_length(client: TestClient, org: Org) -> None:
    text = RAW_TEXT + "很" * 20_000
    response = client.post("/api/v1/notes", json=note_body(text=text), headers=org.headers["secretary"])
    body = assert_error(response, 422, "text_too_long")
    assert str(len(text)) in body["detail"] and "20000" in body["detail"]


def test_unknown_branch_names_the_code(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes", json=note_body(branch="NO-SUCH"), headers=org.headers["admin"])
    body = assert_error(response, 404, "branch_not_found")
    assert "NO-SUCH" in body["detail"]


@pytest.mark.parametrize("bad", ["2026-13-01", "20261120", "2026/11/20", "yesterday", "", 20261120])
def test_bad_date_names_the_field(client: TestClient, org: Org, bad: object) -> None:
    response = client.post("/api/v1/notes", json=note_body(occurred_on=bad), headers=org.headers["secretary"])
    body = assert_error(response, 422, "validation_error")
    assert "occurred_on" in body["detail"]


def test_bad_source_names_the_field(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes", json=note_body(source="email"), headers=org.headers["secretary"])
    assert "source" in assert_error(response, 422, "validation_error")["detail"]


def test_missing_field_names_it(client: TestClient, org: Org) -> None:
    body = note_body()
    del body["text"]
    response = client.post("/api/v1/notes", json=body, headers=org.headers["secretary"])
    assert "body.text" in assert_error(response, 422, "validation_error")["detail"]


def test_unknown_field_is_refused(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes", json=note_body(mood="sad"), headers=org.headers["secretary"])
    assert "mood" in assert_error(response, 422, "validation_error")["detail"]


def test_text_of_wrong_type_is_422(client: TestClient, org: Org) -> None:
    response = client.post("/api/v1/notes", json=note_body(text=["a"]), headers=org.headers["secretary"])
    assert "text" in assert_error(response, 422)["detail"]


def test_malformed_json_is_400(client: TestClient, org: Org) -> None:
    response = client.post(
        "/api/v1/notes",
        content=b'{"branch": "B1", "text": "' + RAW_TEXT.encode() + b'"',
        headers={**org.headers["secretary"], "Content-Type": "application/json"},
    )
    assert_error(response, 400, "malformed_json")


def test_invalid_utf8_is_400_with_the_position(client: TestClient, org: Org) -> None:
    raw = json.dumps(note_body(), ensure_ascii=False).encode("utf-8").replace(b"B1", b"B\xff")
    response = client.post(
        "/api/v1/notes", content=raw, headers={**org.headers["secretary"], "Content-Type": "application/json"}
    )
    body = assert_error(response, 400, "invalid_utf8")
    assert "byte" in body["detail"]


def test_body_over_the_limit_is_413(engine, tagger, org: Org) -> None:  # noqa: ANN001
    from service.app import create_app

    settings: Settings = make_settings(max_body_bytes=2048)
    with TestClient(create_app(settings, engine=engine, tagger=tagger)) as small:
        response = small.post(
            "/api/v1/notes", json=note_body(text="长" * 2000), headers=org.headers["secretary"]
        )
    assert_error(response, 413, "payload_too_large")


def test_chunked_body_over_the_limit_is_413(engine, tagger, org: Org) -> None:  # noqa: ANN001
    from service.app import create_app

    def chunks():  # noqa: ANN202
        for _ in range(10):
            yield b"x" * 1024

    settings = make_settings(max_body_bytes=2048)
    with TestClient(create_app(settings, engine=engine, tagger=tagger)) as small:
        response = small.post(
            "/api/v1/notes",
            content=chunks(),
            headers={**org.headers["secretary"], "Content-Type": "application/json"},
        )
    assert_error(response, 413, "payload_too_large")


def test_bad_uuid_in_path_is_422(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/notes/not-a-uuid", headers=org.headers["secretary"])
    assert "note_id" in assert_error(response, 422)["detail"]


def test_unknown_route_is_404_json(client: TestClient) -> None:
    assert_error(client.get("/api/v1/nothing"), 404, "not_found")


def test_wrong_method_is_405_json(client: TestClient) -> None:
    assert_error(client.delete("/healthz"), 405, "method_not_allowed")


def test_bad_query_parameter_names_it(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/notes?limit=0", headers=org.headers["secretary"])
    assert "limit" in assert_error(response, 422)["detail"]
    response = client.get("/api/v1/notes?from=2026-99-01", headers=org.headers["secretary"])
    assert "from" in assert_error(response, 422)["detail"]


def test_bad_cursor_is_422(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/notes?cursor=abc", headers=org.headers["secretary"])
    assert "cursor" in assert_error(response, 422, "invalid_cursor")["detail"]
    response = client.get("/api/v1/notes?cursor=@@@", headers=org.headers["secretary"])
    assert "cursor" in assert_error(response, 422, "validation_error")["detail"]


def test_unknown_concern_filter_is_422(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/notes?concern=money", headers=org.headers["secretary"])
    assert "concern" in assert_error(response, 422)["detail"]
