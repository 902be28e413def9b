"""Trend endpoint through the real ingest path: rollups, corrections, rebuild, suppression, roles, exports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.trends import service as trends
from service.trends.models import TrendRollup
from tests.service.conftest import Org
from tests.service.trends.conftest import ingest

URL = "/api/v1/trends/concerns"
WEEK = {"from": "2026-11-16", "to": "2026-11-22"}


def _group(answer: dict, code: str | None = None) -> dict:
    groups = answer["buckets"][0]["groups"]
    return next(g for g in groups if g["code"] == code) if code else groups[0]


def _concerns(group: dict) -> dict[str, int | None]:
    return {c["code"]: c["count"] for c in group["concerns"]}


def test_ingested_notes_are_counted_in_the_rollups(client: TestClient, org: Org) -> None:
    stored = ingest(client, org.headers["admin"], "B1", 7)
    answer = client.get(URL, params=WEEK, headers=org.headers["admin"]).json()
    group = _group(answer)
    assert answer["buckets"][0]["period"] == "2026-W47"
    assert group["notes"]["count"] == 7
    expected = Counter(c["code"] for note in stored for c in note["concerns"])
    assert {k: v for k, v in _concerns(group).items() if v} == dict(expected)
    sentiments = Counter(note["sentiment"] for note in stored)
    assert {k: v["count"] for k, v in group["sentiment"].items() if v["count"]} == dict(sentiments)
    assert sum(v["count"] for v in group["risk"].values()) == 7


def test_a_label_correction_moves_the_counts(client: TestClient, org: Org) -> None:
    stored = ingest(client, org.headers["admin"], "B1", 6)
    before = _concerns(_group(client.get(URL, params=WEEK, headers=org.headers["admin"]).json()))
    note = stored[0]
    old = {c["code"] for c in note["concerns"]}
    response = client.put(
        f"/api/v1/notes/{note['id']}/labels",
        json={"concerns": ["integrity"], "risk": "watch"},
        headers=org.headers["admin"],
    )
    assert response.status_code == 200
    group = _group(client.get(URL, params=WEEK, headers=org.headers["admin"]).json())
    after = _concerns(group)
    assert after["integrity"] == (before["integrity"] or 0) + (0 if "integrity" in old else 1)
    for code in old - {"integrity"}:
        assert after[code] == before[code] - 1
    assert group["notes"]["count"] == 6
    # a second correction counts from the first one, not from the model's tags
    client.put(f"/api/v1/notes/{note['id']}/labels", json={"concerns": ["pay"]}, headers=org.headers["admin"])
    again = _concerns(_group(client.get(URL, params=WEEK, headers=org.headers["admin"]).json()))
    assert again["integrity"] == after["integrity"] - 1


def test_rebuild_gives_the_same_rollups(client: TestClient, org: Org, engine: Engine) -> None:
    stored = ingest(client, org.headers["admin"], "B1", 6)
    ingest(client, org.headers["admin"], "B2", 3, day="2026-10-02", source="survey")
    client.put(
        f"/api/v1/notes/{stored[1]['id']}/labels",
        json={"concerns": ["safety"], "sentiment": "positive"},
        headers=org.headers["admin"],
    )
    with Session(engine) as session:
        incremental = trends.rollup_totals(session=session)
        session.commit()
        assert trends.rebuild_rollups(session=session) == 9
        assert trends.rollup_totals(session=session) == incremental


def test_small_branch_and_its_complement_are_suppressed_for_hr(client: TestClient, org: Org) -> None:
    ingest(client, org.headers["admin"], "B1", 12)
    ingest(client, org.headers["admin"], "B2", 3)
    params = {**WEEK, "group_by": "branch"}
    hr = client.get(URL, params=params, headers=org.headers["hr"]).json()
    assert hr["suppression_applied"] is True
    # B2 rests on 3 notes; the organisation total (15) minus B1 would give it away, so B1 is hidden too
    for code in ("B1", "B2"):
        group = _group(hr, code)
        assert group["notes"] == {"count": None, "share": None, "suppressed": True}
        assert all(c["count"] is None for c in group["concerns"] if c["suppressed"])
    total = _group(client.get(URL, params=WEEK, headers=org.headers["hr"]).json())
    assert total["notes"]["count"] == 15
    admin = client.get(URL, params=params, headers=org.headers["admin"]).json()
    assert _group(admin, "B2")["notes"] == {"count": 3, "share": None, "suppressed": False}
    assert admin["suppression_applied"] is False


def test_small_concern_counts_are_hidden_but_large_ones_shown(client: TestClient, org: Org) -> None:
    ingest(client, org.headers["admin"], "B1", 12)
    group = _group(client.get(URL, params=WEEK, headers=org.headers["hr"]).json())
    assert group["notes"]["count"] == 12
    for cell in group["concerns"]:
        if cell["suppressed"]:
            assert cell["count"] is None and cell["share"] is None
        else:
            assert cell["count"] == 0 or cell["count"] >= 5


def test_month_buckets_are_the_sum_of_their_weeks(client: TestClient, org: Org) -> None:
    ingest(client, org.headers["admin"], "B1", 5, day="2026-11-03")
    ingest(client, org.headers["admin"], "B1", 6, day="2026-11-25")
    params = {"from": "2026-11-01", "to": "2026-11-30", "headers": None}
    params.pop("headers")
    months = client.get(URL, params={**params, "interval": "month"}, headers=org.headers["admin"]).json()
    weeks = client.get(URL, params=params, headers=org.headers["admin"]).json()
    nov = next(b for b in months["buckets"] if b["period"] == "2026-11")
    assert nov["groups"][0]["notes"]["count"] == 11
    assert sum(b["groups"][0]["notes"]["count"] for b in weeks["buckets"]) == 11


def test_group_by_unit_rolls_up_the_tree(client: TestClient, org: Org) -> None:
    ingest(client, org.headers["admin"], "B1", 5)
    ingest(client, org.headers["admin"], "B2", 6)
    answer = client.get(URL, params={**WEEK, "group_by": "unit"}, headers=org.headers["admin"]).json()
    counts = {g["code"]: g["notes"]["count"] for g in answer["buckets"][0]["groups"]}
    assert counts == {"U1": 11, "U1-A": 5}


def test_group_by_source_and_source_filter(client: TestClient, org: Org) -> None:
    ingest(client, org.headers["admin"], "B1", 5)
    ingest(client, org.headers["admin"], "B1", 6, source="survey")
    answer = client.get(URL, params={**WEEK, "group_by": "source"}, headers=org.headers["admin"]).json()
    assert {g["source"]: g["notes"]["count"] for g in answer["buckets"][0]["groups"]} == {
        "talk": 5,
        "survey": 6,
    }
    only = client.get(
        URL, params={**WEEK, "source": "survey", "branch": "B1"}, headers=org.headers["admin"]
    ).json()
    assert _group(only)["notes"]["count"] == 6


def test_bad_queries_are_422_in_the_one_error_shape(client: TestClient, org: Org) -> None:
    for params in (
        {"concern": "nope"},
        {"from": "2026-11-20", "to": "2026-11-01"},
        {"interval": "day"},
        {"unit": "NOPE"},
        {"branch": "B2", "unit": "U1-A"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "2026-13-01"},
    ):
        response = client.get(URL, params=params, headers=org.headers["hr"])
        assert response.status_code == 422, params
        assert set(response.json()) == {"error", "detail"}


def test_csv_export_has_chinese_headers_and_the_same_suppression(client: TestClient, org: Org) -> None:
    ingest(client, org.headers["admin"], "B1", 12)
    ingest(client, org.headers["admin"], "B2", 3)
    response = client.get(
        URL, params={**WEEK, "group_by": "branch", "format": "csv"}, headers=org.headers["hr"]
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:8] == ["周期", "开始日期", "结束日期", "分组类型", "代码", "名称", "来源", "记录数"]
    by_code = {row[4]: row for row in rows[1:]}
    assert by_code["B2"][7] == "已抑制" and by_code["B1"][7] == "已抑制"


def test_xlsx_export_opens_with_chinese_headers(client: TestClient, org: Org) -> None:
    from openpyxl import load_workbook

    ingest(client, org.headers["admin"], "B1", 5)
    response = client.get(URL, params={**WEEK, "format": "xlsx"}, headers=org.headers["admin"])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "周期"
    assert sheet.cell(2, 8).value == 5


def test_rebuild_puts_every_weekday_in_its_iso_week(client: TestClient, org: Org, engine: Engine) -> None:
    # Monday 2026-11-16 to Monday 2026-11-23, across a month family edge (2026-11-29 / 2026-11-30) too
    days = [f"2026-11-{d:02d}" for d in range(16, 24)] + ["2026-11-29", "2026-11-30", "2026-12-06"]
    for day in days:
        ingest(client, org.headers["admin"], "B1", 1, day=day)

    def rows() -> set[tuple]:
        with Session(engine) as session:
            return set(
                session.execute(
                    select(
                        TrendRollup.week_start,
                        TrendRollup.branch_id,
                        TrendRollup.source,
                        TrendRollup.metric,
                        TrendRollup.count,
                    ).where(TrendRollup.count != 0)
                ).all()
            )

    incremental = rows()
    assert {r[0] for r in incremental} == {date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)}
    with Session(engine) as session:
        assert trends.rebuild_rollups(session=session) == len(days)
    assert rows() == incremental
