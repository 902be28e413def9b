"""The JSON writer of trend answers says exactly what the dict builder says, hidden cells and all."""

from __future__ import annotations

import json
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from service.taxonomy import CONCERN_CODES, RISK_CODES, SENTIMENT_CODES
from service.trends import cube as cubes
from service.trends import render
from service.trends import service as trends
from service.trends.tree import ORG, OrgTree

METRICS = ["notes", *(f"c:{c}" for c in CONCERN_CODES), *(f"s:{c}" for c in SENTIMENT_CODES)]
METRICS += [f"r:{c}" for c in RISK_CODES]


def _tree() -> OrgTree:
    tree = OrgTree()
    tree.add_unit("U1", '一公司 "总部"', None)  # a quote in a name must be escaped
    tree.add_branch(uuid.uuid4(), "B1", "一支部", "U1")
    return tree


@settings(max_examples=200, deadline=None)
@given(
    values=st.dictionaries(st.sampled_from(METRICS), st.integers(min_value=0, max_value=10_000)),
    hidden=st.sets(st.sampled_from(METRICS)),
    group=st.sampled_from([ORG, ("unit", "U1"), ("branch", "B1")]),
    source=st.sampled_from(["all", "talk", "survey"]),
    concern=st.sampled_from([None, *CONCERN_CODES]),
)
def test_group_json_equals_group_dict(
    values: dict[str, int], hidden: set[str], group: tuple[str, ...], source: str, concern: str | None
) -> None:
    views = cubes.Views(tree=_tree(), views={(group, source, "2026-W47"): (values, hidden)})
    concerns = [concern] if concern else list(CONCERN_CODES)
    kind = "source" if source != "all" else group[0]
    expected = trends.group_dict(views, "2026-W47", group, source, kind, concerns)
    head = {k: expected[k] for k in ("type", "code", "name", "parent", "source")}
    prefixes = render.concern_prefixes(concerns, trends.CONCERN_NAMES)
    written = render.group_json(views.view("2026-W47", group, source), head, prefixes)
    assert json.loads(written) == expected
