"""HTTP routes of the digests domain: the weekly digest as JSON, Markdown or HTML (hr and admin)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, PlainTextResponse

from service.accounts.models import Role, User
from service.deps import SessionDep, SettingsDep, require_role
from service.digests import render
from service.digests import service as digests
from service.errors import error_responses
from service.trends.periods import week_label, week_start

router = APIRouter(tags=["digests"])

DigestReader = Annotated[User, Depends(require_role(Role.hr, Role.admin))]


@router.get(
    "/digests/weekly",
    summary="The weekly digest of the organisation or a unit (JSON, Markdown or HTML)",
    responses={
        **error_responses(401, 403, 422, 503),
        200: {"content": {"text/markdown": {}, "text/html": {}}},
    },
)
def weekly_digest(
    session: SessionDep,
    settings: SettingsDep,
    user: DigestReader,
    week: Annotated[
        str | None, Query(max_length=10, description="ISO week, e.g. 2026-W47 (default: last week)")
    ] = None,
    unit: Annotated[
        str | None, Query(max_length=64, description="unit code (default: the whole organisation)")
    ] = None,
    format: Literal["json", "md", "html"] = "json",
) -> Any:
    week = week or week_label(week_start(date.today()) - timedelta(weeks=1))
    digest = digests.build_weekly(session=session, user=user, settings=settings, week=week, unit=unit)
    if format == "md":
        return PlainTextResponse(render.to_markdown(digest), media_type="text/markdown; charset=utf-8")
    if format == "html":
        return HTMLResponse(render.to_html(digest))
    return digest
