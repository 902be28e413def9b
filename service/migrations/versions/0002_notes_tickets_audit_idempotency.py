"""Notes with concern index and labels, tickets, audit events, idempotency keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("note_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("endpoint", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_idempotency_key_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_key_user_id_key")),
    )
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_key_created_at"), ["created_at"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("text_chars", sa.Integer(), nullable=False),
        sa.Column("pii", sa.JSON(), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.String(length=20), nullable=False),
        sa.Column("risk", sa.String(length=20), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("subject_hmac", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("source IN ('talk', 'survey')", name=op.f("ck_note_source_known")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_note_branch_id_branch")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_note_created_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index("ix_note_branch_id_occurred_on", ["branch_id", "occurred_on"], unique=False)
        batch_op.create_index("ix_note_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_risk"), ["risk"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_subject_hmac"), ["subject_hmac"], unique=False)

    op.create_table(
        "note_concern",
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["note.id"], name=op.f("fk_note_concern_note_id_note"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("note_id", "code", name=op.f("pk_note_concern")),
    )
    with op.batch_alter_table("note_concern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_concern_code"), ["code"], unique=False)

    op.create_table(
        "note_label",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.String(length=20), nullable=True),
        sa.Column("risk", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("labelled_by", sa.Uuid(), nullable=False),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["labelled_by"], ["user_account.id"], name=op.f("fk_note_label_labelled_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["note.id"], name=op.f("fk_note_label_note_id_note"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_label")),
    )
    with op.batch_alter_table("note_label", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_label_note_id"), ["note_id"], unique=False)

    op.create_table(
        "ticket",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("queue", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("risk", sa.String(length=20), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("queue IN ('branch', 'hr', 'discipline')", name=op.f("ck_ticket_queue_known")),
        sa.CheckConstraint(
            "status IN ('open', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'dismissed')",
            name=op.f("ck_ticket_status_known"),
        ),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_ticket_branch_id_branch")),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], name=op.f("fk_ticket_note_id_note")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint("note_id", name=op.f("uq_ticket_note_id")),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_due_at"), ["due_at"], unique=False)
        batch_op.create_index("ix_ticket_queue_status", ["queue", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_queue_status")
        batch_op.drop_index(batch_op.f("ix_ticket_due_at"))
        batch_op.drop_index(batch_op.f("ix_ticket_branch_id"))

    op.drop_table("ticket")
    with op.batch_alter_table("note_label", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_label_note_id"))

    op.drop_table("note_label")
    with op.batch_alter_table("note_concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_concern_code"))

    op.drop_table("note_concern")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_subject_hmac"))
        batch_op.drop_index(batch_op.f("ix_note_risk"))
        batch_op.drop_index("ix_note_created_at_id")
        batch_op.drop_index("ix_note_branch_id_occurred_on")

    op.drop_table("note")
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_key_created_at"))

    op.drop_table("idempotency_key")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_created_at"))

    op.drop_table("audit_event")
