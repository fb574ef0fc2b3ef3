"""reminders: what `python -m casework remind` told whom, once, and team leaders' snoozes

Revision ID: remind1
Revises: console2
Create Date: 2026-11-30 16:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "remind1"
down_revision: str | None = "console2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level IN ('due_soon', 'overdue', 'escalated')", name=op.f("ck_reminders_level")),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadlines.id"], name=op.f("fk_reminders_deadline_id_deadlines")),
        sa.ForeignKeyConstraint(["email_id"], ["outbound_emails.id"], name=op.f("fk_reminders_email_id_outbound_emails")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("deadline_id", "level", "user_id", "due_at", name="uq_reminders_once"),
    )
    op.create_index("ix_reminders_user_created", "reminders", ["user_id", "created_at"])
    op.create_table(
        "deadline_snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deadline_id"], ["deadlines.id"], name=op.f("fk_deadline_snoozes_deadline_id_deadlines")
        ),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_deadline_snoozes_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_snoozes")),
    )
    op.create_index(op.f("ix_deadline_snoozes_deadline_id"), "deadline_snoozes", ["deadline_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_deadline_snoozes_deadline_id"), table_name="deadline_snoozes")
    op.drop_table("deadline_snoozes")
    op.drop_index("ix_reminders_user_created", table_name="reminders")
    op.drop_table("reminders")
