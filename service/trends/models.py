"""Trend rollups: note counts per (ISO week start, branch, source, metric), kept current by ingest and
label corrections, and the response shapes of the trend endpoints.

Metrics are `notes`, `c:<concern>`, `s:<sentiment>` and `r:<risk>`; a narrow table keeps the taxonomy
out of the schema, so a new concern code needs no migration.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime


class TrendRollup(SQLModel, table=True):
    __tablename__ = "trend_rollup"

    week_start: date = Field(primary_key=True)  # Monday of the ISO week of occurred_on
    branch_id: uuid.UUID = Field(foreign_key="branch.id", primary_key=True)
    source: str = Field(max_length=10, primary_key=True)
    metric: str = Field(max_length=40, primary_key=True)
    count: int = Field(default=0)


class TrendDirty(SQLModel, table=True):
    """A month family whose rollups changed after its figures were published (one row per writing transaction)."""

    __tablename__ = "trend_dirty"

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # 2026-11
    marked_at: datetime = Field(sa_type=UTCDateTime)


class TrendFamily(SQLModel, table=True):
    """When a month family's figures were last published, and for which K and organisation tree."""

    __tablename__ = "trend_family"

    month: str = Field(max_length=7, primary_key=True)
    min_group: int
    tree_hash: str = Field(max_length=64)
    snapshot_at: datetime = Field(sa_type=UTCDateTime)  # the data published is at least this recent
    compute_ms: int = 0  # how long suppressing it took: a reader redoes a quick one rather than lag


class TrendBlock(SQLModel, table=True):
    """The published cells of one group and source in one month family: counts, and which are suppressed.

    `payload` is JSON: {"v": {period: {metric: count}}, "h": {period: [metric, ...]}} (zero counts left out).
    """

    __tablename__ = "trend_block"

    month: str = Field(max_length=7, primary_key=True)
    group_key: str = Field(max_length=80, primary_key=True)  # org | unit:<code> | branch:<code>
    source: str = Field(max_length=10, primary_key=True)  # all | talk | survey
    payload: str = Field(sa_column=Column(Text, nullable=False))


# ---- API shapes ---------------------------------------------------------------------------------------
# Trend answers are built with `model_construct` (tens of thousands of cells a year by unit), so these are
# plain pydantic models whose values the service guarantees; the HTTP layer still serialises them by schema.


class CellPublic(BaseModel):
    """One figure: `count` and `share` are null when the cell is suppressed (small group)."""

    count: int | None
    share: float | None = None
    suppressed: bool = False


class ConcernCellPublic(CellPublic):
    code: str
    name: str


class GroupPublic(BaseModel):
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


class BucketPublic(BaseModel):
    period: str
    start: date
    end: date
    groups: list[GroupPublic]


class TrendsPublic(BaseModel):
    interval: str
    group_by: str
    range: dict[str, date]  # {"from", "to"}: the query widened to whole weeks or months
    min_group: int
    suppression_applied: bool
    as_of: datetime | None = None  # the published figures include every note stored before this moment
    buckets: list[BucketPublic]


class EmergingPublic(SQLModel):
    """One concern rising in one unit (or the whole organisation).

    Readers other than admins only get alerts whose figures are all visible, so `suppressed` is false and
    no figure is null; the nullable shape is kept for clients written against the first version.
    """

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
