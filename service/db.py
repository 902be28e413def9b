"""Database engine, column types and the metadata naming convention shared by every table."""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

# Stable constraint names so Alembic diffs agree on SQLite and PostgreSQL. Set before any table exists.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """Return a new random UUID for a primary key."""
    return uuid.uuid4()


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime: stored in UTC (naive on SQLite), always read back with tzinfo=UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, emit BEGIN: otherwise SAVEPOINT/RELEASE outside a
    # driver-started transaction commit on their own (see SQLAlchemy's "pysqlite serializable" notes).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


_WRITE_LOCK = "xinsheng_write_lock"


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock up front, so concurrent writers wait instead of failing when a read
    # snapshot cannot be upgraded. Writers of this process first queue on a lock of the engine: SQLite's own
    # busy handler sleeps in steps of up to 100 ms, which put the p99 of concurrent single writes near 200 ms;
    # a queue wakes the next writer as soon as the last one has committed (its connection is checked in).
    # busy_timeout still covers writers in other processes (the CLI).
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    if not immediate:
        connection.exec_driver_sql("BEGIN")
        return
    info = connection.info
    if _WRITE_LOCK not in info:
        lock = _engine_write_lock(connection.engine)
        # Bounded wait: should a lock ever be left behind, writers fall back to SQLite's busy_timeout.
        if lock.acquire(timeout=10):
            info[_WRITE_LOCK] = lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        held = info.pop(_WRITE_LOCK, None)
        if held is not None:
            held.release()
        raise


def _release_write_lock(_dbapi_connection: Any, record: Any, *_: Any) -> None:
    lock = record.info.pop(_WRITE_LOCK, None) if record is not None else None
    if lock is not None:
        lock.release()


_ENGINE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_ENGINE_LOCKS_GUARD = threading.Lock()


def _engine_write_lock(engine: Engine) -> threading.Lock:
    with _ENGINE_LOCKS_GUARD:
        return _ENGINE_LOCKS.setdefault(engine, threading.Lock())


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine: SQLite with WAL and foreign keys on, or PostgreSQL through psycopg 3."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, **kwargs.pop("connect_args", {})}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine.pool, "checkin", _release_write_lock)
        event.listen(engine.pool, "invalidate", _release_write_lock)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def begin_write(session: Session) -> None:
    """Start the session's next transaction as a writer (BEGIN IMMEDIATE on SQLite; plain on PostgreSQL).

    The session must have no transaction open: commit the read phase first.
    """
    if session.in_transaction():
        raise RuntimeError("begin_write() needs a session without an open transaction")
    session.connection(execution_options={"sqlite_immediate": True})


def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session bound to `engine`, closed afterwards (the caller commits)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
