"""`xinsheng trends rebuild`: recount the trend rollups from the notes and their newest labels."""

from __future__ import annotations

import argparse

from service.cli.common import cli_session, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    trends = sub.add_parser("trends", help="trend rollups").add_subparsers(
        dest="trends_command", required=True
    )
    rebuild = trends.add_parser("rebuild", help="recount every rollup row from the stored notes")
    rebuild.set_defaults(handler=rebuild_rollups)


@handles_errors
def rebuild_rollups(args: argparse.Namespace) -> int:
    import time

    from service.db import begin_write
    from service.trends import service

    started = time.perf_counter()
    with cli_session() as session:
        begin_write(session)
        counted = service.rebuild_rollups(session=session)
    print(f"rollups rebuilt from {counted} note(s) in {time.perf_counter() - started:.1f} s")
    return 0
