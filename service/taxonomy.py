"""The label codes the service accepts: the nlp library's taxonomy codes, under the service's names."""

from __future__ import annotations

from nlp import CONCERNS, RISKS, SENTIMENTS

CONCERN_CODES: tuple[str, ...] = CONCERNS
SENTIMENT_CODES: tuple[str, ...] = SENTIMENTS
RISK_CODES: tuple[str, ...] = RISKS
