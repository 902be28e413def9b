"""No lost updates: concurrent If-Match writers against a real server (uvicorn), on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from service.app import create_app
from service.config import Settings
from tests.service.conftest import Org, seed_org
from tests.service.helpers import note_body
from tests.service.tickets.conftest import TEXTS

WRITERS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(settings: Settings, engine: Engine, tagger: Any) -> Iterator[str]:
    """A real uvicorn server on a free port, in a thread, on the test's database."""
    app = create_app(settings, engine=engine, tagger=tagger)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(500):  # wait until it answers (not a timing assertion)
        if srv.started:
            break
        threading.Event().wait(0.02)
    assert srv.started
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


def test_concurrent_if_match_updates_exactly_one_wins(server: str, engine: Engine) -> None:
    org: Org = seed_org(engine)
    admin = org.headers["admin"]
    with httpx.Client(base_url=server, timeout=30) as http:
        note = http.post("/api/v1/notes", json=note_body(text=TEXTS["branch"]), headers=admin).json()
        ticket_id = note["ticket_id"]
        etag = http.get(f"/api/v1/tickets/{ticket_id}", headers=admin).headers["ETag"]
    barrier = threading.Barrier(WRITERS)
    targets = ["acknowledged", "in_progress", "dismissed"]
    results: list[int] = []
    lock = threading.Lock()

    def write(i: int) -> None:
        to = targets[i % len(targets)]
        body: dict[str, str] = {"to": to, "comment": f"writer {i}"}
        if to == "dismissed":
            body["reason"] = "duplicate"
        with httpx.Client(base_url=server, timeout=60) as http:
            barrier.wait()
            response = http.post(
                f"/api/v1/tickets/{ticket_id}/transitions", json=body, headers={**admin, "If-Match": etag}
            )
        with lock:
            results.append(response.status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [412] * (WRITERS - 1)
    with httpx.Client(base_url=server, timeout=30) as http:
        got = http.get(f"/api/v1/tickets/{ticket_id}", headers=admin).json()
    assert got["version"] == 2
    assert len([e for e in got["events"] if e["kind"] == "transition"]) == 1
