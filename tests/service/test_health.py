"""`GET /healthz` needs no token and reports the model version and the database."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_reports_ok_with_model_version(client: TestClient, tagger) -> None:  # noqa: ANN001
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "model_version", "database")} == {
        "status": "ok", "model_version": tagger.version, "database": "ok"
    }
    assert body["working_calendar"]["status"] in ("ok", "fallback")  # tickets: holiday data per year


def test_healthz_reports_a_broken_database(client: TestClient) -> None:
    from sqlalchemy import create_engine

    client.app.state.engine = create_engine("sqlite:////nonexistent/dir/x.db")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
