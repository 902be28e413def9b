"""Memory and cold-load cost of the tagging pipeline (models + dictionary), in a fresh process.

Measures, in a new interpreter: RSS after importing `nlp` (libraries only), then the time and RSS growth of
loading the default model and tagging one note (which builds the tokenizer's dictionary and the
normalisation table), and the scrubber's first call. Targets: added RSS <= 150 MB, cold load <= 1.5 s.

usage: python benchmarks/bench_nlp_memory.py [--model-dir models/default] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, os, sys, time
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
t0 = time.perf_counter()
import nlp
t1 = time.perf_counter()
base = rss_mb()
tagger = nlp.load_tagger(sys.argv[1])
tagger.predict(["连续加班一个月，人手不够"])
t2 = time.perf_counter()
loaded = rss_mb()
nlp.scrub("王建国的电话是13812345678")
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "scrub_first_s": t3 - t2, "rss_libs_mb": base,
                  "rss_loaded_mb": loaded, "rss_after_scrub_mb": rss_mb()}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=str(ROOT / "models" / "default"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-c", PROBE, args.model_dir], check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["import_s"] + r["load_s"])
    added = best["rss_after_scrub_mb"] - best["rss_libs_mb"]
    print(f"import nlp            {best['import_s']:.3f} s")
    print(f"load model + 1st note {best['load_s']:.3f} s")
    print(f"first scrub           {best['scrub_first_s']:.3f} s")
    print(f"cold load total       {best['import_s'] + best['load_s'] + best['scrub_first_s']:.3f} s (target <= 1.5 s)")
    print(f"RSS libraries only    {best['rss_libs_mb']:.1f} MB")
    print(f"RSS pipeline loaded   {best['rss_after_scrub_mb']:.1f} MB")
    print(f"RSS added by pipeline {added:.1f} MB (target <= 150 MB)")


if __name__ == "__main__":
    main()
