"""The raw text and the raw personal data never come back in responses or logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from service.logs import JsonFormatter
from tests.service.conftest import Org
from tests.service.helpers import RAW_EMAIL, RAW_ID, RAW_PHONE, RAW_TEXT, note_body

SECRETS = (RAW_PHONE, RAW_EMAIL, RAW_ID, RAW_TEXT)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("xinsheng")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_raw_text_and_pii_never_leave_the_service(
    client: TestClient, org: Org, engine: Engine, log_stream: io.StringIO
) -> None:
    headers = org.headers["secretary"]
    responses = [
        client.post("/api/v1/notes", json=note_body(subject_ref="E-42"), headers=headers),
        client.post("/api/v1/notes", json=note_body(text=RAW_TEXT * 1000), headers=headers),
        client.post("/api/v1/notes", json=note_body(branch="NOPE"), headers=headers),
        client.post("/api/v1/notes", json=note_body(occurred_on="bad"), headers=headers),
        client.post("/api/v1/notes", json=note_body(extra=RAW_TEXT), headers=headers),
        client.post("/api/v1/notes", json=note_body(branch="B2"), headers=headers),
        client.post("/api/v1/notes", json=note_body(source=RAW_TEXT), headers=headers),
        client.post("/api/v1/notes", json=note_body(), headers={"Authorization": "Bearer " + RAW_PHONE}),
        client.post(
            "/api/v1/notes/batch",
            json={"notes": [note_body(), note_body(text=RAW_TEXT * 1000), note_body(occurred_on=RAW_TEXT)]},
            headers=headers,
        ),
        client.get("/api/v1/notes", headers=headers),
    ]
    note_id = responses[0].json()["id"]
    responses.append(client.get(f"/api/v1/notes/{note_id}", headers=headers))
    responses.append(
        client.put(f"/api/v1/notes/{note_id}/labels", json={"concerns": [RAW_TEXT]}, headers=headers)
    )
    assert responses[0].status_code == 201
    for response in responses:
        for secret in SECRETS:
            assert secret not in response.text, (response.request.url, secret)
        assert "E-42" not in response.text
        if response.status_code >= 400:  # errors carry no text at all, not even its harmless parts
            assert RAW_TEXT[:15] not in response.text
    logs = log_stream.getvalue()
    assert "notes.stored" in logs
    for secret in (*SECRETS, "E-42", RAW_TEXT[:15]):
        assert secret not in logs
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM note")).all()
    dump = repr(rows)
    for secret in (*SECRETS, "E-42"):
        assert secret not in dump


def test_unexpected_errors_are_500_json_without_details(
    client: TestClient, org: Org, log_stream: io.StringIO
) -> None:
    class Broken:
        version = "broken"

        def predict(self, texts, sources=None):  # noqa: ANN001, ANN201
            raise RuntimeError(f"cannot tag {texts[0]}")

    client.app.state.tagger = Broken()
    response = client.post("/api/v1/notes", json=note_body(), headers=org.headers["secretary"])
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "internal error (服务器内部错误)"}
    for secret in SECRETS:
        assert secret not in log_stream.getvalue()


def test_server_error_log_keeps_only_the_exception_type() -> None:
    from service.logs import RedactExceptions

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactExceptions())
    logger = logging.getLogger("xinsheng.test.redact")
    logger.addHandler(handler)
    try:
        raise ValueError(RAW_TEXT)
    except ValueError:
        logger.exception("Exception in ASGI application")
    finally:
        logger.removeHandler(handler)
    assert "ValueError" in stream.getvalue()
    assert RAW_PHONE not in stream.getvalue()
