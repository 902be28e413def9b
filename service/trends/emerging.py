"""Emerging concerns: is a concern's share of notes this week significantly above its share in the
previous weeks? (pure statistics, no database)

Test: Fisher's exact test, one-sided (alternative "greater"), on the 2×2 table
[[x1, n1 - x1], [x0, n0 - x0]] where x1 of n1 notes raise the concern this week and x0 of n0 did in the
baseline weeks. Exact, so it stays valid for the small counts of a unit's week. An alert needs all of:
x1 ≥ min_count (one talk never raises an alarm), n0 ≥ min_baseline notes, a rise p1 − p0 ≥ min_rise
(absolute share), and p ≤ alpha. No multiple-comparison correction: alpha is kept strict instead, and the
p-value is in the response for the reader to judge.
"""

from __future__ import annotations

from dataclasses import dataclass

METHOD = "Fisher exact test, one-sided (share this week > share in the previous weeks)"


@dataclass(frozen=True)
class Rules:
    alpha: float = 0.01
    min_count: int = 5
    min_rise: float = 0.10
    min_baseline: int = 5
    baseline_weeks: int = 8


@dataclass(frozen=True)
class Result:
    share: float
    baseline_share: float
    rise: float
    p_value: float
    alert: bool


def check_rise(x1: int, n1: int, x0: int, n0: int, rules: Rules) -> Result | None:
    """Return the test's figures, or None when there is nothing to compare (no notes)."""
    if n1 <= 0 or n0 <= 0:
        return None
    from scipy.stats import fisher_exact

    p1, p0 = x1 / n1, x0 / n0
    _, p_value = fisher_exact([[x1, n1 - x1], [x0, n0 - x0]], alternative="greater")
    rise = round(p1 - p0, 4)  # rounded before comparing, so 0.6 - 0.5 counts as a rise of 0.10
    alert = (
        x1 >= rules.min_count
        and n0 >= rules.min_baseline
        and rise >= rules.min_rise
        and p_value <= rules.alpha
    )
    return Result(round(p1, 4), round(p0, 4), rise, float(p_value), bool(alert))
