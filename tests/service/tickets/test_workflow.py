"""The workflow as data: every allowed and forbidden transition, closing, dismissing, routing (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.tickets import workflow
from service.tickets.calendar import WorkCalendar
from service.tickets.errors import InvalidTransition, OutcomeRequired, ReasonRequired

ALLOWED = {
    ("open", "acknowledged"), ("open", "in_progress"), ("open", "dismissed"),
    ("acknowledged", "in_progress"), ("acknowledged", "waiting"), ("acknowledged", "resolved"),
    ("acknowledged", "dismissed"),
    ("in_progress", "waiting"), ("in_progress", "resolved"), ("in_progress", "dismissed"),
    ("waiting", "in_progress"), ("waiting", "resolved"), ("waiting", "dismissed"),
    ("resolved", "closed"), ("resolved", "in_progress"),
}  # fmt: skip
PAIRS = [(a, b) for a in workflow.STATUSES for b in workflow.STATUSES]


def _extras(to: str) -> dict[str, str]:
    return {"outcome": "满意"} if to == "closed" else {"reason": "duplicate"} if to == "dismissed" else {}


def test_the_table_is_the_one_specified() -> None:
    table = {(a, b) for a, nexts in workflow.TRANSITIONS.items() for b in nexts}
    assert table == ALLOWED
    assert set(workflow.TRANSITIONS) == set(workflow.STATUSES)


@pytest.mark.parametrize(("current", "to"), sorted(ALLOWED))
def test_allowed_transition(current: str, to: str) -> None:
    assert to in workflow.allowed_next(current)
    assert workflow.next_status(current, to, **_extras(to)) == to


@pytest.mark.parametrize(("current", "to"), [p for p in PAIRS if p not in ALLOWED])
def test_forbidden_transition_names_the_allowed_ones(current: str, to: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        workflow.next_status(current, to, **_extras(to))
    assert caught.value.status == 409
    assert caught.value.allowed == list(workflow.allowed_next(current))


@pytest.mark.parametrize("to", ["not_a_status", "", "CLOSED"])
def test_unknown_target_is_refused(to: str) -> None:
    with pytest.raises(InvalidTransition):
        workflow.next_status("open", to)


@pytest.mark.parametrize("outcome", [None, "", "很好", "satisfied"])
def test_closing_requires_a_known_follow_up_outcome(outcome: str | None) -> None:
    with pytest.raises(OutcomeRequired):
        workflow.next_status("resolved", "closed", outcome=outcome)


@pytest.mark.parametrize(
    ("outcome", "result"), [("满意", "closed"), ("基本满意", "closed"), ("不满意", "in_progress")]
)
def test_dissatisfied_follow_up_reopens(outcome: str, result: str) -> None:
    assert workflow.next_status("resolved", "closed", outcome=outcome) == result


def test_outcome_only_with_closing() -> None:
    with pytest.raises(OutcomeRequired):
        workflow.next_status("open", "acknowledged", outcome="满意")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_dismissing_requires_a_reason(reason: str | None) -> None:
    with pytest.raises(ReasonRequired):
        workflow.next_status("open", "dismissed", reason=reason)


@pytest.mark.parametrize(
    ("concerns", "rules", "queue"),
    [
        (["integrity"], None, "discipline"),
        (["pay", "integrity"], None, "discipline"),
        (["pay"], None, "hr"),
        (["health"], None, "branch"),
        ([], None, "branch"),
        (["health"], {"health": "hr"}, "hr"),
        (["pay"], {"pay": "branch"}, "branch"),
        (["pay", "health"], {"pay": "branch", "health": "discipline"}, "discipline"),
    ],
)
def test_route_queue_follows_the_rules(concerns: list[str], rules: dict | None, queue: str) -> None:
    assert workflow.route_queue(concerns, rules) == queue


# ---- the clock -----------------------------------------------------------------------------------------

CAL = WorkCalendar()
MON = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 Beijing


def _clock(risk: str = "none", opened: datetime = MON) -> workflow.Clock:
    return workflow.Clock(risk=risk, due_at=workflow.due_at(risk, opened, CAL))


def test_first_response_is_the_first_move_out_of_open() -> None:
    after = workflow.advance_clock(_clock(), current="open", result="acknowledged", now=MON, calendar=CAL)
    assert after.first_response_at == MON
    later = workflow.advance_clock(
        after, current="acknowledged", result="in_progress", now=MON + timedelta(hours=1), calendar=CAL
    )
    assert later.first_response_at == MON


def test_waiting_pauses_the_clock_by_working_time() -> None:
    clock = _clock("watch")  # due Wednesday 10:00
    assert clock.due_at == MON + timedelta(days=2)
    paused = workflow.advance_clock(clock, current="in_progress", result="waiting", now=MON, calendar=CAL)
    assert paused.paused_at == MON
    resumed_at = MON + timedelta(days=1)  # one working day paused
    resumed = workflow.advance_clock(
        paused, current="waiting", result="in_progress", now=resumed_at, calendar=CAL
    )
    assert resumed.paused_at is None
    assert resumed.due_at == MON + timedelta(days=3)
    assert resumed.paused_seconds == 86400


def test_a_paused_weekend_costs_no_working_time() -> None:
    fri = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    clock = _clock("watch", fri)  # Fri 10:00 + 2 working days → Tue 10:00
    assert clock.due_at == fri + timedelta(days=4)
    paused = workflow.advance_clock(clock, current="in_progress", result="waiting", now=fri, calendar=CAL)
    sat = fri + timedelta(days=1)
    resumed = workflow.advance_clock(paused, current="waiting", result="in_progress", now=sat, calendar=CAL)
    assert resumed.due_at == clock.due_at + timedelta(hours=14)  # Friday 10:00-24:00 was paused
    assert resumed.paused_seconds == 14 * 3600


def test_urgent_pause_is_wall_clock() -> None:
    clock = _clock("urgent")
    paused = workflow.advance_clock(clock, current="in_progress", result="waiting", now=MON, calendar=CAL)
    resumed = workflow.advance_clock(
        paused, current="waiting", result="in_progress", now=MON + timedelta(hours=10), calendar=CAL
    )
    assert resumed.due_at == clock.due_at + timedelta(hours=10)


def test_reopening_starts_a_new_period() -> None:
    resolved = workflow.advance_clock(
        _clock(), current="in_progress", result="resolved", now=MON, calendar=CAL
    )
    assert resolved.resolved_at == MON
    later = MON + timedelta(days=30)
    reopened = workflow.advance_clock(
        resolved, current="resolved", result="in_progress", now=later, calendar=CAL
    )
    assert reopened.resolved_at is None
    assert reopened.due_at == workflow.due_at("none", later, CAL)


def test_dismissal_closes_without_resolving() -> None:
    after = workflow.advance_clock(_clock(), current="open", result="dismissed", now=MON, calendar=CAL)
    assert after.resolved_at is None and after.first_response_at == MON
