"""The model card written beside every trained model."""

from __future__ import annotations

from typing import Any

from nlp.taxonomy import CONCERN_NAMES_ZH


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def render_model_card(meta: dict[str, Any]) -> str:
    """Render MODEL_CARD.md from a model's metadata."""
    train = meta["corpus"]["train"]
    held = meta["corpus"]["heldout"]
    m = meta.get("metrics", {}).get("heldout")
    lines = [
        f"# Model card: Xinsheng note tagger {meta['model_version']}",
        "",
        f"Built {meta['built_at']} from commit `{meta['git_commit']}`, data hash `{meta['data_hash'][:16]}…`, "
        f"taxonomy version {meta['taxonomy_version']}, scikit-learn {meta['sklearn_version']}.",
        "",
        "## Intended use",
        "Tagging anonymised notes of Party-branch heart-to-heart talks (谈心谈话) and open survey answers in "
        "Chinese state-owned enterprises with concern codes, sentiment and risk, so that every concern opens a "
        "follow-up ticket and trends can be counted. A person reads every ticket; the tags route and count, "
        "they do not decide anything about a person.",
        "",
        "## Out-of-scope use",
        "- Judging, appraising, ranking or disciplining individual employees or Party members.",
        "- Any text that is not such a note: social media, chat logs, complaints from the public, other languages.",
        "- Replacing a person's reading of an urgent note: the risk tag is a prompt to act, and the rule layer "
        "favours recall over precision.",
        "- Clinical or psychological diagnosis.",
        "",
        "## Model",
        "jieba-compatible segmentation (jieba-rs through rjieba, with the domain dictionary `nlp/data/userdict.txt`), "
        "word uni/bigram and character uni/bigram TF-IDF, then logistic regression: one-vs-rest for the 12 concerns "
        "with a per-label threshold tuned on out-of-fold predictions of the training split (shrunk toward 0.5), "
        "a 3-class sentiment head, and a 3-class risk head. Urgent is the union of the rule layer (`nlp/rules.py`: "
        "self-harm, violence, imminent danger, collective action, each with negation and context checks) and the "
        f"model (urgent probability ≥ {meta['thresholds']['urgent']}); watch when the watch-or-urgent probability "
        f"≥ {meta['thresholds']['watch_or_worse']}.",
        "",
        "## Data",
        f"Hand-written corpus (`data/corpus/`, see `data/README.md`): {train['notes']} training notes, "
        f"{held['notes']} held-out notes (a fixed 20 % split by id hash, never used for tuning).",
        "",
    ]
    if m:
        lines += [
            "## Evaluation on the held-out split",
            "",
            f"concern macro-F1 {_f(m['concern_macro_f1'])}, micro-F1 {_f(m['concern_micro_f1'])}; "
            f"sentiment macro-F1 {_f(m['sentiment_macro_f1'])}; urgent recall {_f(m['urgent_recall'])}, "
            f"urgent precision {_f(m['urgent_precision'])}; watch-or-worse recall {_f(m['watch_plus_recall'])}.",
            "",
            "| concern | 中文 | precision | recall | F1 | support | threshold |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for code, v in m["per_label"].items():
            lines.append(
                f"| {code} | {CONCERN_NAMES_ZH[code]} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | "
                f"{int(v['support'])} | {meta['thresholds']['concerns'][code]:.3f} |"
            )
        lines.append("")
    lines += [
        "## Known failure modes and risks",
        "- The corpus is written by the project, not collected from real branches: wording from other regions, "
        "dialects or very long records with many topics is less well covered.",
        "- Sarcasm and contrast (\"工资还行就是加班多\") are learnt from examples, not understood; a concern mentioned "
        "only to be dismissed can still be tagged.",
        "- Urgent notes are caught by rules first; a crisis expressed in words the lexicon lacks depends on the model "
        "alone. Harmless uses of alarming words in contexts the rules do not know can raise false urgent alarms.",
        "- Evidence words explain the linear model's score; they are not proof that the concern is present.",
        "",
    ]
    return "\n".join(lines)
