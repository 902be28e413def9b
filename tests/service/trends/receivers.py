"""Local receivers for delivery tests: a minimal SMTP server and a WeCom robot stand-in (HTTP)."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


class _SMTPHandler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 localhost test SMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip().upper()
            if command.startswith("DATA"):
                self._say("354 end with <CRLF>.<CRLF>")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.messages.append(message_from_bytes(b"".join(lines), policy=policy.default))  # type: ignore[attr-defined]
                self._say("250 queued")
            elif command.startswith("QUIT"):
                self._say("221 bye")
                return
            else:
                self._say("250 localhost")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages: list[EmailMessage] = []


@contextmanager
def _serving(server: Any) -> Iterator[Any]:
    """Serve `server` on a daemon thread for the block, then shut it down."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def smtp_server() -> Iterator[_SMTPServer]:
    with _serving(_SMTPServer()) as server:
        yield server


class _RobotHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        payload = json.loads(body)
        ok = (
            set(payload) == {"msgtype", "markdown"}
            and payload["msgtype"] == "markdown"
            and set(payload["markdown"]) == {"content"}
            and len(payload["markdown"]["content"].encode("utf-8")) <= 4096
        )
        self.server.received.append((self.path, payload))  # type: ignore[attr-defined]
        answer = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 40058, "errmsg": "invalid payload"}
        if not ok:
            self.server.invalid += 1  # type: ignore[attr-defined]
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def robot_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _RobotHandler)
    server.received = []  # type: ignore[attr-defined]
    server.invalid = 0  # type: ignore[attr-defined]
    with _serving(server):
        yield server
