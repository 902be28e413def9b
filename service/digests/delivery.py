"""Deliver weekly digests by e-mail (SMTP) and WeCom group robots, each once, through an outbox.

The outbox has one row per (week, scope, channel, recipient), unique, so running the job twice never adds a
second row. A runner claims a row (pending → sending) in its own committed transaction, sends, and marks it
sent; WeCom digests longer than one message go out in parts and `parts_sent` is committed after each part,
so a run killed mid-send resumes with the next part. A claim older than `STALE_CLAIM` is taken over (the
runner holding it died). What no outbox can close is a crash between the remote side accepting a message and
our commit: that one message may be sent again; e-mails carry a deterministic Message-ID so that mail
systems can drop the duplicate.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from service.db import utcnow
from service.digests.models import DigestDelivery
from service.logs import log_event

log = logging.getLogger("xinsheng.digests")

WECOM_MAX_BYTES = 4096
WECOM_PER_MINUTE = 20
STALE_CLAIM = timedelta(minutes=15)


class DeliverySettings(BaseSettings):
    """Where digests go (`XINSHENG_DIGEST_*`); robot webhook URLs hold keys and are never logged."""

    model_config = SettingsConfigDict(env_prefix="XINSHENG_DIGEST_", extra="ignore")

    scopes: list[str] = Field(default_factory=lambda: ["org"])  # "org" and/or unit codes
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "xinsheng@localhost"
    email_to: list[str] = Field(default_factory=list)
    wecom_robots: dict[str, str] = Field(default_factory=dict)  # name -> webhook URL
    wecom_per_minute: int = WECOM_PER_MINUTE
    timeout_seconds: float = 10.0


def split_markdown(text: str, limit: int = WECOM_MAX_BYTES) -> list[str]:
    """Split Markdown at line ends into parts of at most `limit` UTF-8 bytes (long lines are cut)."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode("utf-8")) > limit:  # a single over-long line: cut on a character boundary
            cut = line.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
            if current:
                parts.append(current)
                current = ""
            parts.append(cut)
            line = line[len(cut) :]
        if len((current + line).encode("utf-8")) > limit:
            parts.append(current)
            current = ""
        current += line
    if current:
        parts.append(current)
    return parts


