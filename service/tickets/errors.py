"""Errors of the tickets domain. Messages name fields and codes, never note text."""

from __future__ import annotations

from collections.abc import Sequence

from service.errors import Conflict, NotFound, ValidationFailed, XinshengError


class TicketNotFound(NotFound):
    code = "ticket_not_found"

    def __init__(self) -> None:
        super().__init__("ticket not found (工单不存在)")


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, to: str, allowed: Sequence[str]) -> None:
        self.allowed = list(allowed)
        self.current = current
        listed = ", ".join(allowed) or "none"
        super().__init__(
            f"to: cannot move a ticket from {current} to {to[:24]!r}; allowed next: {listed} "
            f"(不允许的状态变更；可选: {listed})"
        )


class OutcomeRequired(ValidationFailed):
    code = "outcome_required"


class ReasonRequired(ValidationFailed):
    code = "reason_required"


class PreconditionRequired(XinshengError):
    status = 428
    code = "precondition_required"

    def __init__(self) -> None:
        super().__init__("If-Match header required: send the ETag of GET /tickets/{id} (须携带 If-Match)")


class StalePrecondition(XinshengError):
    status = 412
    code = "precondition_failed"

    def __init__(self, current: int) -> None:
        super().__init__(
            f"If-Match: the ticket changed meanwhile (now version {current}); reload and retry (工单已被修改)",
            headers={"ETag": f'"{current}"'},
        )


class InvalidTicketInput(ValidationFailed):
    code = "invalid_ticket_input"


class InvalidRoute(ValidationFailed):
    code = "invalid_route"


class InvalidCalendar(ValidationFailed):
    code = "invalid_calendar"
