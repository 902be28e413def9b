"""`xinsheng demo`: seed the demo organisation (idempotent; prints tokens only for users it creates)."""

from __future__ import annotations

import argparse

from service.cli.common import cli_session, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="seed a demo organisation: 2 units, 4 branches, one user per role")
    parser.set_defaults(handler=demo)


@handles_errors
def demo(args: argparse.Namespace) -> int:
    from service.accounts import service

    with cli_session() as session:
        created = service.seed_demo(session=session)
    if not created:
        print("demo organisation already present; no new users (tokens are shown only once)")
    for new in created:
        print(f"{new.user.name}\t{new.user.role}\t{new.token}")
    return 0
