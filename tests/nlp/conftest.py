"""Fixtures for the nlp tests: the corpus and a small model trained once per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"


@pytest.fixture(scope="session")
def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    return texts


@pytest.fixture(scope="session")
def small_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train a model on a slice of the corpus (fast), into a temporary directory."""
    from nlp import train

    out = tmp_path_factory.mktemp("model")
    rows = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        rows += [line for line in path.open(encoding="utf-8") if line.strip()][:60]
    data = out.parent / "small_corpus.jsonl"
    data.write_text("".join(rows), encoding="utf-8")
    train([data], out, git_commit="test")
    return out
