"""Small builders shared by the service tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Contains personal data that must never come back: a phone number, an e-mail and an ID number.
RAW_PHONE = "13812345678"
RAW_EMAIL = "zhangwei.cadre@example.com"
RAW_ID = "11010519491231002X"
RAW_TEXT = (
    f"谈话对象反映工资偏低，绩效工资被扣，加班很多睡不好觉。联系电话{RAW_PHONE}，"
    f"邮箱{RAW_EMAIL}，身份证{RAW_ID}。"
)


def note_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "branch": "B1",
        "source": "talk",
        "text": RAW_TEXT,
        "occurred_on": "2026-11-20",
    }
    body.update(overrides)
    return body


@dataclass(frozen=True)
class FakeConcern:
    code: str
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FakeTags:
    concerns: list[FakeConcern]
    concern_scores: dict[str, float]
    sentiment: str
    risk: str


class KeywordTagger:
    """A deterministic stand-in with the tagger's interface, for routing tests: `[code]` marks a concern."""

    version = "test-keywords-1"

    def predict(self, texts: list[str], sources: list[str] | None = None) -> list[FakeTags]:
        out = []
        for text in texts:
            codes = [
                code
                for code in ("pay", "career", "reform", "integrity", "health", "workload")
                if f"[{code}]" in text
            ]
            risk = "urgent" if "[urgent]" in text else "watch" if "[watch]" in text else "none"
            out.append(
                FakeTags(
                    concerns=[FakeConcern(code, 0.9, [code]) for code in codes],
                    concern_scores={code: 0.9 for code in codes},
                    sentiment="negative" if codes else "neutral",
                    risk=risk,
                )
            )
        return out
