"""Evaluation of predictions against labelled notes, and its plain-text report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from nlp.taxonomy import CONCERNS, RISK_RANK, RISKS, SENTIMENTS


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Compare gold records with predictions (same order; each has concerns, sentiment, risk)."""
    n = len(gold)
    per_label: dict[str, dict[str, float]] = {}
    total_tp = total_fp = total_fn = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for code in CONCERNS:
        tp = fp = fn = 0
        for g, p in zip(gold, predicted, strict=True):
            in_g, in_p = code in g["concerns"], code in p["concerns"]
            tp += in_g and in_p
            fp += in_p and not in_g
            fn += in_g and not in_p
        prec, rec, f1 = _prf(tp, fp, fn)
        per_label[code] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    for g, p in zip(gold, predicted, strict=True):
        missed = set(g["concerns"]) - set(p["concerns"])
        extra = set(p["concerns"]) - set(g["concerns"])
        for m in missed:
            for e in extra or {"(none)"}:
                confusions[(m, e)] += 1
        if not missed:
            for e in extra:
                confusions[("(none)", e)] += 1

    sent_f1 = []
    sent_matrix = {a: dict.fromkeys(SENTIMENTS, 0) for a in SENTIMENTS}
    for g, p in zip(gold, predicted, strict=True):
        sent_matrix[g["sentiment"]][p["sentiment"]] += 1
    for s in SENTIMENTS:
        tp = sent_matrix[s][s]
        fp = sum(sent_matrix[o][s] for o in SENTIMENTS if o != s)
        fn = sum(sent_matrix[s][o] for o in SENTIMENTS if o != s)
        sent_f1.append(_prf(tp, fp, fn)[2])

    risk_matrix = {a: dict.fromkeys(RISKS, 0) for a in RISKS}
    for g, p in zip(gold, predicted, strict=True):
        risk_matrix[g["risk"]][p["risk"]] += 1
    urgent_tp = risk_matrix["urgent"]["urgent"]
    urgent_gold = sum(risk_matrix["urgent"].values())
    urgent_pred = sum(risk_matrix[a]["urgent"] for a in RISKS)
    watch_gold = [g for g in gold if RISK_RANK[g["risk"]] >= 1]
    watch_hit = sum(
        1 for g, p in zip(gold, predicted, strict=True) if RISK_RANK[g["risk"]] >= 1 and RISK_RANK[p["risk"]] >= 1
    )
    return {
        "n": n,
        "per_label": per_label,
        "concern_macro_f1": sum(v["f1"] for v in per_label.values()) / len(per_label),
        "concern_micro_f1": _prf(total_tp, total_fp, total_fn)[2],
        "concern_exact_match": sum(
            sorted(g["concerns"]) == sorted(p["concerns"]) for g, p in zip(gold, predicted, strict=True)
        )
        / max(1, n),
        "sentiment_macro_f1": sum(sent_f1) / len(sent_f1),
        "sentiment_accuracy": sum(sent_matrix[s][s] for s in SENTIMENTS) / max(1, n),
        "urgent_recall": urgent_tp / urgent_gold if urgent_gold else None,
        "urgent_precision": urgent_tp / urgent_pred if urgent_pred else None,
        "watch_plus_recall": watch_hit / len(watch_gold) if watch_gold else None,
        "sentiment_confusion": sent_matrix,
        "risk_confusion": risk_matrix,
        "top_concern_confusions": [
            {"gold": a, "predicted": b, "count": c} for (a, b), c in confusions.most_common(10)
        ],
    }


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def format_report(metrics: Mapping[str, Any], title: str = "evaluation") -> str:
    """Render metrics as the plain-text report `xinsheng nlp eval` prints."""
    lines = [f"== {title} (n={metrics['n']})", f"{'label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for code, m in metrics["per_label"].items():
        lines.append(
            f"{code:<12}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{int(m['support']):>9d}"
        )
    lines += [
        f"concern macro-F1      {_fmt(metrics['concern_macro_f1'])}",
        f"concern micro-F1      {_fmt(metrics['concern_micro_f1'])}",
        f"concern exact match   {_fmt(metrics['concern_exact_match'])}",
        f"sentiment macro-F1    {_fmt(metrics['sentiment_macro_f1'])}",
        f"sentiment accuracy    {_fmt(metrics['sentiment_accuracy'])}",
        f"urgent recall         {_fmt(metrics['urgent_recall'])}",
        f"urgent precision      {_fmt(metrics['urgent_precision'])}",
        f"watch-or-worse recall {_fmt(metrics['watch_plus_recall'])}",
        "sentiment confusion (rows gold, columns predicted):",
    ]
    for name, matrix in (("sentiment", metrics["sentiment_confusion"]), ("risk", metrics["risk_confusion"])):
        if name == "risk":
            lines.append("risk confusion (rows gold, columns predicted):")
        cols = list(matrix)
        lines.append(" " * 12 + "".join(f"{c:>10}" for c in cols))
        for row, values in matrix.items():
            lines.append(f"{row:<12}" + "".join(f"{values[c]:>10d}" for c in cols))
    lines.append("most frequent concern confusions (gold -> predicted):")
    for c in metrics["top_concern_confusions"]:
        lines.append(f"  {c['gold']:>11} -> {c['predicted']:<11} {c['count']}")
    return "\n".join(lines)
