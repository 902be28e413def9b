"""Structured logging: one JSON object a line, with ids and counts, never note text."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else passed in `extra=` is emitted as a field.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format records as JSON lines: time, level, logger, message and the `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            # Only the exception type: messages can carry input values.
            payload["exc_type"] = record.exc_info[0].__name__
        return json.dumps(payload, ensure_ascii=False, default=str)


class RedactExceptions(logging.Filter):
    """Keep only the exception type: exception messages and tracebacks can carry input text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} [{record.exc_info[0].__name__}]"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def redact_server_logs() -> None:
    """Strip exception details from the ASGI server's error log (uvicorn logs unhandled errors)."""
    for name in ("uvicorn.error", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactExceptions) for f in logger.filters):
            logger.addFilter(RedactExceptions())


def configure_logging(level: str = "INFO") -> None:
    """Send the `xinsheng` loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("xinsheng")
    logger.setLevel(level.upper())
    if not any(getattr(h, "_xinsheng", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._xinsheng = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def log_event(logger: logging.Logger, event: str, **fields: Any) -> None:
    """Log an event with its fields (ids, counts, codes: never text)."""
    logger.info(event, extra={"event": event, **fields})
