"""The tagger: artefacts round-trip, version refusal, the served model equals the fitted one, output shape."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joblib
import numpy as np
import pytest
from scipy import sparse

from nlp import CONCERNS, RISKS, SENTIMENTS, ModelError, load_tagger, read_metadata

NOTES = [
    "连续加班一个月了，人手不够，晚上睡不着",
    "食堂饭菜太咸，宿舍没有热水",
    "不想活了，活着没意思",
    "",
    "无",
]


def test_metadata_records_provenance(small_model_dir: Path) -> None:
    meta = read_metadata(small_model_dir)
    for key in ("model_version", "data_hash", "git_commit", "libraries", "taxonomy_version", "metrics", "thresholds"):
        assert key in meta
    assert meta["git_commit"] == "test"
    assert set(meta["thresholds"]["concerns"]) == set(CONCERNS)
    assert (small_model_dir / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")


def test_predictions_have_the_public_shape(small_model_dir: Path) -> None:
    tags = load_tagger(small_model_dir).predict(NOTES)
    assert len(tags) == len(NOTES)
    for tag in tags:
        d = tag.as_dict()
        assert set(d) == {"concerns", "concern_scores", "sentiment", "risk", "evidence"}
        assert set(d["concern_scores"]) == set(CONCERNS)
        assert all(0.0 <= p <= 1.0 for p in d["concern_scores"].values())
        assert d["sentiment"] in SENTIMENTS and d["risk"] in RISKS
        assert set(d["evidence"]) == set(d["concerns"])


def test_rule_layer_makes_crisis_notes_urgent_whatever_the_model_says(small_model_dir: Path) -> None:
    tags = load_tagger(small_model_dir).predict(["今天开会说了下季度计划。另外他说不想活了。"])
    assert tags[0].risk == "urgent"


def test_served_model_scores_equal_the_fitted_scikit_learn_model(small_model_dir: Path, corpus_texts: list[str]) -> None:
    fitted = joblib.load(small_model_dir / "model.joblib")
    tagger = load_tagger(small_model_dir)
    texts = corpus_texts[::7][:400] + NOTES
    expected = fitted.transform(texts)
    indptr, indices, data = tagger.model.transform(texts)
    got = sparse.csr_matrix((data, indices, indptr), shape=expected.shape)
    assert abs(expected - got).max() < 1e-5
    served = tagger.predict(texts)
    proba = fitted.concern_clf.predict_proba(expected)
    np.testing.assert_allclose([[t.concern_scores[c] for c in CONCERNS] for t in served], proba, atol=1e-3)
    assert [t.sentiment for t in served] == list(fitted.sentiment_clf.predict(expected))


def test_loader_refuses_another_scikit_learn_minor_version(small_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(small_model_dir, copy)
    meta = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    major, minor = meta["sklearn_version"].split(".")[:2]
    meta["sklearn_version"] = f"{major}.{int(minor) + 1}.0"
    (copy / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="scikit-learn"):
        load_tagger(copy)


def test_loader_refuses_another_taxonomy_version(small_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(small_model_dir, copy)
    meta = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    meta["taxonomy_version"] = 999
    (copy / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="taxonomy"):
        load_tagger(copy)


def test_missing_model_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="xinsheng nlp train"):
        load_tagger(tmp_path)


def test_damaged_weights_are_refused(small_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(small_model_dir, copy)
    (copy / "weights.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        load_tagger(copy)


def test_training_is_deterministic(small_model_dir: Path, tmp_path: Path) -> None:
    from nlp import train

    data = small_model_dir.parent / "small_corpus.jsonl"
    train([data], tmp_path / "again", git_commit="test")
    a = np.load(small_model_dir / "weights.npz")
    b = np.load(tmp_path / "again" / "weights.npz")
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
