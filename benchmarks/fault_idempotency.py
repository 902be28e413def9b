"""Idempotency under fault, for real: dropped replies, retries with the same key, and SIGKILLed servers.

8 clients each submit 500 notes with `POST /api/v1/notes`, each with its own Idempotency-Key. Every request is
sent, its reply thrown away as if the connection had dropped, and sent again with the same key; a request that
fails (server gone) is retried with the same key until it gets an answer. Meanwhile the server is killed with
SIGKILL and restarted several times. At the end the database must hold exactly 8 x 500 notes, no duplicates, and
every acknowledged id. Exit status 0 when all of that holds.

usage: python benchmarks/fault_idempotency.py [--clients 8] [--notes 500] [--kills 4] [--database-url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _harness import Server, corpus_texts, notes_payload


def run(clients: int, per_client: int, kills: int, database_url: str | None) -> int:
    rows = corpus_texts(clients * per_client)
    payload = list(notes_payload(rows))
    with tempfile.TemporaryDirectory() as d:
        server = Server(Path(d), database_url)
        server.setup()
        server.start()
        acked: dict[str, str] = {}  # key -> note id
        lock = threading.Lock()
        done = threading.Event()
        retries = [0]
        kills_done = [0]

        deadline = time.monotonic() + 600  # never hang: give up loudly after ten minutes

        def send(client: httpx.Client, key: str, note: dict) -> str:
            while time.monotonic() < deadline:
                try:
                    r = client.post("/api/v1/notes", json=note, headers=server.headers(key))
                except httpx.HTTPError:
                    with lock:
                        retries[0] += 1
                    time.sleep(0.2)
                    continue
                if r.status_code in (200, 201):
                    return r.json()["id"]
                if r.status_code in (409, 503):  # in flight elsewhere / database busy: try again
                    time.sleep(0.05)
                    continue
                raise RuntimeError(f"unexpected {r.status_code}: {r.text[:200]}")
            raise TimeoutError(f"no answer for {key} within the deadline")

        def worker(k: int) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for i in range(per_client):
                    key = f"fault-{k}-{i}"
                    note = payload[k * per_client + i]
                    with contextlib.suppress(httpx.HTTPError):  # first attempt: its reply is "dropped"
                        client.post("/api/v1/notes", json=note, headers=server.headers(key))
                    note_id = send(client, key, note)  # the retry, with the same key
                    with lock:
                        acked[key] = note_id

        def killer() -> None:
            rng = random.Random(7)
            for _ in range(kills):
                if done.wait(rng.uniform(1.5, 4.0)):
                    return
                server.kill()
                kills_done[0] += 1
                time.sleep(0.3)
                server.start()

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
        kill_thread = threading.Thread(target=killer)
        started = time.perf_counter()
        for t in threads:
            t.start()
        kill_thread.start()
        for t in threads:
            t.join()
        done.set()
        kill_thread.join()
        elapsed = time.perf_counter() - started
        server.stop()

        if database_url is None:
            with sqlite3.connect(Path(d) / "bench.db") as db:
                ids = [row[0] for row in db.execute("SELECT id FROM note")]
        else:
            import sqlalchemy as sa

            with sa.create_engine(database_url).connect() as conn:
                ids = [str(row[0]) for row in conn.execute(sa.text("SELECT id FROM note"))]
        stored = {str(i).replace("-", "") for i in ids}
        acked_ids = {v.replace("-", "") for v in acked.values()}
        expected = clients * per_client
        lost = len(acked_ids - stored)
        print(f"{clients} clients x {per_client} notes, {kills_done[0]} SIGKILL restarts, {retries[0]} retries after errors, "
              f"{elapsed:.1f} s")
        print(f"notes stored {len(ids)} (expected {expected}), distinct {len(stored)}, acknowledged {len(acked)}, "
              f"distinct acknowledged ids {len(acked_ids)}, acknowledged but lost {lost}")
        ok = len(ids) == expected and len(stored) == expected and len(acked_ids) == expected and lost == 0
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--notes", type=int, default=500)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    sys.exit(run(args.clients, args.notes, args.kills, args.database_url))


if __name__ == "__main__":
    main()
