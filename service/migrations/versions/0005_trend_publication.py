"""Published trend figures per month family (cells with their suppression decided once), dirty marks, and
the indexes the weekly digest reads by (notes of a week, tickets resolved in a week, open tickets past due).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trend_dirty",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trend_dirty")),
    )
    op.create_index(op.f("ix_trend_dirty_month"), "trend_dirty", ["month"], unique=False)
    op.create_table(
        "trend_family",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("min_group", sa.Integer(), nullable=False),
        sa.Column("tree_hash", sa.String(length=64), nullable=False),
        sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("compute_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_trend_family")),
    )
    op.create_table(
        "trend_block",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("group_key", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month", "group_key", "source", name=op.f("pk_trend_block")),
    )
    op.create_index("ix_note_occurred_on", "note", ["occurred_on"], unique=False)
    op.create_index("ix_ticket_resolved_at", "ticket", ["resolved_at"], unique=False)
    op.create_index("ix_ticket_status_due_at", "ticket", ["status", "due_at"], unique=False)
    # Months already holding rollups have no trend_family row yet: they are published when first asked for.


def downgrade() -> None:
    op.drop_index("ix_ticket_status_due_at", table_name="ticket")
    op.drop_index("ix_ticket_resolved_at", table_name="ticket")
    op.drop_index("ix_note_occurred_on", table_name="note")
    op.drop_table("trend_block")
    op.drop_table("trend_family")
    op.drop_index(op.f("ix_trend_dirty_month"), table_name="trend_dirty")
    op.drop_table("trend_dirty")
