"""Ticket workflow: event history (append-only), assignment, paused clock, 回访 outcome, escalation,
routing rules and loaded working-calendar days.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION ticket_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ticket_event is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ticket_event_no_update BEFORE UPDATE ON ticket_event
    FOR EACH ROW EXECUTE FUNCTION ticket_event_append_only();
"""
_SQLITE_APPEND_ONLY = """
CREATE TRIGGER ticket_event_no_update BEFORE UPDATE ON ticket_event
BEGIN
    SELECT RAISE(ABORT, 'ticket_event is append-only');
END;
"""


def upgrade() -> None:
    op.create_table(
        "ticket_route",
        sa.Column("concern", sa.String(length=32), nullable=False),
        sa.Column("queue", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "queue IN ('branch', 'hr', 'discipline')", name=op.f("ck_ticket_route_queue_known")
        ),
        sa.PrimaryKeyConstraint("concern", name=op.f("pk_ticket_route")),
    )
    op.create_table(
        "work_calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_work_calendar_day")),
    )
    op.create_table(
        "ticket_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_ticket_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_event_ticket_id_ticket")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_event")),
    )
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_event_ticket_id_at", ["ticket_id", "created_at"], unique=False)
    op.execute(_PG_APPEND_ONLY if op.get_bind().dialect.name == "postgresql" else _SQLITE_APPEND_ONLY)

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("paused_seconds", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("outcome", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("escalated_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_ticket_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_assignee_id_user_account"), "user_account", ["assignee_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ticket_assignee_id_user_account"), type_="foreignkey")
        batch_op.drop_index("ix_ticket_created_at_id")
        batch_op.drop_column("escalated_due_at")
        batch_op.drop_column("escalation_level")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("outcome")
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("assignee_id")

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ticket_event_no_update ON ticket_event")
        op.execute("DROP FUNCTION IF EXISTS ticket_event_append_only()")
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_event_ticket_id_at")
    op.drop_table("ticket_event")
    op.drop_table("work_calendar_day")
    op.drop_table("ticket_route")
