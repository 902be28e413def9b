"""Database: SQLite pragmas, naming convention, migrations matching the models and reversible."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from service import migrate
from service.db import NAMING_CONVENTION, make_engine, metadata, normalise_url


def test_sqlite_connections_use_wal_foreign_keys_and_full_sync(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_metadata_has_an_explicit_naming_convention() -> None:
    assert metadata.naming_convention == NAMING_CONVENTION


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url=url)
    command.check(migrate.alembic_config(url))  # raises if models and migrations differ


def test_migrations_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine=engine)
    migrate.downgrade(engine=engine, revision="base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine=engine)
    assert {"note", "ticket", "user_account", "idempotency_key"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_constraints_are_named_by_the_convention(sqlite_engine: Engine) -> None:
    fks = inspect(sqlite_engine).get_foreign_keys("note")
    assert {fk["name"] for fk in fks} >= {"fk_note_branch_id_branch", "fk_note_created_by_user_account"}


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgres(pg_engine: Engine) -> None:
    config = migrate.alembic_config()
    with pg_engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)
