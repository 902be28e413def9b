"""The `xinsheng` command: a thin shell that parses arguments and calls the library and services.

Each command group lives in its own module with a `register(subparsers)` function. Modules import their
heavy dependencies inside the handlers, so that `xinsheng nlp predict` does not pay for FastAPI or SQLAlchemy.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Command group modules, in the order they appear in `xinsheng --help`.
GROUPS = [
    "service.cli.serve",
    "service.cli.db",
    "service.cli.accounts",
    "service.cli.notes",
    "service.cli.tickets",
    "service.cli.demo",
    "service.cli.nlp",
    "service.cli.trends",
    "service.cli.digest",
    "service.cli.schedule",
]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available command group."""
    parser = argparse.ArgumentParser(prog="xinsheng", description="Xinsheng (心声) command line")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in GROUPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # group not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.handler(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
