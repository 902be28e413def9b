"""Urgent notifications: webhook (JSON), WeCom robot (markdown), e-mail (SMTP); after commit; no note text."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.tickets import notify
from tests.service.conftest import Org
from tests.service.helpers import note_body
from tests.service.tickets.conftest import TEXTS


class Inbox:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self.changed = threading.Condition()

    def add(self, channel: str, payload: str) -> None:
        with self.changed:
            self.items.append((channel, payload))
            self.changed.notify_all()

    def wait_for(self, count: int) -> list[tuple[str, str]]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.items) >= count, timeout=30)
            return list(self.items)


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A local HTTP receiver (two paths) and a minimal SMTP server, wired through XINSHENG_* settings."""
    box = Inbox()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')
            box.add(self.path.strip("/"), body)

        def log_message(self, *args: object) -> None:
            pass

    class Smtp(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"220 test ESMTP\r\n")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb == b"DATA":
                    self.wfile.write(b"354 go ahead\r\n")
                    data = b""
                    while not data.endswith(b"\r\n.\r\n"):
                        data += self.rfile.readline()
                    box.add("email", data.decode("utf-8", "replace"))
                    self.wfile.write(b"250 queued\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")

    http = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Smtp)
    for server in (http, smtp):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_address[1]}"
    monkeypatch.setenv("XINSHENG_URGENT_WEBHOOK_URL", f"{base}/webhook")
    monkeypatch.setenv("XINSHENG_WECOM_WEBHOOK_URL", f"{base}/wecom")
    monkeypatch.setenv("XINSHENG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("XINSHENG_SMTP_PORT", str(smtp.server_address[1]))
    monkeypatch.setenv("XINSHENG_SMTP_TO", "duty@example.com")
    monkeypatch.setenv("XINSHENG_PUBLIC_URL", "https://xinsheng.example")
    yield box
    for server in (http, smtp):
        server.shutdown()
        server.server_close()


def test_urgent_note_notifies_every_channel_without_text(client: TestClient, org: Org, inbox: Inbox) -> None:
    quiet = client.post("/api/v1/notes", json=note_body(text=TEXTS["branch"]), headers=org.headers["admin"])
    assert quiet.json()["ticket_id"]
    urgent = client.post("/api/v1/notes", json=note_body(text=TEXTS["urgent"]), headers=org.headers["admin"])
    assert urgent.json()["risk"] == "urgent"
    ticket_id = urgent.json()["ticket_id"]
    items = inbox.wait_for(3)
    assert sorted(channel for channel, _ in items) == ["email", "webhook", "wecom"]
    by_channel = dict(items)
    webhook = json.loads(by_channel["webhook"])
    assert webhook["ticket_id"] == ticket_id
    assert webhook["link"] == f"https://xinsheng.example/api/v1/tickets/{ticket_id}"
    wecom = json.loads(by_channel["wecom"])
    assert wecom["msgtype"] == "markdown" and ticket_id in wecom["markdown"]["content"]
    assert "duty@example.com" in by_channel["email"]
    for _, payload in items:
        assert TEXTS["urgent"] not in payload and "活着" not in payload
        assert quiet.json()["ticket_id"] not in payload


def test_nothing_is_sent_when_the_transaction_rolls_back(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[list] = []
    monkeypatch.setattr(notify, "send_in_background", lambda ids, kind: sent.append(list(ids)))
    import uuid

    with Session(engine) as session:
        session.connection()  # inside a transaction, as ingest is
        notify.after_commit(session, [uuid.uuid4()])
        session.rollback()
        session.commit()
    assert sent == []
    with Session(engine) as session:
        session.connection()
        ticket = uuid.uuid4()
        notify.after_commit(session, [ticket])
        assert sent == []  # not before the commit
        session.commit()
    assert sent == [[ticket]]


def test_a_failing_receiver_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    cfg = notify.NotifySettings(urgent_webhook_url="http://127.0.0.1:9/none", notify_timeout=2)
    assert notify.send([uuid.uuid4()], kind="urgent", settings=cfg) == 1
