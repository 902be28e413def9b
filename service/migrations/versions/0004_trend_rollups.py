"""Trend rollups per (ISO week start, branch, source, metric), and the digest delivery outbox.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trend_rollup",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_trend_rollup_branch_id_branch")),
        sa.PrimaryKeyConstraint("week_start", "branch_id", "source", "metric", name=op.f("pk_trend_rollup")),
    )
    op.create_table(
        "digest_delivery",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_delivery")),
        sa.UniqueConstraint(
            "week",
            "scope",
            "channel",
            "recipient",
            name=op.f("uq_digest_delivery_week_scope_channel_recipient"),
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_delivery")
    op.drop_table("trend_rollup")
