"""Trend answers written straight to JSON text: a year by unit is ~8,000 cells, and building a dict per cell
and then serialising it costs more than the rest of the query. The shape is `TrendsPublic`'s, and a test
holds `group_json` equal to `service.group_dict` cell for cell.
"""

from __future__ import annotations

import json
from typing import Any

from service.taxonomy import RISK_CODES, SENTIMENT_CODES
from service.trends import cube as cubes

_HIDDEN = '{"count":null,"share":null,"suppressed":true}'
_SENTIMENT = [(c, f"s:{c}") for c in SENTIMENT_CODES]
_RISK = [(c, f"r:{c}") for c in RISK_CODES]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _cell(values: dict[str, int], hidden: set[str], metric: str, notes: int | None) -> str:
    if metric in hidden:
        return _HIDDEN
    count = values.get(metric, 0)
    share = repr(round(count / notes, 4)) if notes else "null"
    return f'{{"count":{count},"share":{share},"suppressed":false}}'


def concern_prefixes(concerns: list[str], names: dict[str, str]) -> list[tuple[str, str]]:
    """Per concern its metric and the opening of its JSON object up to the figures."""
    return [(f"c:{c}", '{"code":' + dumps(c) + ',"name":' + dumps(names.get(c, c)) + ",") for c in concerns]


def group_json(view: cubes.View, head: dict[str, Any], concerns: list[tuple[str, str]]) -> str:
    """One group's figures in one bucket: `head` holds type, code, name, parent and source."""
    return dumps(head)[:-1] + figures_json(view, concerns)


def figures_json(view: cubes.View, concerns: list[tuple[str, str]]) -> str:
    """The figures part of a group's JSON object, from `,"notes":` to its closing brace."""
    values, hidden = view
    n = None if "notes" in hidden else values.get("notes", 0)
    parts = [',"notes":', _cell(values, hidden, "notes", None), ',"concerns":[']
    parts.append(",".join(prefix + _cell(values, hidden, metric, n)[1:] for metric, prefix in concerns))
    parts.append('],"sentiment":{')
    sentiment = {c: (m in hidden, values.get(m, 0)) for c, m in _SENTIMENT}
    parts.append(",".join(f'"{c}":' + _cell(values, hidden, m, n) for c, m in _SENTIMENT))
    index = "null"
    (pos_hidden, pos), (neg_hidden, neg) = sentiment["positive"], sentiment["negative"]
    if n and not pos_hidden and not neg_hidden:
        index = repr(round((pos - neg) / n, 4))
    parts.append('},"sentiment_index":' + index + ',"risk":{')
    parts.append(",".join(f'"{c}":' + _cell(values, hidden, m, None) for c, m in _RISK))
    parts.append("}}")
    return "".join(parts)
