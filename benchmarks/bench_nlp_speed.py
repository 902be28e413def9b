"""Speed of `xinsheng nlp predict` and `xinsheng nlp scrub` against pure-Python `jieba.lcut`, whole processes.

Builds N notes (default 20,000) by cycling the corpus texts, then times in turn, each as a fresh process in the
same venv: (1) jieba.lcut over every note, (2) `xinsheng nlp predict`, (3) `xinsheng nlp scrub`.
Prints seconds, notes/s and the ratios predict/jieba and scrub/predict. Targets: both ratios <= 1.0.

usage: python benchmarks/bench_nlp_speed.py [--notes 20000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import corpus_texts

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

JIEBA_SCRIPT = """
import json, sys, jieba
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
n = sum(len(jieba.lcut(t)) for t in texts)
print(n)
"""


def make_input(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for i, rec in enumerate(corpus_texts(n)):
            out.write(json.dumps({"id": f"b{i}", "text": rec["text"], "source": rec.get("source")}, ensure_ascii=False) + "\n")


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        inp, out = Path(d) / "in.jsonl", Path(d) / "out.jsonl"
        make_input(inp, args.notes)
        chars = sum(len(json.loads(line)["text"]) for line in inp.read_text(encoding="utf-8").splitlines())
        best: dict[str, float] = {}
        for _ in range(args.repeat):  # alternate, keep each one's best run
            runs = {
                "jieba.lcut": [str(BIN / "python"), "-c", JIEBA_SCRIPT, str(inp)],
                "nlp predict": [str(BIN / "xinsheng"), "nlp", "predict", "--input", str(inp), "--output", str(out)],
                "nlp scrub": [str(BIN / "xinsheng"), "nlp", "scrub", "--input", str(inp), "--output", str(out)],
            }
            for name, cmd in runs.items():
                best[name] = min(best.get(name, float("inf")), timed(cmd))
    print(f"{args.notes} notes, {chars} characters; best of {args.repeat} whole-process runs")
    for name, sec in best.items():
        print(f"{name:<12} {sec:7.2f} s  {args.notes / sec:9.0f} notes/s")
    print(f"ratio predict / jieba.lcut = {best['nlp predict'] / best['jieba.lcut']:.2f} (target <= 1.0)")
    print(f"ratio scrub / predict      = {best['nlp scrub'] / best['nlp predict']:.2f} (target <= 1.0)")


if __name__ == "__main__":
    main()
