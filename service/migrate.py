"""Run the Alembic migrations programmatically (works from any directory)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from service.db import metadata, normalise_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _import_models() -> None:
    # Every table module, so that autogenerate sees the whole schema.
    import service.accounts.models  # noqa: F401
    import service.audit.models  # noqa: F401
    import service.digests.models  # noqa: F401
    import service.idempotency.models  # noqa: F401
    import service.notes.models  # noqa: F401
    import service.tickets.models  # noqa: F401
    import service.trends.models  # noqa: F401


_import_models()
target_metadata = metadata


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(*, url: str | None = None, engine: Engine | None = None, revision: str = "heads") -> None:
    """Upgrade the database at `url` (or on `engine`) to `revision`."""
    config = alembic_config(url)
    if engine is not None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    else:
        command.upgrade(config, revision)


def downgrade(*, engine: Engine, revision: str) -> None:
    """Downgrade the database on `engine` to `revision`."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
