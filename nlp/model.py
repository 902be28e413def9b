"""The note model: features plus three heads (concerns, sentiment, risk), fitted with scikit-learn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from nlp.features import build_features, feature_label
from nlp.taxonomy import CONCERNS, RISKS, SENTIMENTS

SEED = 20261125


def _concern_estimator() -> OneVsRestClassifier:
    return OneVsRestClassifier(
        LogisticRegression(C=8.0, class_weight="balanced", solver="liblinear", random_state=SEED, max_iter=2000)
    )


def _sentiment_estimator() -> LogisticRegression:
    return LogisticRegression(C=6.0, class_weight="balanced", max_iter=3000, random_state=SEED)


def _risk_estimator() -> LogisticRegression:
    return LogisticRegression(C=20.0, class_weight="balanced", max_iter=3000, random_state=SEED)


@dataclass
class NoteModel:
    """A fitted note model: the feature union, the three heads and their decision thresholds."""

    features: FeatureUnion
    concern_clf: OneVsRestClassifier
    concern_thresholds: np.ndarray
    sentiment_clf: LogisticRegression
    risk_clf: LogisticRegression
    urgent_threshold: float
    watch_threshold: float
    feature_labels: list[str] = field(default_factory=list)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Turn texts into the feature matrix."""
        return self.features.transform(texts).tocsr()


def _multi_hot(labels: Sequence[Sequence[str]]) -> np.ndarray:
    y = np.zeros((len(labels), len(CONCERNS)), dtype=np.int8)
    index = {c: i for i, c in enumerate(CONCERNS)}
    for row, codes in enumerate(labels):
        for code in codes:
            y[row, index[code]] = 1
    return y


def _best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    best_t, best_f = 0.5, -1.0
    for t in np.arange(0.15, 0.86, 0.025):
        pred = p >= t
        tp = float(np.sum(pred & (y == 1)))
        fp = float(np.sum(pred & (y == 0)))
        fn = float(np.sum(~pred & (y == 1)))
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f + 1e-9:
            best_t, best_f = float(t), f
    # Shrink toward 0.5: thresholds tuned on a few hundred notes overfit.
    return round(0.5 * best_t + 0.5 * 0.5, 3)


def _risk_thresholds(risk: np.ndarray, proba: np.ndarray, rule_urgent: np.ndarray) -> tuple[float, float]:
    """Choose the lowest thresholds that keep precision acceptable and recall high on out-of-fold scores."""
    urgent_col, watch_col = RISKS.index("urgent"), RISKS.index("watch")
    is_urgent = risk == "urgent"
    is_watch_plus = risk != "none"
    # Urgent: the model only adds to the rules; pick the threshold maximising recall at precision >= 0.85.
    best_u = 0.9
    for t in np.arange(0.9, 0.19, -0.025):
        pred = rule_urgent | (proba[:, urgent_col] >= t)
        tp = np.sum(pred & is_urgent)
        precision = tp / max(1, np.sum(pred))
        if precision >= 0.85:
            best_u = float(t)
    # Watch or worse: recall >= 0.96 on out-of-fold scores (new writers phrase distress in new words).
    best_w = 0.5
    score = proba[:, urgent_col] + proba[:, watch_col]
    for t in np.arange(0.8, 0.09, -0.025):
        pred = (score >= t) | rule_urgent
        recall = np.sum(pred & is_watch_plus) / max(1, np.sum(is_watch_plus))
        best_w = float(t)
        if recall >= 0.96:
            break
    return round(best_u, 3), round(best_w, 3)


def fit_note_model(
    texts: Sequence[str],
    concerns: Sequence[Sequence[str]],
    sentiments: Sequence[str],
    risks: Sequence[str],
    rule_urgent: Sequence[bool],
    folds: int = 5,
) -> NoteModel:
    """Fit the note model; thresholds come from out-of-fold predictions on the same training data."""
    y_con = _multi_hot(concerns)
    y_sent = np.asarray(sentiments)
    y_risk = np.asarray(risks)
    rules = np.asarray(rule_urgent, dtype=bool)
    texts = list(texts)

    oof_con = np.zeros(y_con.shape, dtype=float)
    oof_risk = np.zeros((len(texts), len(RISKS)), dtype=float)
    strat = [f"{r}|{int(bool(c.any()))}" for r, c in zip(y_risk, y_con, strict=True)]
    kfold = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train_idx, test_idx in kfold.split(texts, strat):
        feats = build_features()
        x_tr = feats.fit_transform([texts[i] for i in train_idx])
        x_te = feats.transform([texts[i] for i in test_idx])
        oof_con[test_idx] = _concern_estimator().fit(x_tr, y_con[train_idx]).predict_proba(x_te)
        risk_clf = _risk_estimator().fit(x_tr, y_risk[train_idx])
        proba = risk_clf.predict_proba(x_te)
        for j, cls in enumerate(risk_clf.classes_):
            oof_risk[test_idx, RISKS.index(cls)] = proba[:, j]

    thresholds = np.array([_best_f1_threshold(y_con[:, j], oof_con[:, j]) for j in range(len(CONCERNS))])
    urgent_t, watch_t = _risk_thresholds(y_risk, oof_risk, rules)

    features = build_features()
    x = features.fit_transform(texts)
    model = NoteModel(
        features=features,
        concern_clf=_concern_estimator().fit(x, y_con),
        concern_thresholds=thresholds,
        sentiment_clf=_sentiment_estimator().fit(x, y_sent),
        risk_clf=_risk_estimator().fit(x, y_risk),
        urgent_threshold=urgent_t,
        watch_threshold=watch_t,
        feature_labels=[feature_label(n) for n in features.get_feature_names_out()],
    )
    assert list(model.sentiment_clf.classes_) == sorted(SENTIMENTS)
    return model
