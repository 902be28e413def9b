"""Tickets benchmark: due-time computation, listing, transitions, contention and the sweep (SQLite or PG).

Run: `.venv/bin/python benchmarks/bench_tickets.py [--notes 1000] [--database-url URL]`.
Prints one JSON object; the figures go to docs/benchmarks.md (section "Tickets").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import update  # noqa: E402
from sqlmodel import Session  # noqa: E402

from service import migrate  # noqa: E402
from service.accounts import service as accounts  # noqa: E402
from service.app import create_app, load_tagger  # noqa: E402
from service.config import Settings  # noqa: E402
from service.db import make_engine  # noqa: E402
from service.tickets import jobs, workflow  # noqa: E402
from service.tickets.calendar import WorkCalendar  # noqa: E402
from service.tickets.models import Ticket  # noqa: E402

TEXTS = [
    "家里老人生病住院，孩子上学没人接送，压力很大。",
    "谈话对象反映工资偏低，绩效工资被扣，加班很多睡不好觉。",
    "班组长经常加班到深夜，身体吃不消，希望合理安排工作量。",
    "食堂饭菜质量差，希望改善。",
]


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
    }


def bench_due_at(n: int = 20000) -> dict[str, float]:
    cal = WorkCalendar()
    out = {}
    for label, start in (
        ("2026_package", datetime(2026, 9, 29, 8, tzinfo=UTC)),
        ("2027_fallback", datetime(2027, 9, 29, 8, tzinfo=UTC)),
    ):
        began = time.perf_counter()
        for i in range(n):
            workflow.due_at("none", start + timedelta(minutes=i), cal)
        out[f"due_at_{label}_us"] = round((time.perf_counter() - began) / n * 1e6, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-tickets-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine=engine)
    settings = Settings(env="test", secret_key="bench-secret-0123456789-abcdefghijklmnop", database_url=url)
    with Session(engine) as session:
        accounts.create_unit(session=session, code="BU", name="基准单位")
        accounts.create_branch(session=session, code="BB", name="基准支部", unit_code="BU")
        token = accounts.create_user(session=session, name="bench-admin", role="admin").token
    headers = {"Authorization": f"Bearer {token}"}
    result: dict[str, object] = {"database": engine.dialect.name, "notes": args.notes, **bench_due_at()}
    app = create_app(settings, engine=engine, tagger=load_tagger(settings))
    with TestClient(app) as client:
        notes = [
            {"branch": "BB", "source": "talk", "text": TEXTS[i % 4], "occurred_on": "2026-11-20"}
            for i in range(args.notes)
        ]
        for start in range(0, len(notes), 500):
            client.post("/api/v1/notes/batch", json={"notes": notes[start : start + 500]}, headers=headers)
        ids: list[str] = []
        cursor = None
        list_times = []
        while True:
            began = time.perf_counter()
            page = client.get(
                "/api/v1/tickets",
                params={"limit": 200, **({"cursor": cursor} if cursor else {})},
                headers=headers,
            ).json()
            list_times.append(time.perf_counter() - began)
            ids += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        result["tickets"] = len(ids)
        result["list_page_200"] = _ms(list_times)
        times = []
        for ticket_id in ids[:200]:
            began = time.perf_counter()
            response = client.post(
                f"/api/v1/tickets/{ticket_id}/transitions",
                json={"to": "acknowledged"},
                headers={**headers, "If-Match": '"1"'},
            )
            times.append(time.perf_counter() - began)
            assert response.status_code == 200
        result["transition"] = _ms(times)
        # Contention: 8 writers on each of 20 tickets with the same If-Match.
        wins = stale = other = 0
        lock = threading.Lock()
        for ticket_id in ids[200:220]:
            barrier = threading.Barrier(8)

            def write(tid: str = ticket_id, b: threading.Barrier = barrier) -> None:
                nonlocal wins, stale, other
                b.wait()
                code = client.post(
                    f"/api/v1/tickets/{tid}/transitions",
                    json={"to": "in_progress"},
                    headers={**headers, "If-Match": '"1"'},
                ).status_code
                with lock:
                    wins += code == 200
                    stale += code == 412
                    other += code not in (200, 412)

            threads = [threading.Thread(target=write) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        result["contention_20x8"] = {"won": wins, "stale_412": stale, "other": other}
    with Session(engine) as session:
        session.exec(update(Ticket).values(due_at=datetime(2026, 1, 5, tzinfo=UTC)))
        session.commit()
    began = time.perf_counter()
    first = jobs.sweep_overdue(engine=engine, now=datetime(2026, 1, 5, 1, tzinfo=UTC))
    result["sweep_first_s"] = round(time.perf_counter() - began, 3)
    began = time.perf_counter()
    second = jobs.sweep_overdue(engine=engine, now=datetime(2026, 1, 5, 1, tzinfo=UTC))
    result["sweep_again_s"] = round(time.perf_counter() - began, 3)
    result["sweep_escalated"] = [first.escalated, second.escalated]
    engine.dispose()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
