"""Fixtures of the service tests: migrated databases (SQLite, and PostgreSQL when reachable), the app,
a seeded organisation with one token per role, and the tagger loaded once per session."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from service import migrate
from service.accounts import service as accounts
from service.app import create_app
from service.config import Settings
from service.db import make_engine, metadata

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def make_settings(**overrides: Any) -> Settings:
    # trend_max_lag_s=0: a trend read right after an ingest recomputes the changed month (the lag is
    # tested on its own in tests/service/trends/test_trends_publication.py).
    values: dict[str, Any] = {
        "env": "test",
        "secret_key": TEST_SECRET,
        "database_url": "sqlite://",
        "trend_max_lag_s": 0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def tagger() -> Any:
    """The default model, loaded once for the whole session."""
    from nlp import ModelError, load_tagger

    model_dir = Settings().model_dir
    try:
        return load_tagger(model_dir)
    except ModelError as exc:
        message = f"no usable model at {model_dir} ({exc}); build it with `xinsheng nlp train`"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated with the real Alembic migrations, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine=engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    """A fresh schema on the PostgreSQL at XINSHENG_TEST_PG_URL, migrated once for the session."""
    url = os.environ.get("XINSHENG_TEST_PG_URL")
    reason = None
    if not url:
        reason = "XINSHENG_TEST_PG_URL is not set"
    else:
        try:
            probe = make_engine(url)
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.dispose()
        except Exception as exc:  # noqa: BLE001 - any failure means unreachable
            reason = f"PostgreSQL at XINSHENG_TEST_PG_URL unreachable: {type(exc).__name__}"
    if reason:
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    schema = f"xs_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    migrate.upgrade(engine=engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def truncate(engine: Engine) -> None:
    # DELETE is faster than TRUNCATE on tables this small; children first.
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


def _sqlite_copy(directory: Path, template: Path) -> Iterator[Engine]:
    path = directory / "test.db"
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A clean migrated database for one test: a copy of the SQLite template, or the emptied PG schema."""
    if request.param == "sqlite":
        yield from _sqlite_copy(tmp_path, sqlite_template)
    else:
        pg: Engine = request.getfixturevalue("pg_engine")
        truncate(pg)
        yield pg


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A clean migrated SQLite database only (for tests that need not run twice)."""
    yield from _sqlite_copy(tmp_path, sqlite_template)


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@dataclass
class Org:
    """The seeded organisation: branch codes and Authorization headers per persona."""

    headers: dict[str, dict[str, str]]
    user_ids: dict[str, uuid.UUID]
    tokens: dict[str, str]
    own_branch: str = "B1"
    other_branch: str = "B2"


def seed_org(engine: Engine) -> Org:
    with Session(engine, expire_on_commit=False) as session:
        accounts.create_unit(session=session, code="U1", name="一公司")
        accounts.create_unit(session=session, code="U1-A", name="一公司运维部", parent_code="U1")
        accounts.create_branch(session=session, code="B1", name="一支部", unit_code="U1-A")
        accounts.create_branch(session=session, code="B2", name="二支部", unit_code="U1")
        personas = {
            "secretary": ("sec-b1", "secretary", "B1"),
            "secretary_b2": ("sec-b2", "secretary", "B2"),
            "hr": ("hr-1", "hr", None),
            "discipline": ("disc-1", "discipline", None),
            "admin": ("admin-1", "admin", None),
        }
        tokens, ids = {}, {}
        for key, (name, role, branch) in personas.items():
            new = accounts.create_user(session=session, name=name, role=role, branch_code=branch)
            tokens[key] = new.token
            ids[key] = new.user.id
    return Org(
        headers={key: {"Authorization": f"Bearer {token}"} for key, token in tokens.items()},
        user_ids=ids,
        tokens=tokens,
    )


def _client(settings: Settings, engine: Engine, tagger: Any) -> Iterator[TestClient]:
    app = create_app(settings, engine=engine, tagger=tagger)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(settings: Settings, engine: Engine, tagger: Any) -> Iterator[TestClient]:
    """A TestClient on a fresh database (parametrised over SQLite and PostgreSQL)."""
    yield from _client(settings, engine, tagger)


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def keyword_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client whose tagger is deterministic (`[pay]`, `[watch]` … in the text), for routing tests."""
    from tests.service.helpers import KeywordTagger

    yield from _client(settings, engine, KeywordTagger())
