"""`GET /healthz`: liveness with the model version and a database probe (no auth)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    model_version: str | None
    database: str


@router.get(
    "/healthz",
    response_model=Health,
    summary="Report liveness, model version and database state",
    responses={503: {"model": Health, "description": "database or model not usable"}},
)
def healthz(request: Request) -> Any:
    tagger = getattr(request.app.state, "tagger", None)
    database = "ok"
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        database = "error"
    body = Health(
        status="ok" if database == "ok" and tagger is not None else "degraded",
        model_version=getattr(tagger, "version", None),
        database=database,
    )
    if body.status != "ok":
        return JSONResponse(body.model_dump(), status_code=503)
    return body
