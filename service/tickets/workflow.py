"""Pure routing rules for new tickets: which notes get one, in which queue, due when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

DISCIPLINE_CONCERNS = frozenset({"integrity"})
HR_CONCERNS = frozenset({"pay", "career", "reform"})
RISKS_NEEDING_TICKET = frozenset({"watch", "urgent"})
DUE_AFTER = {"urgent": timedelta(hours=4), "watch": timedelta(days=2)}
DEFAULT_DUE_AFTER = timedelta(days=5)


def needs_ticket(concerns: Iterable[str], risk: str) -> bool:
    """Return whether a note with these concerns and risk opens a ticket."""
    return bool(list(concerns)) or risk in RISKS_NEEDING_TICKET


def route_queue(concerns: Iterable[str]) -> str:
    """Return the queue: integrity → discipline; pay, career, reform → hr; anything else → branch."""
    codes = set(concerns)
    if codes & DISCIPLINE_CONCERNS:
        return "discipline"
    if codes & HR_CONCERNS:
        return "hr"
    return "branch"


def due_at(risk: str, opened_at: datetime) -> datetime:
    """Return when a new ticket is due: urgent +4 h, watch +2 days, otherwise +5 days."""
    return opened_at + DUE_AFTER.get(risk, DEFAULT_DUE_AFTER)
