"""Ingest speed through the real HTTP API on SQLite, against `xinsheng nlp predict` on the same notes.

1. `xinsheng nlp predict` over N notes (whole process): its notes/s is the reference.
2. `POST /api/v1/notes/batch`, 1,000 notes a request (scrub + tag + store + ticket rows), one client: notes/s.
3. Single `POST /api/v1/notes` from 4 concurrent clients: latency p50 / p95 / p99.
Targets (issue 3): batch >= half the predict notes/s and >= 2,000 notes/s; single POST p99 <= 50 ms.

usage: python benchmarks/bench_ingest.py [--notes 20000] [--single 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _harness import BIN, ROOT, Server, corpus_texts, notes_payload


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=20000)
    ap.add_argument("--single", type=int, default=2000, help="single POSTs in the latency test")
    args = ap.parse_args()
    rows = corpus_texts(args.notes)
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        inp = work / "in.jsonl"
        inp.write_text("".join(json.dumps({"id": str(i), "text": r["text"]}, ensure_ascii=False) + "\n"
                               for i, r in enumerate(rows)), encoding="utf-8")
        t = time.perf_counter()
        subprocess.run([str(BIN / "xinsheng"), "nlp", "predict", "--input", str(inp), "--output", str(work / "o.jsonl")],
                       check=True, cwd=ROOT)
        predict_rate = len(rows) / (time.perf_counter() - t)

        server = Server(work)
        server.setup()
        server.start()
        try:
            payload = list(notes_payload(rows))
            with httpx.Client(base_url=server.url, headers=server.headers(), timeout=120) as client:
                t = time.perf_counter()
                stored = 0
                for i in range(0, len(payload), 1000):
                    r = client.post("/api/v1/notes/batch", json={"notes": payload[i : i + 1000]})
                    r.raise_for_status()
                    stored += sum(1 for item in r.json()["items"] if item["status"] == "stored")
                batch_rate = len(payload) / (time.perf_counter() - t)
            assert stored == len(payload), f"only {stored} of {len(payload)} stored"

            latencies: list[float] = []
            lock = threading.Lock()
            per_client = args.single // 4

            def worker(k: int) -> None:
                mine: list[float] = []
                with httpx.Client(base_url=server.url, headers=server.headers(), timeout=30) as c:
                    for note in payload[k * per_client : (k + 1) * per_client]:
                        t0 = time.perf_counter()
                        c.post("/api/v1/notes", json=note).raise_for_status()
                        mine.append(time.perf_counter() - t0)
                with lock:
                    latencies.extend(mine)

            threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        finally:
            server.stop()
    q = statistics.quantiles(latencies, n=100)
    print(f"{len(rows)} notes from the corpus")
    print(f"nlp predict (whole process)  {predict_rate:8.0f} notes/s")
    print(f"POST /notes/batch x1000      {batch_rate:8.0f} notes/s  (ratio to predict {batch_rate / predict_rate:.2f}; "
          f"targets >= 0.5 and >= 2000)")
    print(f"POST /notes, 4 clients       p50 {q[49] * 1000:.1f} ms  p95 {q[94] * 1000:.1f} ms  p99 {q[98] * 1000:.1f} ms "
          f"(target p99 <= 50 ms; {len(latencies)} requests)")


if __name__ == "__main__":
    main()
