"""Tagging notes with a saved model: concerns with evidence, sentiment, and risk (rules + model)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata as _pkg_metadata
from pathlib import Path
from typing import Any

import numpy as np

from nlp.compact import ARRAYS_FILE, CompactModel
from nlp.rules import find_urgent_signs
from nlp.taxonomy import CONCERNS, RISKS, TAXONOMY_VERSION

MODEL_FILE = "model.joblib"  # the fitted scikit-learn objects, for inspection and notebooks
METADATA_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"


class ModelError(Exception):
    """A model directory that cannot be loaded: missing, damaged, or built by an incompatible library."""


@dataclass(frozen=True, slots=True)
class ConcernTag:
    """One predicted concern: its code, probability, and the words that drove it."""

    code: str
    score: float
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class NoteTags:
    """Everything the tagger says about one note."""

    concerns: list[ConcernTag]
    concern_scores: dict[str, float]
    sentiment: str
    risk: str

    def as_dict(self) -> dict[str, Any]:
        """Return the public JSON shape (the `xinsheng nlp predict` line without its id)."""
        return {
            "concerns": [c.code for c in self.concerns],
            "concern_scores": self.concern_scores,
            "sentiment": self.sentiment,
            "risk": self.risk,
            "evidence": {c.code: c.evidence for c in self.concerns},
        }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


# Function words never count as evidence, alone or as a whole bigram of them.
_STOP_CHARS = frozenset("的了是吗又到在和与及就都也还要我你他她它们这那有没不很太把被给让对说会能去来上下个啊呢吧哈嘛呀么之其或而且但")


def _readable(word: str) -> bool:
    return bool(word.strip()) and not all(ch in _STOP_CHARS for ch in word)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def sklearn_version() -> str:
    """Return the installed scikit-learn version without importing it (importing costs most of a second)."""
    return _pkg_metadata.version("scikit-learn")


class Tagger:
    """A loaded model that tags notes."""

    def __init__(self, model: CompactModel, metadata: dict[str, Any]) -> None:
        self.model = model
        self.metadata = metadata
        self.version: str = str(metadata.get("model_version", "unknown"))
        self._urgent_col = model.risk_classes.index("urgent")
        # features that may serve as evidence: words (people read words), not bare function words
        n_words = model.n_words
        self._evidence_ok = np.array(
            [i < n_words and _readable(label) for i, label in enumerate(model.feature_labels)], dtype=bool
        )
        self._watch_col = model.risk_classes.index("watch")

    def predict(self, texts: Sequence[str], sources: Sequence[str | None] | None = None) -> list[NoteTags]:
        """Tag each text; `sources` ('talk' or 'survey') is accepted for the interface and may be None."""
        texts = list(texts)
        if not texts:
            return []
        model = self.model
        indptr, indices, data = model.transform(texts)
        scores = model.decision(indptr, indices, data)
        k = model.n_concerns
        n_sent = len(model.sentiment_classes)
        con_p = _sigmoid(scores[:, :k])
        sentiment_idx = scores[:, k : k + n_sent].argmax(axis=1)
        risk_p = _softmax(scores[:, k + n_sent :])
        picked = con_p >= model.concern_thresholds
        evidence = self._evidence(indptr, indices, data, picked)
        scores_rounded = np.round(con_p.astype(np.float64), 4).tolist()
        out: list[NoteTags] = []
        for i, text in enumerate(texts):
            row_scores = scores_rounded[i]
            concerns = [
                ConcernTag(CONCERNS[j], row_scores[j], evidence.get((i, j), []))
                for j in np.flatnonzero(picked[i]).tolist()
            ]
            concerns.sort(key=lambda c: -c.score)
            urgent_p = risk_p[i, self._urgent_col]
            watch_plus = urgent_p + risk_p[i, self._watch_col]
            if urgent_p >= model.urgent_threshold or find_urgent_signs(text):
                risk = "urgent"
            elif watch_plus >= model.watch_threshold:
                risk = "watch"
            else:
                risk = "none"
            out.append(
                NoteTags(
                    concerns=concerns,
                    concern_scores=dict(zip(CONCERNS, row_scores, strict=True)),
                    sentiment=model.sentiment_classes[sentiment_idx[i]],
                    risk=risk,
                )
            )
        return out

    def _evidence(
        self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, picked: np.ndarray, k: int = 5
    ) -> dict[tuple[int, int], list[str]]:
        """Return, for every (row, concern) picked, the words whose features raised that concern most."""
        labels = self.model.feature_labels
        row_of = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        usable = self._evidence_ok[indices]
        found: dict[tuple[int, int], list[str]] = {}
        for j in np.flatnonzero(picked.any(axis=0)):
            sel = picked[row_of, j] & usable
            contrib = data[sel] * self.model.weights[indices[sel], j]
            keep = contrib > 0
            rows, cols, contrib = row_of[sel][keep], indices[sel][keep], contrib[keep]
            order = np.lexsort((-contrib, rows))
            rows, cols = rows[order], cols[order]
            # keep the first few of each row's run: enough for k words after dropping overlapping n-grams
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
            head = rank < k + 4
            rows_l, cols_l = rows[head].tolist(), cols[head].tolist()
            for r, c in zip(rows_l, cols_l, strict=True):
                words = found.setdefault((r, int(j)), [])
                if len(words) >= k:
                    continue
                word = labels[c]
                if not any(word in w or w in word for w in words):
                    words.append(word)
        return found


def save_model(model: Any, directory: Path, metadata: dict[str, Any]) -> CompactModel:
    """Write the fitted model (scikit-learn pickle and served compact form) and metadata.json into `directory`."""
    import joblib
    import sklearn

    directory.mkdir(parents=True, exist_ok=True)
    meta = dict(metadata)
    meta.setdefault("sklearn_version", sklearn.__version__)
    meta.setdefault("taxonomy_version", TAXONOMY_VERSION)
    compact = CompactModel.from_note_model(model)
    compact.save(directory)
    joblib.dump(model, directory / MODEL_FILE, compress=3)
    save_metadata(directory, meta)
    return compact


def save_metadata(directory: Path, metadata: dict[str, Any]) -> None:
    """Write metadata.json into a model directory."""
    text = json.dumps(metadata, ensure_ascii=False, indent=2)
    (directory / METADATA_FILE).write_text(text, encoding="utf-8")


def read_metadata(directory: Path) -> dict[str, Any]:
    """Read a model directory's metadata.json."""
    path = Path(directory) / METADATA_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"no model at {directory}: {METADATA_FILE} is missing (run `xinsheng nlp train`)") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable {path}: {exc}") from exc


