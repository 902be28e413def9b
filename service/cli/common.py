"""Helpers shared by the command modules: a database session from the settings, and error printing."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def cli_session() -> Iterator[Any]:
    """Open a session on the configured database."""
    from sqlmodel import Session

    from service.config import get_settings
    from service.db import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def handles_errors(fn: Callable[[Any], int | None]) -> Callable[[Any], int]:
    """Print expected errors as one line on stderr and exit 2 instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(args: Any) -> int:
        from pydantic import ValidationError

        from nlp import ModelError
        from service.errors import XinshengError

        try:
            return int(fn(args) or 0)
        except XinshengError as exc:
            print(f"xinsheng: {exc.message}", file=sys.stderr)
            return 2
        except ModelError as exc:
            print(f"xinsheng: {exc}", file=sys.stderr)
            return 2
        except ValidationError as exc:  # settings
            print(f"xinsheng: invalid settings: {exc.errors()[0].get('msg')}", file=sys.stderr)
            return 2

    return wrapper
