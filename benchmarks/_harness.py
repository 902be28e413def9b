"""A real Xinsheng server for benchmarks: a fresh SQLite database in a temporary folder, one org, one token.

Starts `xinsheng serve` as a separate process (so it can be killed with SIGKILL and started again), with the
same environment a user would set. Loopback only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import cycle, islice
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BRANCH = "BENCH-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def corpus_texts(n: int) -> list[dict]:
    rows: list[dict] = []
    for f in sorted((ROOT / "data" / "corpus").glob("*.jsonl")):
        rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(islice(cycle(rows), n))


class Server:
    """One `xinsheng serve` process over a database in `workdir`."""

    def __init__(self, workdir: Path, database_url: str | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.pop("XINSHENG_ENV", None)
        self.env["XINSHENG_DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.db'}"
        self.env["XINSHENG_LOG_LEVEL"] = "WARNING"
        self.proc: subprocess.Popen[bytes] | None = None
        self.token = ""

    def cli(self, *args: str) -> str:
        out = subprocess.run([str(BIN / "xinsheng"), *args], env=self.env, cwd=self.workdir, check=True,
                             capture_output=True, text=True)
        return out.stdout

    def setup(self) -> None:
        self.cli("db", "upgrade")
        self.cli("units", "add", "BENCH", "基准测试单位")
        self.cli("branches", "add", BRANCH, "基准测试支部", "--unit", "BENCH")
        self.token = self.cli("users", "add", "bench-secretary", "--role", "secretary", "--branch", BRANCH).strip().splitlines()[-1]

    def start(self) -> None:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen([str(BIN / "xinsheng"), "serve", "--port", str(self.port)], env=self.env,
                                     cwd=self.workdir, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)

    def headers(self, key: str | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}"}
        if key:
            h["Idempotency-Key"] = key
        return h


def notes_payload(rows: list[dict], start_day: int = 0) -> Iterator[dict]:
    for i, r in enumerate(rows):
        day = 1 + (start_day + i) % 28
        yield {"branch": BRANCH, "source": r.get("source", "talk"), "text": r["text"], "occurred_on": f"2026-10-{day:02d}"}
