"""The canonical table behind every trend answer, and its suppression.

Cells are (period, group, source, metric) counts, where period is a week or a month label, group the
organisation, a unit (rolled up over its subtree) or a branch, and source `all`, `talk` or `survey`.
Suppression is decided per calendar month family (the month and its weeks) over the whole organisation and
every source, whatever was asked: any query, window or grouping shows a selection of the same canonical
cells, so combining answers (a month minus its weeks, a unit minus its branches, all minus talk) cannot
uncover a hidden cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from service.taxonomy import RISK_CODES, SENTIMENT_CODES
from service.trends import suppression
from service.trends.periods import month_of_week, month_period, week_label, weeks_of_month
from service.trends.tree import ORG, Group, OrgTree

Cell = tuple[str, Group, str, str]
SOURCES = ("talk", "survey")
RollupRow = tuple[date, str, str, str, int]  # week start, branch code, source, metric, count


@dataclass
class Family:
    """One calendar month and its weeks: the unit of suppression."""

    month: str
    weeks: list[str]
    mondays: list[date]


@dataclass
class Cube:
    tree: OrgTree
    values: dict[Cell, int] = field(default_factory=lambda: defaultdict(int))
    hidden: set[Cell] = field(default_factory=set)
    month_weeks: dict[str, list[str]] = field(default_factory=dict)
    week_month: dict[str, str] = field(default_factory=dict)
    _memo: dict[Cell, list[suppression.Relation]] = field(default_factory=dict, repr=False)
    _down_memo: dict[Cell, suppression.Relation] = field(default_factory=dict, repr=False)

    def value(self, cell: Cell) -> int:
        return self.values.get(cell, 0)

    def is_hidden(self, cell: Cell) -> bool:
        return cell in self.hidden

    def relations_of(self, cell: Cell) -> list[suppression.Relation]:
        """Every additive relation the cell takes part in, as (total, parts) (memoised)."""
        rels = self._memo.get(cell)
        if rels is None:
            rels = self._memo[cell] = self._relations_of(cell)
        return rels

    def _down(self, total: Cell) -> suppression.Relation:
        """The relation `total = sum of its children` (built once per total: a unit may have many)."""
        rel = self._down_memo.get(total)
        if rel is None:
            period, group, source, metric = total
            kids = tuple((period, c, source, metric) for c in self.tree.children(group))
            rel = self._down_memo[total] = (total, kids)
        return rel

    def _relations_of(self, cell: Cell) -> list[suppression.Relation]:
        period, group, source, metric = cell
        tree = self.tree
        rels: list[suppression.Relation] = []
        parent = tree.parent(group)
        if parent is not None:
            rels.append(self._down((period, parent, source, metric)))
        if tree.children(group):
            rels.append(self._down(cell))
        split = tuple((period, group, s, metric) for s in SOURCES)
        rels.append(((period, group, "all", metric), split))
        month = period if period in self.month_weeks else self.week_month.get(period)
        if month is not None:
            rels.append(
                (
                    (month, group, source, metric),
                    tuple((w, group, source, metric) for w in self.month_weeks[month]),
                )
            )
        notes = (period, group, source, "notes")
        if metric == "notes" or metric.startswith("s:"):
            rels.append((notes, tuple((period, group, source, f"s:{c}") for c in SENTIMENT_CODES)))
        if metric == "notes" or metric.startswith("r:"):
            rels.append((notes, tuple((period, group, source, f"r:{c}") for c in RISK_CODES)))
        return rels


View = tuple[dict[str, int], set[str]]  # one group, source and period: count by metric, hidden metrics
_EMPTY_VIEW: View = ({}, set())


@dataclass
class Views:
    """Published cells as read back: per (group, source, period) the counts by metric and the hidden ones.

    What readers get (the trend endpoints, emerging concerns, the digest); `Cube` is what publishing computes.
    """

    tree: OrgTree
    views: dict[tuple[Group, str, str], View] = field(default_factory=dict)

    def view(self, period: str, group: Group, source: str) -> View:
        return self.views.get((group, source, period), _EMPTY_VIEW)

    def value(self, cell: Cell) -> int:
        period, group, source, metric = cell
        return self.view(period, group, source)[0].get(metric, 0)

    def is_hidden(self, cell: Cell) -> bool:
        period, group, source, metric = cell
        return metric in self.view(period, group, source)[1]


def families_for_weeks(mondays: Iterable[date]) -> list[Family]:
    """Return the month families that hold these weeks (each with all its weeks)."""
    months = sorted({month_of_week(m) for m in mondays})
    out = []
    for y, m in months:
        mondays = weeks_of_month(y, m)
        out.append(Family(month_period(y, m).label, [week_label(w) for w in mondays], mondays))
    return out


def build(
    tree: OrgTree, rows: Iterable[RollupRow], families: list[Family], *, k: int, suppress: bool
) -> Cube:
    """Roll branch rows up the tree, across sources and into months; hide what must be hidden."""
    cube = Cube(tree=tree)
    for fam in families:
        cube.month_weeks[fam.month] = fam.weeks
        for w in fam.weeks:
            cube.week_month[w] = fam.month
    chains: dict[str, list[Group]] = {}
    values = cube.values
    for monday, branch, source, metric, count in rows:
        week = week_label(monday)
        month = cube.week_month.get(week)
        if month is None or not count:
            continue
        groups = chains.get(branch)
        if groups is None:
            groups = chains[branch] = [("branch", branch), *tree.ancestors(("branch", branch))]
        for group in groups:
            for src in (source, "all"):
                values[(week, group, src, metric)] += count
                values[(month, group, src, metric)] += count
    cube.values = dict(values)
    if not suppress:
        return cube
    for fam in families:
        periods = {fam.month, *fam.weeks}
        family_values = {cell: v for cell, v in cube.values.items() if cell[0] in periods}
        cube.hidden |= suppression.suppress(family_values, cube.relations_of, k)
    return cube


def relations(cube: Cube, cells: Iterable[Cell]) -> set[suppression.Relation]:
    """All relations touching these cells (for the exact derivability check in tests)."""
    out: set[suppression.Relation] = set()
    for cell in cells:
        out.update(cube.relations_of(cell))
    return out


def all_groups(tree: OrgTree) -> list[Group]:
    return [ORG, *tree.descendants(ORG)]


def cells_of(cube: Cube, periods: Iterable[str], metrics: Iterable[str]) -> list[Cell]:
    groups = all_groups(cube.tree)
    return [(p, g, s, m) for p in periods for g in groups for s in ("all", *SOURCES) for m in metrics]


def metric_names(concerns: Iterable[str]) -> list[str]:
    return [
        "notes",
        *(f"c:{c}" for c in concerns),
        *(f"s:{c}" for c in SENTIMENT_CODES),
        *(f"r:{c}" for c in RISK_CODES),
    ]
