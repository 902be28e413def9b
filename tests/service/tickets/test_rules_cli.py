"""Routing rules and the working calendar as data (admin route and CLI), /healthz, `xinsheng tickets sweep`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.cli.main import main
from service.config import get_settings
from service.db import make_engine
from service.tickets import rules
from tests.service.conftest import Org
from tests.service.tickets.conftest import TEXTS


def test_admin_route_changes_where_new_tickets_go(client: TestClient, org: Org, open_ticket) -> None:
    admin = org.headers["admin"]
    assert open_ticket("branch")["queue"] == "branch"  # family → branch by default
    response = client.put(
        "/api/v1/ticket-routes/family", json={"concern": "family", "queue": "hr"}, headers=admin
    )
    assert response.status_code == 200 and response.json() == {
        "concern": "family",
        "queue": "hr",
        "default": False,
    }
    assert open_ticket("branch")["queue"] == "hr"
    table = {r["concern"]: r["queue"] for r in client.get("/api/v1/ticket-routes", headers=admin).json()}
    assert table["family"] == "hr" and table["integrity"] == "discipline"


@pytest.mark.parametrize(
    ("concern", "body", "error"),
    [
        ("nonsense", {"concern": "nonsense", "queue": "hr"}, "invalid_route"),
        ("pay", {"concern": "pay", "queue": "ceo"}, "invalid_route"),
        ("pay", {"concern": "career", "queue": "hr"}, "invalid_route"),
    ],
)
def test_invalid_routing_rules_are_refused(
    client: TestClient, org: Org, concern: str, body: dict, error: str
) -> None:
    response = client.put(f"/api/v1/ticket-routes/{concern}", json=body, headers=org.headers["admin"])
    assert response.status_code == 422 and response.json()["error"] == error


def test_health_reports_the_working_calendar(client: TestClient, engine: Engine) -> None:
    body = client.get("/healthz").json()
    assert {"status", "model_version", "database"} <= set(body)
    today = date.today()
    missing = [y for y in (today.year, today.year + 1) if y > 2026]
    assert body["working_calendar"] == {
        "status": "fallback" if missing else "ok",
        "years_without_data": missing,
    }


def test_loaded_year_ends_the_fallback(engine: Engine) -> None:
    with Session(engine) as session:
        year, days = rules.load_calendar_year(
            session=session, text="2099-01-01,holiday,元旦\n2099-01-03,workday\n"
        )
        assert (year, days) == (2099, 2)
        status = rules.calendar_status(session=session, today=date(2098, 6, 1))
        assert status.years_without_data == [2098]
        calendar = rules.load_calendar(session=session)
    assert not calendar.is_workday(date(2099, 1, 1)) and calendar.is_workday(date(2099, 1, 3))


def test_a_calendar_file_with_two_years_is_refused(engine: Engine) -> None:
    from service.tickets.errors import InvalidCalendar

    with Session(engine) as session, pytest.raises(InvalidCalendar):
        rules.load_calendar_year(session=session, text="2099-01-01,holiday\n2100-01-01,holiday\n")


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    path = tmp_path / "cli.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("XINSHENG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_cli_routes_calendar_and_sweep(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tickets", "routes", "set", "health", "hr"]) == 0
    assert main(["tickets", "routes", "set", "nonsense", "hr"]) == 2
    capsys.readouterr()
    assert main(["tickets", "routes", "list"]) == 0
    assert "health\thr" in capsys.readouterr().out
    calendar_file = tmp_path / "2027.csv"
    calendar_file.write_text(
        "# 2027 节假日\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休\n", encoding="utf-8"
    )
    assert main(["tickets", "calendar", "load", str(calendar_file)]) == 0
    assert "2 day(s) loaded for 2027" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,party\n", encoding="utf-8")
    assert main(["tickets", "calendar", "load", str(bad)]) == 2
    assert "line 1" in capsys.readouterr().err
    assert main(["tickets", "sweep"]) == 0
    assert capsys.readouterr().out.strip() == "0 overdue ticket(s), 0 escalated"
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert rules.route_rules(session=session)["health"] == "hr"
    engine.dispose()


def test_texts_fixture_is_tagged_as_expected(client: TestClient, org: Org, open_ticket) -> None:
    # Guards the fixtures above: if the model changes, these tests should fail here first.
    assert [open_ticket(kind)["queue"] for kind in ("branch", "hr", "discipline")] == [
        "branch",
        "hr",
        "discipline",
    ]
    assert open_ticket("urgent")["risk"] == "urgent"
    assert TEXTS
