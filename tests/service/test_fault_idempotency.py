"""Idempotency under fault against a real server process: dropped replies, retries, SIGKILL and restart."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.slow
def test_retried_notes_are_stored_exactly_once_across_sigkills(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import fault_idempotency
    finally:
        sys.path.remove(str(BENCH))
    assert fault_idempotency.run(clients=3, per_client=40, kills=2, database_url=None) == 0
    out = capsys.readouterr().out
    assert "0 SIGKILL restarts" not in out
    assert "notes stored 120 (expected 120), distinct 120" in out
    assert "acknowledged but lost 0" in out
