"""`xinsheng trends rebuild | refresh`: recount the trend rollups from the notes and their newest labels,
and publish the figures (with their suppression) of the months that changed."""

from __future__ import annotations

import argparse
import os

from service.cli.common import cli_session, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    trends = sub.add_parser("trends", help="trend rollups").add_subparsers(
        dest="trends_command", required=True
    )
    rebuild = trends.add_parser("rebuild", help="recount every rollup row from the stored notes")
    rebuild.set_defaults(handler=rebuild_rollups)
    refresh = trends.add_parser(
        "refresh",
        help="publish again the months whose rollups changed (the scheduler runs this every minute)",
    )
    refresh.add_argument("--all", action="store_true", help="every month holding data, changed or not")
    refresh.set_defaults(handler=refresh_published)


@handles_errors
def rebuild_rollups(args: argparse.Namespace) -> int:
    import time

    from service.config import get_settings
    from service.db import begin_write
    from service.trends import service

    started = time.perf_counter()
    with cli_session() as session:
        begin_write(session)
        counted = service.rebuild_rollups(session=session)
        print(f"rollups rebuilt from {counted} note(s) in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        months = service.refresh_published(
            session=session, settings=get_settings(), everything=True, workers=os.cpu_count() or 1
        )
    print(f"{months} month(s) of trend figures published in {time.perf_counter() - started:.1f} s")
    return 0


@handles_errors
def refresh_published(args: argparse.Namespace) -> int:
    import time

    from service.config import get_settings
    from service.trends import service

    started = time.perf_counter()
    with cli_session() as session:
        months = service.refresh_published(
            session=session, settings=get_settings(), everything=args.all, workers=os.cpu_count() or 1
        )
    print(f"{months} month(s) of trend figures published in {time.perf_counter() - started:.1f} s")
    return 0
