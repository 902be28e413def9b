"""Settings of the service, read from `XINSHENG_*` environment variables when first asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"  # refused outside ENV=development


class Settings(BaseSettings):
    """Every tunable of the service; construct via `get_settings()`, override it in tests."""

    model_config = SettingsConfigDict(env_prefix="XINSHENG_", extra="ignore")

    env: Literal["development", "test", "staging", "production"] = "development"
    database_url: str = "sqlite:///var/xinsheng.db"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    model_dir: Path = REPO_ROOT / "models" / "default"
    min_group: int = Field(default=5, ge=1)
    # Trend figures may lag the notes by this much before a reader recomputes them itself; the scheduler's
    # `trends.refresh` job republishes changed months every minute, well inside it.
    trend_max_lag_s: int = Field(default=300, ge=0)
    # ... except that a month whose last publication took at most this long is recomputed by the reader
    # (small organisations always see current figures; large ones wait at most the lag, or the scheduler).
    trend_sync_refresh_ms: int = Field(default=250, ge=0)
    text_retention_days: int = Field(default=730, ge=1)
    max_text_chars: int = Field(default=20_000, ge=1)
    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    log_level: str = "INFO"
    scheduler: Literal["off", "embedded"] = "off"  # embedded: `xinsheng serve` also runs the scheduled jobs

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.env != "development":
            if secret == DEV_SECRET_KEY:
                raise ValueError(
                    f"XINSHENG_SECRET_KEY must be set when XINSHENG_ENV={self.env} "
                    "(the built-in development key is refused)"
                )
            if len(secret) < 32:
                raise ValueError("XINSHENG_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def secret_bytes(self) -> bytes:
        return self.secret_key.get_secret_value().encode("utf-8")


@lru_cache
def get_settings() -> Settings:
    """Return the process settings (a FastAPI dependency; tests override it)."""
    return Settings()
