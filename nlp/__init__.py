"""Xinsheng's language library: normalisation, segmentation, tagging and scrubbing of notes.

Plain strings, lists and dataclasses in and out; nothing here knows about the service.
Training and evaluation need scikit-learn and load it on first use, so that tagging starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from nlp.rules import RuleHit, find_urgent_signs, is_urgent
from nlp.scrub import PLACEHOLDERS, PiiSpan, ScrubResult, scrub, scrub_many
from nlp.segment import cut, tokenize
from nlp.tagger import ConcernTag, ModelError, NoteTags, Tagger, load_tagger, read_metadata
from nlp.taxonomy import CONCERNS, RISKS, SENTIMENTS, TAXONOMY, TAXONOMY_VERSION
from nlp.text import normalise

_LAZY = {
    "evaluate": "nlp.evaluation",
    "format_report": "nlp.evaluation",
    "CorpusError": "nlp.training",
    "is_heldout": "nlp.training",
    "load_records": "nlp.training",
    "predict_records": "nlp.training",
    "split_records": "nlp.training",
    "train": "nlp.training",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")


__all__ = [
    "CONCERNS",
    "PLACEHOLDERS",
    "RISKS",
    "SENTIMENTS",
    "TAXONOMY",
    "TAXONOMY_VERSION",
    "ConcernTag",
    "CorpusError",
    "ModelError",
    "NoteTags",
    "PiiSpan",
    "RuleHit",
    "ScrubResult",
    "Tagger",
    "cut",
    "evaluate",
    "find_urgent_signs",
    "format_report",
    "is_heldout",
    "is_urgent",
    "load_records",
    "load_tagger",
    "normalise",
    "predict_records",
    "read_metadata",
    "scrub",
    "scrub_many",
    "split_records",
    "tokenize",
    "train",
]
