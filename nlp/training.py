"""Training: load the labelled corpus, fix the held-out split, fit, evaluate, and write the artefacts."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jieba
import numpy as np
import rjieba
import scipy
import sklearn

from nlp.card import render_model_card
from nlp.evaluation import evaluate
from nlp.model import SEED, fit_note_model
from nlp.rules import is_urgent
from nlp.tagger import CARD_FILE, Tagger, save_metadata, save_model
from nlp.taxonomy import CONCERNS, RISKS, SENTIMENTS, TAXONOMY_VERSION

HELDOUT_BUCKETS = 5  # one bucket in five (20 %) is held out


class CorpusError(ValueError):
    """A labelled file that does not follow the record format."""


def load_records(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Read labelled JSONL files, checking every record against the taxonomy."""
    records: list[dict[str, Any]] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    rec = json.loads(line)
                except ValueError as exc:
                    raise CorpusError(f"{where}: not JSON ({exc})") from exc
                for key in ("id", "text", "concerns", "sentiment", "risk"):
                    if key not in rec:
                        raise CorpusError(f"{where}: missing field {key!r}")
                bad = [c for c in rec["concerns"] if c not in CONCERNS]
                if bad:
                    raise CorpusError(f"{where}: unknown concern code(s) {bad}")
                if rec["sentiment"] not in SENTIMENTS:
                    raise CorpusError(f"{where}: unknown sentiment {rec['sentiment']!r}")
                if rec["risk"] not in RISKS:
                    raise CorpusError(f"{where}: unknown risk {rec['risk']!r}")
                records.append(rec)
    return records


def is_heldout(record_id: str) -> bool:
    """Tell whether a record belongs to the fixed held-out split (by a hash of its id)."""
    digest = hashlib.sha256(record_id.encode("utf-8")).digest()
    return digest[0] % HELDOUT_BUCKETS == 0


def split_records(records: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (train, heldout)."""
    train = [r for r in records if not is_heldout(r["id"])]
    heldout = [r for r in records if is_heldout(r["id"])]
    return train, heldout


def data_hash(paths: Sequence[Path]) -> str:
    """Return a SHA-256 over the corpus files' names and bytes."""
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda x: x.name):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def corpus_stats(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Count labels in a set of records."""
    concerns = {c: sum(c in r["concerns"] for r in records) for c in CONCERNS}
    return {
        "notes": len(records),
        "concerns": concerns,
        "multi_concern": sum(len(r["concerns"]) >= 2 for r in records),
        "no_concern": sum(not r["concerns"] for r in records),
        "sentiment": {s: sum(r["sentiment"] == s for r in records) for s in SENTIMENTS},
        "risk": {k: sum(r["risk"] == k for r in records) for k in RISKS},
        "source": {s: sum(r.get("source") == s for r in records) for s in ("talk", "survey")},
    }


def predict_records(tagger: Tagger, records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tag labelled records and return predictions in the evaluation shape."""
    tags = tagger.predict([r["text"] for r in records], [r.get("source") for r in records])
    return [t.as_dict() for t in tags]


def train(
    corpus_paths: Sequence[Path],
    out_dir: Path,
    *,
    git_commit: str = "unknown",
) -> dict[str, Any]:
    """Fit on the training split, evaluate on the held-out split, write model, metadata and model card."""
    records = load_records(corpus_paths)
    if not records:
        raise CorpusError("no labelled records found")
    train_set, heldout = split_records(records)
    model = fit_note_model(
        [r["text"] for r in train_set],
        [r["concerns"] for r in train_set],
        [r["sentiment"] for r in train_set],
        [r["risk"] for r in train_set],
        [is_urgent(r["text"]) for r in train_set],
    )
    built_at = datetime.now(UTC)
    digest = data_hash(corpus_paths)
    meta: dict[str, Any] = {
        "model_version": f"{built_at:%Y.%m.%d}-{digest[:8]}",
        "built_at": built_at.isoformat(timespec="seconds"),
        "data_hash": digest,
        "data_files": sorted(p.name for p in corpus_paths),
        "git_commit": git_commit,
        "taxonomy_version": TAXONOMY_VERSION,
        "sklearn_version": sklearn.__version__,
        "libraries": {
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "jieba": jieba.__version__,
            "rjieba": getattr(rjieba, "__version__", "unknown"),
            "python": platform.python_version(),
        },
        "seed": SEED,
        "thresholds": {
            "concerns": dict(zip(CONCERNS, (float(t) for t in model.concern_thresholds), strict=True)),
            "urgent": model.urgent_threshold,
            "watch_or_worse": model.watch_threshold,
        },
        "corpus": {"train": corpus_stats(train_set), "heldout": corpus_stats(heldout)},
    }
    compact = save_model(model, out_dir, meta)
    tagger = Tagger(compact, meta)
    meta["metrics"] = {"heldout": evaluate(heldout, predict_records(tagger, heldout))} if heldout else {}
    save_metadata(out_dir, meta)
    (out_dir / CARD_FILE).write_text(render_model_card(meta), encoding="utf-8")
    return meta
