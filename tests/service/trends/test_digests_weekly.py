"""Weekly digest through the real ingest path: figures, suppression, excerpts (audited), formats."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.audit.models import AuditEvent
from tests.service.conftest import Org

URL = "/api/v1/digests/weekly"
SAFETY = "设备老化存在安全隐患，防护用品不够，安全帽也坏了。"
QUIET = "食堂饭菜不错，对班组氛围比较满意。"
INTEGRITY = "有领导收受礼品，还挪用公款报销私人费用，安全隐患也没人管。"


def _batch(client: TestClient, org: Org, text: str, day: date, n: int, branch: str = "B1") -> list[str]:
    body = {
        "notes": [
            {"branch": branch, "source": "talk", "text": f"{text}（{i}）", "occurred_on": day.isoformat()}
            for i in range(n)
        ]
    }
    response = client.post("/api/v1/notes/batch", json=body, headers=org.headers["admin"])
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


def _seed(client: TestClient, org: Org) -> list[str]:
    monday = date(2026, 11, 16)
    for i in range(1, 5):
        _batch(client, org, QUIET, monday - timedelta(weeks=i), 6)
    _batch(client, org, INTEGRITY, monday + timedelta(days=1), 2)
    _batch(client, org, QUIET, monday + timedelta(days=1), 2, branch="B2")
    return _batch(client, org, SAFETY, monday + timedelta(days=2), 12)


def test_digest_has_headline_top_concerns_tickets_and_heat(client: TestClient, org: Org) -> None:
    _seed(client, org)
    response = client.get(URL, params={"week": "2026-W47"}, headers=org.headers["admin"])
    assert response.status_code == 200
    d = response.json()
    assert d["week"] == "2026-W47" and d["headline"]["notes"] == 16
    assert d["headline"]["previous_weeks_mean"] == 6.0
    assert d["top_concerns"][0]["code"] == "safety"
    assert [p["week"] for p in d["sentiment_line"]] == [
        "2026-W43",
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
    ]
    assert {row["unit"] for row in d["heat"]["rows"]} == {"U1", "U1-A"}
    assert any(e["concern"] == "safety" for e in d["emerging"])


def test_digest_counts_tickets_opened_in_the_week(client: TestClient, org: Org) -> None:
    from service.trends.periods import week_label, week_start

    _seed(client, org)  # tickets open now, whatever day the notes record
    this_week = week_label(week_start(date.today()))
    d = client.get(URL, params={"week": this_week}, headers=org.headers["admin"]).json()
    assert d["tickets"]["opened"] >= 12
    assert d["tickets"]["resolved"] == 0 and d["tickets"]["median_hours_to_resolve"] is None


def test_digest_excerpts_are_scrubbed_audited_and_never_integrity(
    client: TestClient, org: Org, engine: Engine
) -> None:
    safety_ids = _seed(client, org)
    d = client.get(URL, params={"week": "2026-W47"}, headers=org.headers["hr"]).json()
    assert "safety" in d["excerpts"] and "integrity" not in d["excerpts"]
    assert all("挪用公款" not in text for texts in d["excerpts"].values() for text in texts)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "digests.excerpts")).all()
    assert events and set(events[-1].note_ids) <= set(safety_ids)


def test_digest_hides_small_groups_for_hr(client: TestClient, org: Org) -> None:
    _seed(client, org)
    hr = client.get(URL, params={"week": "2026-W47"}, headers=org.headers["hr"]).json()
    admin = client.get(URL, params={"week": "2026-W47"}, headers=org.headers["admin"]).json()
    assert hr["suppression_applied"] and not admin["suppression_applied"]
    assert hr["risk"] != admin["risk"] or all(v is None or v == 0 or v >= 5 for v in hr["risk"].values())
    for row in hr["heat"]["rows"]:
        assert all(v is None or v == 0 or v >= 5 for v in row["cells"])


def test_digest_for_a_unit_and_in_markdown_and_html(client: TestClient, org: Org) -> None:
    _seed(client, org)
    md = client.get(
        URL, params={"week": "2026-W47", "unit": "U1-A", "format": "md"}, headers=org.headers["hr"]
    )
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# 心声周报 2026-W47 · 一公司运维部")
    html = client.get(URL, params={"week": "2026-W47", "format": "html"}, headers=org.headers["hr"])
    assert html.status_code == 200 and "<svg" in html.text and "每周记录数" in html.text


def test_digest_refuses_bad_week_and_unknown_unit(client: TestClient, org: Org) -> None:
    for params in (
        {"week": "W47"},
        {"week": "2026-W47", "unit": "NOPE"},
        {"week": "2026-W47", "format": "pdf"},
    ):
        response = client.get(URL, params=params, headers=org.headers["hr"])
        assert response.status_code == 422
        assert set(response.json()) == {"error", "detail"}


def test_a_note_relabelled_as_integrity_is_never_excerpted(client: TestClient, org: Org) -> None:
    safety_ids = _seed(client, org)
    first = client.get(URL, params={"week": "2026-W47"}, headers=org.headers["admin"]).json()["excerpts"][
        "safety"
    ]
    for note_id in safety_ids:
        client.put(
            f"/api/v1/notes/{note_id}/labels",
            json={"concerns": ["safety", "integrity"]},
            headers=org.headers["admin"],
        )
    after = client.get(URL, params={"week": "2026-W47"}, headers=org.headers["admin"]).json()
    assert first and "safety" not in after["excerpts"]


def test_ticket_counts_cannot_be_derived_across_unit_digests(client: TestClient, org: Org) -> None:
    # U1 holds the unit U1-A (branch B1) and the branch B2 directly; B2's 2 tickets must not be derivable
    # as U1's count minus U1-A's, so U1-A's count is hidden too for hr (admin sees everything).
    _batch(client, org, SAFETY, date.today(), 12)
    _batch(client, org, SAFETY, date.today(), 2, branch="B2")
    week = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%G-W%V")  # the digest's week of "now"

    def opened(who: str, unit: str | None) -> int | None:
        params = {"week": week, **({"unit": unit} if unit else {})}
        response = client.get(URL, params=params, headers=org.headers[who])
        assert response.status_code == 200, response.text
        return response.json()["tickets"]["opened"]

    assert opened("admin", "U1-A") == 12 and opened("admin", "U1") == 14
    assert opened("hr", None) == 14 and opened("hr", "U1") == 14
    assert opened("hr", "U1-A") is None
