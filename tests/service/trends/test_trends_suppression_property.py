"""Property: over random organisation trees and data, no suppressed cell can be derived from visible ones."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.trends import cube as cubes
from service.trends.periods import weeks_of_month
from service.trends.suppression import derivable
from service.trends.tree import OrgTree

K = 5
CONCERNS = ("pay", "health")
SENT = ("positive", "neutral", "negative")
RISKS = ("none", "watch", "urgent")


@st.composite
def org_and_rows(draw: st.DrawFn) -> tuple[OrgTree, list[cubes.RollupRow]]:
    tree = OrgTree()
    n_units = draw(st.integers(1, 4))
    units: list[str] = []
    for i in range(n_units):
        parent = draw(st.sampled_from([None, *units])) if units else None
        code = f"U{i}"
        tree.add_unit(code, code, parent)
        units.append(code)
    n_branches = draw(st.integers(1, 5))
    for i in range(n_branches):
        tree.add_branch(uuid.uuid4(), f"B{i}", f"B{i}", draw(st.sampled_from(units)))
    weeks = weeks_of_month(2026, 11)
    rows: list[cubes.RollupRow] = []
    for code in tree.branch_names:
        for monday in draw(st.lists(st.sampled_from(weeks), max_size=3, unique=True)):
            for source in draw(
                st.lists(st.sampled_from(["talk", "survey"]), min_size=1, max_size=2, unique=True)
            ):
                # one note's tags at a time, so the counts are consistent like real rollups
                notes = draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(SENT),
                            st.sampled_from(RISKS),
                            st.lists(st.sampled_from(CONCERNS), unique=True, max_size=2),
                        ),
                        min_size=1,
                        max_size=12,
                    )
                )
                counter: dict[str, int] = {}
                for sent, risk, concerns in notes:
                    for metric in ("notes", f"s:{sent}", f"r:{risk}", *(f"c:{c}" for c in concerns)):
                        counter[metric] = counter.get(metric, 0) + 1
                rows.extend((monday, code, source, m, v) for m, v in counter.items())
    return tree, rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org_and_rows())
def test_no_suppressed_cell_is_derivable(data: tuple[OrgTree, list[cubes.RollupRow]]) -> None:
    tree, rows = data
    families = cubes.families_for_weeks(weeks_of_month(2026, 11))
    cube = cubes.build(tree, rows, families, k=K, suppress=True)
    periods = [families[0].month, *families[0].weeks]
    metrics = cubes.metric_names(CONCERNS)
    cells = cubes.cells_of(cube, periods, metrics)
    for cell in cells:  # primary suppression
        if 0 < cube.value(cell) < K:
            assert cube.is_hidden(cell)
    relations = cubes.relations(cube, cells)
    assert not derivable(relations, cube.hidden, cube.values)
    for total, parts in relations:  # a visible total never reveals a small sum of hidden parts
        if total not in cube.hidden:
            hidden_sum = sum(cube.value(p) for p in parts if p in cube.hidden)
            assert hidden_sum == 0 or hidden_sum >= K


def test_a_unit_minus_its_visible_branches_does_not_reveal_the_small_one() -> None:
    tree = OrgTree()
    tree.add_unit("U", "U", None)
    for code in ("B1", "B2", "B3"):
        tree.add_branch(uuid.uuid4(), code, code, "U")
    monday = date(2026, 11, 16)
    rows = [
        (monday, "B1", "talk", "notes", 2),
        (monday, "B2", "talk", "notes", 30),
        (monday, "B3", "talk", "notes", 40),
    ]
    cube = cubes.build(tree, rows, cubes.families_for_weeks([monday]), k=K, suppress=True)
    week = "2026-W47"
    assert cube.is_hidden((week, ("branch", "B1"), "talk", "notes"))
    assert cube.is_hidden((week, ("branch", "B2"), "talk", "notes"))  # next-smallest sibling
    assert not cube.is_hidden((week, ("branch", "B3"), "talk", "notes"))
    assert monday + timedelta(days=0) == monday
