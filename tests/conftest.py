"""Shared test configuration: keep the developer's XINSHENG_* environment out of the tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests build their own Settings; a developer's exported XINSHENG_* must not leak into them.
    for name in list(os.environ):
        if name.startswith("XINSHENG_") and name != "XINSHENG_TEST_PG_URL":
            monkeypatch.delenv(name, raising=False)
