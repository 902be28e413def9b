"""Settings: defaults, environment prefix, and the refusal of the development secret elsewhere."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from service.config import DEV_SECRET_KEY, Settings, get_settings


def test_defaults_are_documented_values() -> None:
    settings = Settings()
    assert settings.env == "development"
    assert settings.database_url == "sqlite:///var/xinsheng.db"
    assert settings.min_group == 5
    assert settings.text_retention_days == 730
    assert settings.max_text_chars == 20_000
    assert settings.model_dir.parts[-2:] == ("models", "default")


def test_environment_variables_use_the_xinsheng_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINSHENG_MIN_GROUP", "7")
    monkeypatch.setenv("XINSHENG_DATABASE_URL", "sqlite:////tmp/x.db")
    settings = Settings()
    assert settings.min_group == 7
    assert settings.database_url == "sqlite:////tmp/x.db"


@pytest.mark.parametrize("env", ["test", "staging", "production"])
def test_default_secret_is_refused_outside_development(env: str) -> None:
    with pytest.raises(ValidationError, match="XINSHENG_SECRET_KEY"):
        Settings(env=env)


def test_short_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short")


def test_default_secret_is_accepted_in_development() -> None:
    assert Settings(env="development").secret_key.get_secret_value() == DEV_SECRET_KEY


def test_production_starts_with_a_real_secret() -> None:
    assert Settings(env="production", secret_key="x" * 40).env == "production"


def test_settings_are_not_read_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setenv("XINSHENG_MAX_TEXT_CHARS", "123")
    try:
        assert get_settings().max_text_chars == 123
    finally:
        get_settings.cache_clear()


def test_secret_is_not_shown_in_repr() -> None:
    assert "x" * 40 not in repr(Settings(env="production", secret_key="x" * 40))