@dataclass
class RateLimiter:
    """At most `per_minute` sends per robot in any 60 s window (sleeps when the window is full)."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: dict[str, deque[float]] = field(default_factory=dict)

    def wait(self, robot: str) -> None:
        window = self._sent.setdefault(robot, deque())
        now = self.clock()
        while True:
            while window and now - window[0] >= 60:
                window.popleft()
            if len(window) < self.per_minute:
                break
            self.sleep(60 - (now - window[0]))
            now = self.clock()
        window.append(now)


def post_wecom(url: str, content: str, timeout: float) -> None:
    """Send one markdown message to a WeCom group robot; raise on a transport or API error."""
    body = json.dumps({"msgtype": "markdown", "markdown": {"content": content}}, ensure_ascii=False).encode(
        "utf-8"
    )
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"WeCom robot refused the message (errcode {answer.get('errcode')})")


def send_email(
    cfg: DeliverySettings, *, to: str, subject: str, text: str, html: str, message_id: str
) -> None:
    """Send one digest e-mail (plain Markdown with an HTML alternative)."""
    if not cfg.smtp_host:
        raise RuntimeError("XINSHENG_DIGEST_SMTP_HOST is not set")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = (
        cfg.mail_from,
        to,
        subject,
        message_id,
    )
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_seconds) as smtp:
        if cfg.smtp_starttls:
            smtp.starttls()
        if cfg.smtp_user and cfg.smtp_password:
            smtp.login(cfg.smtp_user, cfg.smtp_password)
        smtp.send_message(message)


def enqueue(*, session: Session, week: str, scopes: list[str], cfg: DeliverySettings) -> int:
    """Add the missing outbox rows for this week (unique key: a second run adds nothing); commit."""
    wanted = [(scope, "email", to) for scope in scopes for to in cfg.email_to]
    wanted += [(scope, "wecom", name) for scope in scopes for name in sorted(cfg.wecom_robots)]
    existing = {
        (row[0], row[1], row[2])
        for row in session.execute(
            select(DigestDelivery.scope, DigestDelivery.channel, DigestDelivery.recipient).where(
                DigestDelivery.week == week
            )
        )
    }
    added = 0
    for scope, channel, recipient in wanted:
        if (scope, channel, recipient) in existing:
            continue
        session.add(DigestDelivery(week=week, scope=scope, channel=channel, recipient=recipient))
        try:
            session.commit()
            added += 1
        except IntegrityError:  # a concurrent runner added it first: the unique key keeps one row
            session.rollback()
    return added


def _claim(engine: Engine, row_id: Any) -> bool:
    now = utcnow()
    with Session(engine) as session:
        result = session.execute(
            update(DigestDelivery)
            .where(DigestDelivery.id == row_id)
            .where(
                or_(
                    DigestDelivery.status.in_(("pending", "failed")),  # type: ignore[attr-defined]
                    (DigestDelivery.status == "sending") & (DigestDelivery.claimed_at < now - STALE_CLAIM),  # type: ignore[operator]
                )
            )
            .values(status="sending", claimed_at=now, attempts=DigestDelivery.attempts + 1)
        )
        session.commit()
        return result.rowcount == 1  # type: ignore[attr-defined]


def _update(engine: Engine, row_id: Any, **values: Any) -> None:
    with Session(engine) as session:
        session.execute(update(DigestDelivery).where(DigestDelivery.id == row_id).values(**values))
        session.commit()


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def deliver(
    *,
    engine: Engine,
    week: str,
    cfg: DeliverySettings,
    render: Callable[[str], dict[str, str]],
    limiter: RateLimiter | None = None,
    wecom_post: Callable[[str, str, float], None] = post_wecom,
    mail: Callable[..., None] = send_email,
) -> Report:
    """Send every outbox row of the week that is not sent yet; `render(scope)` gives subject, md and html."""
    limiter = limiter or RateLimiter(cfg.wecom_per_minute)
    with Session(engine) as session:
        enqueue(session=session, week=week, scopes=cfg.scopes, cfg=cfg)
        rows = session.execute(
            select(DigestDelivery.id, DigestDelivery.scope, DigestDelivery.channel, DigestDelivery.recipient)
            .where(DigestDelivery.week == week, DigestDelivery.status != "sent")
            .order_by(DigestDelivery.scope, DigestDelivery.channel, DigestDelivery.recipient)
        ).all()
    report, rendered = Report(), {}
    for row_id, scope, channel, recipient in rows:
        if not _claim(engine, row_id):
            report.skipped += 1
            continue
        try:
            content = rendered.setdefault(scope, render(scope))
            if channel == "email":
                key = hashlib.sha256(f"{week}|{scope}|{recipient}".encode()).hexdigest()[:24]
                mail(
                    cfg,
                    to=recipient,
                    subject=content["subject"],
                    text=content["md"],
                    html=content["html"],
                    message_id=f"<digest-{key}@xinsheng>",
                )
            else:
                url = cfg.wecom_robots.get(recipient)
                if url is None:
                    raise RuntimeError("robot no longer configured")
                with Session(engine) as session:
                    done = session.get(DigestDelivery, row_id).parts_sent  # type: ignore[union-attr]
                for index, part in enumerate(split_markdown(content["md"])):
                    if index < done:
                        continue  # accepted before a crash
                    limiter.wait(recipient)
                    wecom_post(url, part, cfg.timeout_seconds)
                    _update(engine, row_id, parts_sent=index + 1)
            _update(engine, row_id, status="sent", sent_at=utcnow(), last_error=None)
            report.sent += 1
        except Exception as exc:  # noqa: BLE001 - any failure leaves the row for the next run
            _update(engine, row_id, status="failed", last_error=type(exc).__name__)
            report.failed += 1
            log_event(
                log, "digests.delivery_failed", channel=channel, week=week, error_type=type(exc).__name__
            )
    log_event(
        log, "digests.delivered", week=week, sent=report.sent, failed=report.failed, skipped=report.skipped
    )
    return report
