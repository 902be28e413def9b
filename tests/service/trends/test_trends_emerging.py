"""Emerging concerns: the exact test's rules, and the endpoint through the real ingest path."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from service.trends.emerging import Rules, check_rise
from tests.service.conftest import Org

RULES = Rules()


def test_a_clear_rise_is_an_alert_with_its_figures() -> None:
    result = check_rise(8, 10, 4, 80, RULES)
    assert result is not None and result.alert
    assert result.share == 0.8 and result.baseline_share == 0.05 and result.p_value < 1e-6


def test_one_talk_never_raises_an_alarm() -> None:
    result = check_rise(1, 1, 0, 80, RULES)
    assert result is not None and not result.alert  # below the minimum count


def test_a_small_rise_is_not_an_alert_even_when_significant() -> None:
    result = check_rise(600, 1000, 5000, 10000, RULES)  # 60 % vs 50 %: tiny p, rise 0.10 just reaches
    assert result is not None and result.alert
    result = check_rise(550, 1000, 5000, 10000, RULES)  # 55 % vs 50 %: significant but a rise of 0.05
    assert result is not None and not result.alert


def test_no_baseline_means_no_test() -> None:
    assert check_rise(5, 5, 0, 0, RULES) is None


SAFETY = "设备老化存在安全隐患，防护用品不够，安全帽也坏了。"
QUIET = "食堂饭菜不错，对班组氛围比较满意。"


def _batch(client: TestClient, org: Org, text: str, day: date, n: int) -> list[dict]:
    body = {
        "notes": [
            {"branch": "B1", "source": "talk", "text": f"{text}（{i}）", "occurred_on": day.isoformat()}
            for i in range(n)
        ]
    }
    response = client.post("/api/v1/notes/batch", json=body, headers=org.headers["admin"])
    assert response.status_code == 200
    return response.json()["items"]


def test_emerging_endpoint_reports_a_rising_concern(client: TestClient, org: Org) -> None:
    monday = date(2026, 11, 16)
    for i in range(1, 9):
        _batch(client, org, QUIET, monday - timedelta(weeks=i), 6)
    items = _batch(client, org, SAFETY, monday + timedelta(days=2), 8)
    note = client.get(f"/api/v1/notes/{items[0]['id']}", headers=org.headers["admin"]).json()
    assert "safety" in {c["code"] for c in note["concerns"]}
    for persona in ("hr", "admin"):
        answer = client.get(
            "/api/v1/trends/emerging", params={"week": "2026-W47"}, headers=org.headers[persona]
        )
        assert answer.status_code == 200
        body = answer.json()
        assert body["baseline"] == {"from": "2026-W39", "to": "2026-W46"}
        alerts = {(i["unit"], i["concern"]): i for i in body["items"]}
        org_safety = alerts[(None, "safety")]
        assert org_safety["count"] == 8 and org_safety["notes"] == 8
        assert org_safety["p_value"] < 0.01 and org_safety["rise"] >= 0.1
        assert ("U1-A", "safety") in alerts


def test_emerging_rejects_a_malformed_week(client: TestClient, org: Org) -> None:
    response = client.get("/api/v1/trends/emerging", params={"week": "2026-47"}, headers=org.headers["hr"])
    assert response.status_code == 422
    assert set(response.json()) == {"error", "detail"}


def test_an_alert_resting_on_a_suppressed_week_is_withheld_from_hr(client: TestClient, org: Org) -> None:
    # one baseline week holds 3 notes: hr cannot see it, so an alert computed from it would say
    # something about it; admin, who sees every cell, still gets the alert with its figures
    monday = date(2026, 11, 16)
    for i in range(1, 9):
        _batch(client, org, QUIET, monday - timedelta(weeks=i), 3 if i == 4 else 6)
    _batch(client, org, SAFETY, monday + timedelta(days=2), 8)

    def alerts(persona: str) -> set[tuple[str | None, str]]:
        answer = client.get(
            "/api/v1/trends/emerging", params={"week": "2026-W47"}, headers=org.headers[persona]
        )
        assert answer.status_code == 200
        items = answer.json()["items"]
        assert all(not i["suppressed"] and i["p_value"] is not None for i in items)
        return {(i["unit"], i["concern"]) for i in items}

    assert (None, "safety") in alerts("admin")
    assert (None, "safety") not in alerts("hr")
