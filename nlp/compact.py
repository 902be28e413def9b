"""The served form of a fitted note model: plain arrays and vocabularies, scored with NumPy alone.

Loading scikit-learn costs most of a second of start-up (scipy.stats and friends); a tagger that only has to
score notes does not need it. `CompactModel.from_note_model` reads the fitted TF-IDF vocabularies, IDF weights
and linear coefficients out of the scikit-learn objects; `transform` reproduces TfidfVectorizer's output
(sublinear tf, idf, l2 per block) and a test holds the two equal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from nlp.analyzers import BLOCKS, prepare

ARRAYS_FILE = "weights.npz"
VOCAB_FILE = "vocabulary.json"


@dataclass
class CompactModel:
    """Vocabularies, IDF weights and one weight matrix for every output of the three heads."""

    vocabularies: dict[str, dict[str, int]]  # block name -> vocabulary, blocks in feature order
    idf: np.ndarray  # (n_features,) blocks concatenated
    weights: np.ndarray  # (n_features, 12 concerns + 3 sentiment + 3 risk)
    bias: np.ndarray  # (n_outputs,)
    concern_thresholds: np.ndarray
    sentiment_classes: list[str]
    risk_classes: list[str]
    urgent_threshold: float
    watch_threshold: float
    feature_labels: list[str]

    @property
    def n_concerns(self) -> int:
        return len(self.concern_thresholds)

    @property
    def n_words(self) -> int:
        """Number of features in the word block (the first block)."""
        return len(self.vocabularies["word"])

    @classmethod
    def from_note_model(cls, model: Any) -> CompactModel:
        """Read a fitted `nlp.model.NoteModel` into its compact form."""
        blocks = model.features.transformer_list
        heads = [est.coef_[0] for est in model.concern_clf.estimators_]
        biases = [est.intercept_[0] for est in model.concern_clf.estimators_]
        for clf in (model.sentiment_clf, model.risk_clf):
            heads.extend(clf.coef_)
            biases.extend(clf.intercept_)
        return cls(
            vocabularies={name: {k: int(v) for k, v in vec.vocabulary_.items()} for name, vec in blocks},
            idf=np.concatenate([vec.idf_ for _, vec in blocks]).astype(np.float32),
            weights=np.stack(heads, axis=1).astype(np.float32),
            bias=np.asarray(biases, dtype=np.float32),
            concern_thresholds=np.asarray(model.concern_thresholds, dtype=np.float32),
            sentiment_classes=[str(c) for c in model.sentiment_clf.classes_],
            risk_classes=[str(c) for c in model.risk_clf.classes_],
            urgent_threshold=float(model.urgent_threshold),
            watch_threshold=float(model.watch_threshold),
            feature_labels=list(model.feature_labels),
        )

    # -- persistence -------------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write weights.npz and vocabulary.json into `directory`."""
        np.savez_compressed(
            directory / ARRAYS_FILE,
            idf=self.idf,
            weights=self.weights,
            bias=self.bias,
            concern_thresholds=self.concern_thresholds,
        )
        doc = {
            "vocabularies": self.vocabularies,
            "sentiment_classes": self.sentiment_classes,
            "risk_classes": self.risk_classes,
            "urgent_threshold": self.urgent_threshold,
            "watch_threshold": self.watch_threshold,
            "feature_labels": self.feature_labels,
        }
        (directory / VOCAB_FILE).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> CompactModel:
        """Read a compact model written by `save`."""
        doc = json.loads((directory / VOCAB_FILE).read_text(encoding="utf-8"))
        if list(doc["vocabularies"]) != list(BLOCKS):
            raise ValueError(f"feature blocks {list(doc['vocabularies'])} differ from {list(BLOCKS)}")
        with np.load(directory / ARRAYS_FILE) as arrays:
            return cls(
                vocabularies=doc["vocabularies"],
                idf=arrays["idf"],
                weights=arrays["weights"],
                bias=arrays["bias"],
                concern_thresholds=arrays["concern_thresholds"],
                sentiment_classes=doc["sentiment_classes"],
                risk_classes=doc["risk_classes"],
                urgent_threshold=float(doc["urgent_threshold"]),
                watch_threshold=float(doc["watch_threshold"]),
                feature_labels=doc["feature_labels"],
            )

    # -- scoring -----------------------------------------------------------------------------------------
    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the TF-IDF matrix of `texts` as CSR arrays (indptr, indices, data)."""
        analyzers = [analyzer for _, analyzer in BLOCKS.values()]
        getters = [self.vocabularies[name].get for name in BLOCKS]
        offsets = np.cumsum([0] + [len(self.vocabularies[name]) for name in BLOCKS])[:-1]
        cols: list[int] = []  # vocabulary index, or -1 for a gram the model does not know
        counts: list[int] = []
        sizes: list[int] = []  # grams per (text, block)
        for text in texts:
            doc = prepare(text)
            for analyzer, get in zip(analyzers, getters, strict=True):
                gram_counts = Counter(analyzer(doc))
                cols.extend(map(get, gram_counts, repeat(-1)))
                counts.extend(gram_counts.values())
                sizes.append(len(gram_counts))
        n_blocks = len(analyzers)
        raw_cols = np.asarray(cols, dtype=np.int64)
        size_arr = np.asarray(sizes, dtype=np.int64)
        known = raw_cols >= 0
        run_of = np.repeat(np.arange(len(sizes)), size_arr)  # (text, block) run of every gram
        col_arr = (raw_cols + offsets[run_of % n_blocks])[known].astype(np.int32)
        data = (1.0 + np.log(np.asarray(counts, dtype=np.float32)[known])) * self.idf[col_arr]
        run = np.bincount(run_of[known], minlength=len(sizes))  # known grams per run
        ends = np.cumsum(run)
        starts = ends - run
        if len(data):
            sq = np.zeros(len(run), dtype=np.float64)
            nonempty = run > 0
            sq[nonempty] = np.add.reduceat(data.astype(np.float64) ** 2, starts[nonempty])
            data = data / np.repeat(np.sqrt(sq), run)
        indptr = np.concatenate([[0], ends[n_blocks - 1 :: n_blocks]]).astype(np.int32)
        return indptr, col_arr, data.astype(np.float32)

    def decision(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> np.ndarray:
        """Return the raw linear scores (n_texts, n_outputs)."""
        from scipy.sparse import csr_matrix

        x = csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, self.weights.shape[0]))
        return np.asarray(x @ self.weights) + self.bias
