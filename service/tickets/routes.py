"""HTTP routes of the tickets domain (thin: parse, authorise, call the use case, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, Query, Response, status
from fastapi.responses import JSONResponse

from service.accounts.models import Role, User
from service.deps import CurrentUser, SessionDep, SettingsDep, require_role
from service.errors import error_body, error_responses
from service.tickets import queries, rules, service, stats
from service.tickets.errors import InvalidTransition
from service.tickets.models import (
    AssignmentCreate,
    CommentCreate,
    RoutePublic,
    RouteSet,
    StatsPublic,
    Ticket,
    TicketEventPublic,
    TicketPublic,
    TicketsPublic,
    TransitionCreate,
)
from service.tickets.workflow import DEFAULT_ROUTES

router = APIRouter(tags=["tickets"])

IfMatch = Annotated[str | None, Header(alias="If-Match", description='the ETag of the ticket, e.g. "3"')]
ReasonHeader = Annotated[
    str | None, Header(alias="X-Reason", description="why the note text is read (audited); percent-encoded")
]
AdminUser = Annotated[User, Depends(require_role(Role.admin))]
_ERRORS = error_responses(400, 401, 404, 422, 503)
_WRITE_ERRORS = error_responses(400, 401, 404, 409, 412, 422, 428, 503)
_ADMIN_ERRORS = error_responses(400, 401, 403, 404, 422, 503)


def load_ticket(ticket_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> Ticket:
    """Load the ticket in the path, or 404 when it is missing or outside the caller's queues."""
    return queries.get_visible_ticket(session=session, ticket_id=ticket_id, user=user)


VisibleTicket = Annotated[Ticket, Depends(load_ticket)]


def _reason(header: str | None, default: str) -> str:
    reason = "".join(ch for ch in unquote(header or "") if ch.isprintable()).strip()
    return reason or default


def _etag(response: Response, ticket: Ticket) -> None:
    response.headers["ETag"] = f'"{ticket.version}"'


@router.get(
    "/tickets", response_model=TicketsPublic, summary="List the tickets you may work", responses=_ERRORS
)
def list_tickets(
    session: SessionDep,
    user: CurrentUser,
    queue: Annotated[
        str | None, Query(max_length=20, json_schema_extra={"enum": ["branch", "hr", "discipline"]})
    ] = None,
    status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
    overdue: bool | None = None,
    branch: Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00]*$")] = None,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TicketsPublic:
    filters = queries.TicketFilters(queue=queue, status=status_, overdue=overdue, branch=branch)
    page, next_cursor = queries.list_tickets(
        session=session, user=user, filters=filters, cursor=cursor, limit=limit
    )
    return TicketsPublic(items=queries.summaries(session=session, tickets=page), next_cursor=next_cursor)


@router.get(
    "/tickets/stats",
    response_model=StatsPublic,
    summary="Response, on-time, resolution and satisfaction rates per branch or unit and month",
    responses=_ERRORS,
)
def ticket_stats(
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    group_by: Annotated[str, Query(pattern="^(branch|unit)$")] = "branch",
    month_from: Annotated[str | None, Query(alias="from", pattern=r"^\d{4}-\d{2}$")] = None,
    month_to: Annotated[str | None, Query(alias="to", pattern=r"^\d{4}-\d{2}$")] = None,
) -> StatsPublic:
    return stats.ticket_stats(
        session=session, user=user, group_by=group_by, month_from=month_from, month_to=month_to,
        min_group=settings.min_group,
    )  # fmt: skip


@router.get("/tickets/{ticket_id}", response_model=TicketPublic, summary="Read one ticket", responses=_ERRORS)
def read_ticket(
    ticket: VisibleTicket,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    x_reason: ReasonHeader = None,
) -> TicketPublic:
    _etag(response, ticket)
    return queries.present(
        session=session, ticket=ticket, user=user, reason=_reason(x_reason, "tickets.read")
    )


@router.post(
    "/tickets/{ticket_id}/transitions",
    response_model=TicketPublic,
    summary="Move a ticket to another status (If-Match required)",
    responses=_WRITE_ERRORS,
)
def transition_ticket(
    ticket: VisibleTicket,
    data: TransitionCreate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> TicketPublic | JSONResponse:
    try:
        updated = service.transition(session=session, ticket=ticket, data=data, actor=user, if_match=if_match)
    except InvalidTransition as exc:
        body = {**error_body(exc.code, exc.message), "allowed": exc.allowed}
        return JSONResponse(body, status_code=409, headers={"ETag": f'"{ticket.version}"'})
    _etag(response, updated)
    return queries.present(session=session, ticket=updated, user=user, reason="tickets.transition")


@router.post(
    "/tickets/{ticket_id}/comments",
    response_model=TicketEventPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Add an internal comment (scrubbed; the ticket's version is unchanged)",
    responses=_ERRORS,
)
def comment_ticket(
    ticket: VisibleTicket, data: CommentCreate, session: SessionDep, user: CurrentUser
) -> TicketEventPublic:
    event = service.comment(session=session, ticket=ticket, text=data.text, actor=user)
    return TicketEventPublic.model_validate(event, from_attributes=True)


@router.put(
    "/tickets/{ticket_id}/assignee",
    response_model=TicketPublic,
    summary="Assign the ticket to a user who may work it (If-Match required)",
    responses=_WRITE_ERRORS,
)
def assign_ticket(
    ticket: VisibleTicket,
    data: AssignmentCreate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> TicketPublic:
    updated = service.assign(session=session, ticket=ticket, data=data, actor=user, if_match=if_match)
    _etag(response, updated)
    return queries.present(session=session, ticket=updated, user=user, reason="tickets.assign")


@router.get(
    "/ticket-routes",
    response_model=list[RoutePublic],
    summary="List the routing rules",
    responses=_ADMIN_ERRORS,
)
def list_routes(session: SessionDep, _admin: AdminUser) -> list[RoutePublic]:
    table = rules.route_rules(session=session)
    return [
        RoutePublic(concern=c, queue=q, default=DEFAULT_ROUTES.get(c) == q) for c, q in sorted(table.items())
    ]


@router.put(
    "/ticket-routes/{concern}",
    response_model=RoutePublic,
    summary="Set a routing rule",
    responses=_ADMIN_ERRORS,
)
def set_route(concern: str, data: RouteSet, session: SessionDep, _admin: AdminUser) -> RoutePublic:
    if data.concern != concern:
        from service.tickets.errors import InvalidRoute

        raise InvalidRoute("concern: the body's concern must match the path (路径与请求体不一致)")
    row = rules.set_route(session=session, concern=concern, queue=data.queue)
    return RoutePublic(
        concern=row.concern, queue=row.queue, default=DEFAULT_ROUTES.get(row.concern) == row.queue
    )
