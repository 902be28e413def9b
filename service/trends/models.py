"""Trend rollups: note counts per (ISO week start, branch, source, metric), kept current by ingest and
label corrections, and the response shapes of the trend endpoints.

Metrics are `notes`, `c:<concern>`, `s:<sentiment>` and `r:<risk>`; a narrow table keeps the taxonomy
out of the schema, so a new concern code needs no migration.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Field, SQLModel


class TrendRollup(SQLModel, table=True):
    __tablename__ = "trend_rollup"

    week_start: date = Field(primary_key=True)  # Monday of the ISO week of occurred_on
    branch_id: uuid.UUID = Field(foreign_key="branch.id", primary_key=True)
    source: str = Field(max_length=10, primary_key=True)
    metric: str = Field(max_length=40, primary_key=True)
    count: int = Field(default=0)


# ---- API shapes ---------------------------------------------------------------------------------------


class CellPublic(SQLModel):
    """One figure: `count` and `share` are null when the cell is suppressed (small group)."""

    count: int | None
    share: float | None = None
    suppressed: bool = False


class ConcernCellPublic(CellPublic):
    code: str
    name: str


class GroupPublic(SQLModel):
    type: str  # org | unit | branch | source
    code: str | None
    name: str
    parent: str | None = None
    source: str | None = None
    notes: CellPublic
    concerns: list[ConcernCellPublic]
    sentiment: dict[str, CellPublic]
    sentiment_index: float | None
    risk: dict[str, CellPublic]


class BucketPublic(SQLModel):
    period: str
    start: date
    end: date
    groups: list[GroupPublic]


class TrendsPublic(SQLModel):
    interval: str
    group_by: str
    range: dict[str, date]  # {"from", "to"}: the query widened to whole weeks or months
    min_group: int
    suppression_applied: bool
    buckets: list[BucketPublic]


class EmergingPublic(SQLModel):
    """One concern rising in one unit (or the whole organisation); figures null when suppressed."""

    unit: str | None  # null: the whole organisation
    unit_name: str
    concern: str
    concern_name: str
    count: int | None
    notes: int | None
    share: float | None
    baseline_count: int | None
    baseline_notes: int | None
    baseline_share: float | None
    rise: float | None
    p_value: float | None
    suppressed: bool


class EmergingListPublic(SQLModel):
    week: str
    baseline: dict[str, str]  # {"from": first week, "to": last week}
    method: str
    alpha: float
    min_count: int
    min_rise: float
    min_group: int
    items: list[EmergingPublic]
