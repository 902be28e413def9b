"""`GET /healthz`: liveness with the model version and a database probe (no auth)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

router = APIRouter(tags=["health"])


class WorkingCalendar(BaseModel):
    status: str  # ok | fallback (weekends only for the years listed)
    years_without_data: list[int]


class Health(BaseModel):
    status: str
    model_version: str | None
    database: str
    working_calendar: WorkingCalendar | None = None


def _working_calendar(engine: Any) -> WorkingCalendar | None:
    # Ticket due times never fail: a year without holiday data falls back to weekends only; say so here.
    from sqlmodel import Session

    from service.tickets import rules

    try:
        with Session(engine) as session:
            found = rules.calendar_status(session=session)
    except Exception:  # noqa: BLE001 - the database probe above reports database trouble
        return None
    return WorkingCalendar(status=found.status, years_without_data=found.years_without_data)


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
        working_calendar=_working_calendar(request.app.state.engine) if database == "ok" else None,
    )
    if body.status != "ok":
        return JSONResponse(body.model_dump(), status_code=503)
    return body
