"""`xinsheng tickets sweep`, `xinsheng tickets routes list|set`, `xinsheng tickets calendar load|status`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.cli.common import cli_session, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    tickets = sub.add_parser("tickets", help="follow-up tickets (工单)").add_subparsers(
        dest="tickets_command", required=True
    )
    sweep = tickets.add_parser("sweep", help="escalate overdue tickets one step (idempotent)")
    sweep.set_defaults(handler=tickets_sweep)

    routes = tickets.add_parser("routes", help="routing rules: concern → queue").add_subparsers(
        dest="routes_command", required=True
    )
    routes.add_parser("list", help="show the routing table in force").set_defaults(handler=routes_list)
    set_route = routes.add_parser("set", help="route a concern to a queue")
    set_route.add_argument("concern")
    set_route.add_argument("queue", choices=("branch", "hr", "discipline"))
    set_route.set_defaults(handler=routes_set)

    cal = tickets.add_parser("calendar", help="working calendar (节假日与调休)").add_subparsers(
        dest="calendar_command", required=True
    )
    load = cal.add_parser(
        "load", help="load one year's holidays and 调休 workdays: DATE,holiday|workday[,name]"
    )
    load.add_argument("file", type=Path)
    load.set_defaults(handler=calendar_load)
    cal.add_parser("status", help="say whether this year and next have holiday data").set_defaults(
        handler=calendar_status
    )


@handles_errors
def tickets_sweep(_args: argparse.Namespace) -> int:
    from service.tickets import jobs

    with cli_session() as session:
        result = jobs.sweep(session=session)
    print(f"{result.overdue} overdue ticket(s), {result.escalated} escalated")
    return 0


@handles_errors
def routes_list(_args: argparse.Namespace) -> int:
    from service.tickets import rules

    with cli_session() as session:
        for concern, queue in sorted(rules.route_rules(session=session).items()):
            print(f"{concern}\t{queue}")
    print("(other concerns → branch)")
    return 0


@handles_errors
def routes_set(args: argparse.Namespace) -> int:
    from service.tickets import rules

    with cli_session() as session:
        row = rules.set_route(session=session, concern=args.concern, queue=args.queue)
        print(f"{row.concern} → {row.queue}")
    return 0


@handles_errors
def calendar_load(args: argparse.Namespace) -> int:
    from service.tickets import rules

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"xinsheng: cannot read {args.file}: {type(exc).__name__}", file=sys.stderr)
        return 2
    with cli_session() as session:
        year, days = rules.load_calendar_year(session=session, text=text)
    print(f"{days} day(s) loaded for {year}")
    return 0


@handles_errors
def calendar_status(_args: argparse.Namespace) -> int:
    from service.tickets import rules

    with cli_session() as session:
        status = rules.calendar_status(session=session)
    missing = ", ".join(map(str, status.years_without_data)) or "none"
    print(f"{status.status}; years without holiday data (weekends only): {missing}")
    return 0
