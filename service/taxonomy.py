"""The label codes the service accepts, taken from the nlp library's taxonomy."""

from __future__ import annotations

from nlp import TAXONOMY

CONCERN_CODES: tuple[str, ...] = tuple(c["code"] for c in TAXONOMY["concerns"])
SENTIMENT_CODES: tuple[str, ...] = tuple(s["code"] for s in TAXONOMY["sentiment"])
RISK_CODES: tuple[str, ...] = tuple(r["code"] for r in TAXONOMY["risk"])
