"""Published trend figures: served within the allowed lag, republished when data, K or the tree change,
and a refresh never loses a change made while it computes."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session

from service.accounts import service as accounts
from service.config import Settings
from service.trends import cube as cubes
from service.trends import publish
from service.trends import service as trends
from service.trends.models import TrendBlock, TrendDirty, TrendFamily
from tests.service.conftest import Org, make_settings
from tests.service.trends.conftest import ingest

URL = "/api/v1/trends/concerns"
WEEK = {"from": "2026-11-16", "to": "2026-11-22", "interval": "week"}
MONTH = "2026-11"


@pytest.fixture
def settings() -> Settings:
    return make_settings(trend_max_lag_s=3600, trend_sync_refresh_ms=0)  # never recomputed just for speed


def _notes(body: dict, code: str | None = None) -> int | None:
    group = (
        body["buckets"][0]["groups"][0]
        if code is None
        else next(g for g in body["buckets"][0]["groups"] if g["code"] == code)
    )
    return group["notes"]["count"]


def test_figures_lag_within_the_allowed_time_until_refreshed(
    client: TestClient, org: Org, engine: Engine, settings: Settings
) -> None:
    admin = org.headers["admin"]
    ingest(client, admin, "B1", 6)
    first = client.get(URL, params=WEEK, headers=admin).json()
    assert _notes(first) == 6  # never published before: published on the first read
    as_of = datetime.fromisoformat(first["as_of"])

    ingest(client, admin, "B1", 4)
    stale = client.get(URL, params=WEEK, headers=admin).json()
    assert _notes(stale) == 6 and datetime.fromisoformat(stale["as_of"]) == as_of  # within the hour allowed
    with Session(engine) as session:
        assert publish.dirty_months(session=session) == [MONTH]
        session.commit()
        assert trends.refresh_published(session=session, settings=settings) == 1
        assert publish.dirty_months(session=session) == []
    fresh = client.get(URL, params=WEEK, headers=admin).json()
    assert _notes(fresh) == 10 and datetime.fromisoformat(fresh["as_of"]) > as_of


def test_a_reader_republishes_when_the_lag_is_exceeded(
    client: TestClient, org: Org, settings: Settings
) -> None:
    admin = org.headers["admin"]
    ingest(client, admin, "B1", 6)
    assert _notes(client.get(URL, params=WEEK, headers=admin).json()) == 6
    ingest(client, admin, "B1", 4)
    settings.trend_max_lag_s = 0  # the app reads this settings object: the change is now overdue
    assert _notes(client.get(URL, params=WEEK, headers=admin).json()) == 10


def test_a_month_quick_to_publish_is_always_current(client: TestClient, org: Org, settings: Settings) -> None:
    settings.trend_sync_refresh_ms = 250  # the default: this month took a few ms, so the reader redoes it
    admin = org.headers["admin"]
    ingest(client, admin, "B1", 6)
    assert _notes(client.get(URL, params=WEEK, headers=admin).json()) == 6
    ingest(client, admin, "B1", 4)
    assert _notes(client.get(URL, params=WEEK, headers=admin).json()) == 10  # within the lag, yet current


def test_a_change_made_during_a_refresh_stays_marked(
    client: TestClient, org: Org, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(client, org.headers["admin"], "B1", 6)
    real_build = cubes.build

    def build_while_someone_writes(*args: object, **kwargs: object) -> cubes.Cube:
        with Session(engine) as other:  # a concurrent ingest marks the month while we compute
            publish.mark_dirty(session=other, months=[MONTH])
            other.commit()
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cubes, "build", build_while_someone_writes)
    with Session(engine) as session:
        marks_before = session.scalar(select(func.count()).select_from(TrendDirty))
        assert marks_before and marks_before >= 1
        session.commit()
        assert trends.refresh_published(session=session, settings=settings) == 1
        # the marks the refresh read are gone; the one added while it computed is still there
        assert session.scalar(select(func.count()).select_from(TrendDirty)) == 1
        assert publish.dirty_months(session=session) == [MONTH]


def test_a_new_branch_or_another_k_republishes(
    client: TestClient, org: Org, engine: Engine, settings: Settings
) -> None:
    admin = org.headers["admin"]
    ingest(client, admin, "B1", 6)
    client.get(URL, params=WEEK, headers=admin)
    with Session(engine) as session:
        before = session.get(TrendFamily, MONTH)
        assert before is not None and before.min_group == 5
        shape = before.tree_hash
        accounts.create_branch(session=session, code="B3", name="三支部", unit_code="U1")
    body = client.get(URL, params={**WEEK, "group_by": "branch"}, headers=admin).json()
    assert {g["code"] for g in body["buckets"][0]["groups"]} == {"B1", "B2", "B3"}
    with Session(engine) as session:
        after = session.get(TrendFamily, MONTH)
        assert after is not None and after.tree_hash != shape
    settings.min_group = 7
    hr = client.get(URL, params=WEEK, headers=org.headers["hr"]).json()
    assert hr["min_group"] == 7 and hr["buckets"][0]["groups"][0]["notes"]["suppressed"] is True
    with Session(engine) as session:
        family = session.get(TrendFamily, MONTH)
        assert family is not None and family.min_group == 7


def test_rebuild_command_drops_and_republishes_every_month(
    client: TestClient, org: Org, engine: Engine, settings: Settings
) -> None:
    admin = org.headers["admin"]
    ingest(client, admin, "B1", 6)
    ingest(client, admin, "B2", 5, day="2026-09-09")
    with Session(engine) as session:
        trends.rebuild_rollups(session=session)
        assert session.scalar(select(func.count()).select_from(TrendFamily)) == 0
        assert trends.refresh_published(session=session, settings=settings, everything=True) == 2
        assert sorted(session.scalars(select(TrendFamily.month))) == ["2026-09", MONTH]
        assert session.scalar(select(func.count()).select_from(TrendBlock))
    assert _notes(client.get(URL, params=WEEK, headers=admin).json()) == 6


def test_published_blocks_keep_no_text(client: TestClient, org: Org, engine: Engine) -> None:
    admin = org.headers["admin"]
    stored = ingest(client, admin, "B1", 6)
    client.get(URL, params=WEEK, headers=admin)
    with Session(engine) as session:
        payloads = "".join(session.scalars(select(TrendBlock.payload)))
    assert payloads and all(note["text"][:6] not in payloads for note in stored)


def test_refresh_also_publishes_months_never_published(
    client: TestClient, org: Org, engine: Engine, settings: Settings
) -> None:
    ingest(client, org.headers["admin"], "B1", 6)
    with Session(engine) as session:  # as after an upgrade: rollups, no publication, no marks
        session.execute(delete(TrendDirty))
        session.commit()
        assert trends.refresh_published(session=session, settings=settings) == 1
        assert trends.refresh_published(session=session, settings=settings) == 0  # nothing left to do
        settings.min_group = 3
        assert trends.refresh_published(session=session, settings=settings) == 1  # K changed


def test_publishing_in_worker_processes_gives_the_same_blocks(
    client: TestClient, org: Org, engine: Engine, settings: Settings
) -> None:
    admin = org.headers["admin"]
    for day, n in (("2026-09-09", 7), ("2026-10-14", 3), ("2026-11-18", 12)):
        ingest(client, admin, "B1", n, day=day)
    ingest(client, admin, "B2", 2, day="2026-11-18")

    def blocks() -> list[tuple[str, str, str, str]]:
        with Session(engine) as session:
            return sorted(
                session.execute(
                    select(TrendBlock.month, TrendBlock.group_key, TrendBlock.source, TrendBlock.payload)
                ).all()
            )

    with Session(engine) as session:
        assert trends.refresh_published(session=session, settings=settings, everything=True) == 3
        one_process = blocks()
        session.execute(delete(TrendFamily))
        session.execute(delete(TrendBlock))
        session.commit()
        assert trends.refresh_published(session=session, settings=settings, everything=True, workers=2) == 3
    assert blocks() == one_process and one_process


def test_cached_answers_and_figures_equal_a_fresh_answer(
    client: TestClient, org: Org, settings: Settings
) -> None:
    admin = org.headers["admin"]
    ingest(client, admin, "B1", 6, day="2026-10-14")
    ingest(client, admin, "B2", 3, day="2026-11-18")
    first = {"from": "2026-10-01", "to": "2026-11-22", "interval": "week", "group_by": "branch"}
    shifted = {**first, "from": "2026-10-12", "to": "2026-11-29"}
    for who in ("hr", "admin"):
        client.get(URL, params=first, headers=org.headers[who])  # renders most of the weeks of `shifted`
        reused = client.get(URL, params=shifted, headers=org.headers[who]).content
        trends._ANSWERS.clear()
        trends._FIGURES.clear()
        assert client.get(URL, params=shifted, headers=org.headers[who]).content == reused
