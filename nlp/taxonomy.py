"""The label scheme: concern, sentiment and risk codes, read from the packaged taxonomy.json."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

TAXONOMY: dict[str, Any] = json.loads(
    resources.files("nlp").joinpath("data").joinpath("taxonomy.json").read_text(encoding="utf-8")
)
TAXONOMY_VERSION: int = int(TAXONOMY["version"])
CONCERNS: tuple[str, ...] = tuple(c["code"] for c in TAXONOMY["concerns"])
SENTIMENTS: tuple[str, ...] = tuple(s["code"] for s in TAXONOMY["sentiment"])
RISKS: tuple[str, ...] = tuple(r["code"] for r in TAXONOMY["risk"])
RISK_RANK: dict[str, int] = {code: rank for rank, code in enumerate(RISKS)}
CONCERN_NAMES_ZH: dict[str, str] = {c["code"]: c["zh"] for c in TAXONOMY["concerns"]}
