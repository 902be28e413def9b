"""Where the project's files are, for the command line (an editable install runs from the clone)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def model_dir() -> Path:
    """Return the model directory: XINSHENG_MODEL_DIR, or models/default in the project."""
    return Path(os.environ.get("XINSHENG_MODEL_DIR") or PROJECT_ROOT / "models" / "default")


def corpus_dir() -> Path:
    """Return the directory that holds the labelled corpus."""
    return PROJECT_ROOT / "data" / "corpus"
