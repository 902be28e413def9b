"""Notifications about tickets: a JSON webhook, a WeCom group robot (markdown), e-mail (SMTP).

Each channel is optional (`XINSHENG_URGENT_WEBHOOK_URL`, `XINSHENG_WECOM_WEBHOOK_URL`, `XINSHENG_SMTP_*`).
Messages carry only the ticket id and a link, never note text. They are sent after the transaction that
made them commits, on a background thread, so a slow receiver never holds a request or a lock.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import urllib.request
import uuid
from collections.abc import Sequence
from email.message import EmailMessage

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import event
from sqlmodel import Session

from service.logs import log_event

log = logging.getLogger("xinsheng.tickets.notify")
_PENDING = "tickets.notify.pending"


class NotifySettings(BaseSettings):
    """Where ticket notifications go; every channel is off unless configured."""

    model_config = SettingsConfigDict(env_prefix="XINSHENG_", extra="ignore")

    public_url: str = "http://127.0.0.1:8000"
    urgent_webhook_url: str | None = None
    wecom_webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "xinsheng@localhost"
    smtp_to: str = ""  # comma-separated
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    notify_timeout: float = 5.0


def message(ticket_id: uuid.UUID, *, kind: str, settings: NotifySettings) -> tuple[str, str, str]:
    """Return (title, plain text, link) for a ticket notification; ids and links only."""
    link = f"{settings.public_url.rstrip('/')}/api/v1/tickets/{ticket_id}"
    title = "【心声】紧急工单待处理" if kind == "urgent" else "【心声】工单逾期升级"
    return title, f"{title}：工单 {ticket_id}，请及时跟进。链接：{link}", link


def _post_json(url: str, payload: dict[str, object], timeout: float) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
        response.read()


def _send_mail(settings: NotifySettings, title: str, text: str) -> None:
    recipients = [a.strip() for a in settings.smtp_to.split(",") if a.strip()]
    if not settings.smtp_host or not recipients:
        return
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = title, settings.smtp_from, ", ".join(recipients)
    mail.set_content(text)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.notify_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(mail)


def send(ticket_ids: Sequence[uuid.UUID], *, kind: str, settings: NotifySettings | None = None) -> int:
    """Send one message per ticket on every configured channel; return how many sends failed."""
    cfg = settings or NotifySettings()
    failures = 0
    for ticket_id in ticket_ids:
        title, text, link = message(ticket_id, kind=kind, settings=cfg)
        channels = []
        if cfg.urgent_webhook_url:
            body = {"event": f"ticket.{kind}", "ticket_id": str(ticket_id), "link": link, "title": title}
            channels.append(
                ("webhook", lambda b=body: _post_json(cfg.urgent_webhook_url or "", b, cfg.notify_timeout))
            )
        if cfg.wecom_webhook_url:
            md = {
                "msgtype": "markdown",
                "markdown": {"content": f"**{title}**\n> 工单：{ticket_id}\n> [查看工单]({link})"},
            }
            channels.append(
                ("wecom", lambda b=md: _post_json(cfg.wecom_webhook_url or "", b, cfg.notify_timeout))
            )
        if cfg.smtp_host:
            channels.append(("email", lambda t=title, x=text: _send_mail(cfg, t, x)))
        for name, call in channels:
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - a receiver's failure never fails the ticket
                failures += 1
                log.warning(
                    "notification failed",
                    extra={"event": "tickets.notify_failed", "channel": name, "ticket_id": str(ticket_id),
                           "error_type": type(exc).__name__},
                )  # fmt: skip
        if channels:
            log_event(log, "tickets.notified", kind=kind, ticket_id=str(ticket_id), channels=len(channels))
    return failures


def send_in_background(ticket_ids: Sequence[uuid.UUID], *, kind: str) -> threading.Thread:
    """Send on a daemon thread and return it (tests join it)."""
    thread = threading.Thread(target=send, args=(list(ticket_ids),), kwargs={"kind": kind}, daemon=True)
    thread.start()
    return thread


def after_commit(session: Session, ticket_ids: Sequence[uuid.UUID], *, kind: str = "urgent") -> None:
    """Announce these tickets once the session's current transaction commits (dropped on rollback)."""
    pending: list[tuple[str, uuid.UUID]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _flush_pending)
        event.listen(session, "after_rollback", _drop_pending)
    pending.extend((kind, ticket_id) for ticket_id in ticket_ids)


def _flush_pending(session: Session) -> None:
    pending = session.info.get(_PENDING) or []
    if not pending:
        return
    session.info[_PENDING] = []
    for kind in sorted({k for k, _ in pending}):
        send_in_background([t for k, t in pending if k == kind], kind=kind)


def _drop_pending(session: Session) -> None:
    session.info[_PENDING] = []
