"""`xinsheng db upgrade`: apply the Alembic migrations to the configured database."""

from __future__ import annotations

import argparse

from service.cli.common import handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("db", help="database schema")
    db_sub = parser.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations up to REVISION (default head)")
    upgrade.add_argument("revision", nargs="?", default="heads")
    upgrade.set_defaults(handler=upgrade_db)


@handles_errors
def upgrade_db(args: argparse.Namespace) -> int:
    from service import migrate
    from service.config import get_settings
    from service.db import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        migrate.upgrade(engine=engine, revision=args.revision)
    finally:
        engine.dispose()
    print(f"database at revision {args.revision}")
    return 0