def load_tagger(directory: str | Path) -> Tagger:
    """Load the model in `directory`, refusing one built by another scikit-learn minor version or taxonomy."""
    directory = Path(directory)
    meta = read_metadata(directory)
    built = str(meta.get("sklearn_version", ""))
    installed = sklearn_version()
    if _minor(built) != _minor(installed):
        raise ModelError(
            f"model in {directory} was built with scikit-learn {built or 'unknown'}, "
            f"this environment has {installed}: retrain with `xinsheng nlp train`"
        )
    if meta.get("taxonomy_version") != TAXONOMY_VERSION:
        raise ModelError(
            f"model in {directory} uses taxonomy version {meta.get('taxonomy_version')}, expected {TAXONOMY_VERSION}"
        )
    try:
        model = CompactModel.load(directory)
    except FileNotFoundError as exc:
        raise ModelError(f"no model file {ARRAYS_FILE} in {directory}: retrain with `xinsheng nlp train`") from exc
    except (OSError, ValueError, KeyError) as exc:  # damaged files
        raise ModelError(f"cannot load the model in {directory}: {type(exc).__name__}") from exc
    return Tagger(model, meta)


__all__ = [
    "CARD_FILE",
    "ConcernTag",
    "ModelError",
    "NoteTags",
    "RISKS",
    "Tagger",
    "load_tagger",
    "read_metadata",
    "save_metadata",
    "save_model",
]
