"""`xinsheng schedule`: run the weekly digest and the ticket sweep on their schedule, in the foreground."""

from __future__ import annotations

import argparse

from service.cli.common import handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "schedule", help="run scheduled jobs: weekly digest Monday 08:00 Asia/Shanghai, ticket sweep every 15 min"
    )
    parser.add_argument("--poll", type=float, default=30.0, help="seconds between clock checks")
    parser.set_defaults(handler=schedule)


@handles_errors
def schedule(args: argparse.Namespace) -> int:
    import threading

    from service.scheduler import default_scheduler

    stop = threading.Event()
    try:
        default_scheduler().run_forever(stop, poll_s=args.poll)
    except KeyboardInterrupt:
        stop.set()
    return 0
