"""Digest delivery exactly once: outbox, SMTP to a local server, WeCom robot to a local HTTP receiver."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from service.accounts.models import User
from service.digests import delivery
from service.digests import service as digests
from service.digests.models import DigestDelivery
from tests.service.conftest import Org, make_settings
from tests.service.trends.receivers import robot_server, smtp_server

WEEK = "2026-W47"


def _seed(client: TestClient, org: Org) -> None:
    body = {
        "notes": [
            {
                "branch": "B1",
                "source": "talk",
                "text": f"设备老化存在安全隐患，防护用品不够。（{i}）",
                "occurred_on": date(2026, 11, 18).isoformat(),
            }
            for i in range(12)
        ]
    }
    assert client.post("/api/v1/notes/batch", json=body, headers=org.headers["admin"]).status_code == 200


def _render(engine: Engine):  # noqa: ANN202
    settings = make_settings()

    def render(scope: str) -> dict[str, str]:
        with Session(engine, expire_on_commit=False) as session:
            hr = session.exec(select(User).where(User.role == "hr")).first()
            return digests.render_for(session=session, user=hr, settings=settings, week=WEEK, scope=scope)

    return render


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_split_markdown_keeps_every_part_within_4096_bytes() -> None:
    text = "".join(f"- 第{i}行：员工反映加班较多，希望增加人手。\n" for i in range(400))
    parts = delivery.split_markdown(text)
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts)
    assert "".join(parts) == text
    long_line = "长" * 5000
    assert "".join(delivery.split_markdown(long_line)) == long_line


def test_rate_limiter_allows_at_most_20_per_minute_per_robot() -> None:
    fake = FakeClock()
    limiter = delivery.RateLimiter(20, clock=fake.clock, sleep=fake.sleep)
    stamps = []
    for _ in range(45):
        limiter.wait("robot")
        stamps.append(fake.now)
        fake.now += 0.5
    for t in stamps:
        assert sum(1 for s in stamps if t <= s < t + 60) <= 20
    limiter.wait("other")  # another robot has its own window
    assert len(fake.sleeps) == 2


def test_outbox_key_is_unique(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(DigestDelivery(week=WEEK, scope="org", channel="email", recipient="a@example.com"))
        session.commit()
        session.add(DigestDelivery(week=WEEK, scope="org", channel="email", recipient="a@example.com"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_running_twice_sends_each_digest_once(client: TestClient, org: Org, engine: Engine) -> None:
    _seed(client, org)
    with smtp_server() as smtp, robot_server() as robot:
        cfg = delivery.DeliverySettings(
            scopes=["org", "U1-A"],
            smtp_host="127.0.0.1",
            smtp_port=smtp.server_address[1],
            email_to=["hr@example.com", "party@example.com"],
            wecom_robots={
                "hr-group": f"http://127.0.0.1:{robot.server_address[1]}/cgi-bin/webhook/send?key=k1"
            },
        )
        fake = FakeClock()
        limiter = delivery.RateLimiter(20, clock=fake.clock, sleep=fake.sleep)
        first = delivery.deliver(engine=engine, week=WEEK, cfg=cfg, render=_render(engine), limiter=limiter)
        second = delivery.deliver(engine=engine, week=WEEK, cfg=cfg, render=_render(engine), limiter=limiter)
        assert (first.sent, first.failed) == (6, 0)
        assert (second.sent, second.failed) == (0, 0)
        assert len(smtp.messages) == 4
        subjects = sorted(str(m["Subject"]) for m in smtp.messages)
        assert subjects[0].startswith("心声周报 2026-W47")
        html = smtp.messages[0].get_body(("html",)).get_content()
        assert "<svg" in html
        assert len(robot.received) == 2 and robot.invalid == 0
        assert robot.received[0][1]["markdown"]["content"].startswith("# 心声周报")
        assert len({m["Message-ID"] for m in smtp.messages}) == 4


def test_a_run_killed_mid_send_resumes_without_repeating_parts(
    client: TestClient, org: Org, engine: Engine
) -> None:
    _seed(client, org)
    long_md = "".join(f"- 第{i}行：员工反映加班较多，希望增加人手。\n" for i in range(400))
    parts = delivery.split_markdown(long_md)
    assert len(parts) >= 3
    with robot_server() as robot:
        url = f"http://127.0.0.1:{robot.server_address[1]}/send?key=k2"
        cfg = delivery.DeliverySettings(scopes=["org"], wecom_robots={"ops": url})
        calls = {"n": 0}

        def crashing_post(u: str, content: str, timeout: float) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise ConnectionError("killed")
            delivery.post_wecom(u, content, timeout)

        def render(scope: str) -> dict[str, str]:
            return {"subject": "s", "md": long_md, "html": "<p/>"}

        first = delivery.deliver(engine=engine, week=WEEK, cfg=cfg, render=render, wecom_post=crashing_post)
        assert first.failed == 1
        second = delivery.deliver(engine=engine, week=WEEK, cfg=cfg, render=render)
        third = delivery.deliver(engine=engine, week=WEEK, cfg=cfg, render=render)
        assert second.sent == 1 and third.sent == 0
        contents = [payload["markdown"]["content"] for _, payload in robot.received]
        assert contents == parts  # each part once, in order
