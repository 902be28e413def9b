"""HTTP routes of the trends domain (thin: parse, authorise, call the use case, shape the answer).

Who may ask: `hr` (small groups suppressed) and `admin` (everything). PRODUCT.md gives org-wide trends,
emerging concerns, digests and exports to hr only; a secretary reads their own branch's notes but is not
granted aggregates, and discipline sees only its queue, so both get 403.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from service.accounts.models import Role, User
from service.deps import SessionDep, SettingsDep, require_role
from service.errors import error_responses
from service.trends import export
from service.trends import service as trends
from service.trends.models import EmergingListPublic, TrendsPublic
from service.trends.periods import week_label, week_start

router = APIRouter(tags=["trends"])

TrendReader = Annotated[User, Depends(require_role(Role.hr, Role.admin))]
_ERRORS = error_responses(401, 403, 422, 503)


@router.get(
    "/trends/concerns",
    response_model=TrendsPublic,
    summary="Concern trends per week or month, grouped and filtered; small groups suppressed",
    responses={**_ERRORS, 200: {"content": {"text/csv": {}, export.XLSX_TYPE: {}}}},
)
def concern_trends(
    session: SessionDep,
    settings: SettingsDep,
    user: TrendReader,
    from_: Annotated[
        date | None, Query(alias="from", description="first day (widened to its week or month)")
    ] = None,
    to: Annotated[date | None, Query(description="last day (default today)")] = None,
    interval: Literal["week", "month"] = "week",
    group_by: Literal["none", "unit", "branch", "source"] = "none",
    concern: Annotated[str | None, Query(max_length=32)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    branch: Annotated[str | None, Query(max_length=64)] = None,
    source: Literal["talk", "survey"] | None = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> TrendsPublic | Response:
    query = trends.TrendQuery(
        start=from_,
        end=to,
        interval=interval,
        group_by=group_by,
        concern=concern,
        unit=unit,
        branch=branch,
        source=source,
    )
    # JSON in TrendsPublic's shape, written without a model per cell (a year by unit: ~8,000 cells)
    body = trends.query_concerns_json(
        session=session, user=user, settings=settings, query=query, today=date.today()
    )
    if format == "json":
        return Response(body, media_type="application/json")
    return export.response(TrendsPublic.model_validate_json(body), format)


@router.get(
    "/trends/emerging",
    response_model=EmergingListPublic,
    summary="Concerns whose share rose significantly this week in a unit (Fisher exact test)",
    responses=_ERRORS,
)
def emerging_concerns(
    session: SessionDep,
    settings: SettingsDep,
    user: TrendReader,
    week: Annotated[
        str | None, Query(max_length=10, description="ISO week, e.g. 2026-W47 (default: last week)")
    ] = None,
) -> EmergingListPublic:
    if week is None:
        week = week_label(week_start(date.today()) - timedelta(weeks=1))
    return trends.emerging_concerns(session=session, user=user, settings=settings, week=week)
