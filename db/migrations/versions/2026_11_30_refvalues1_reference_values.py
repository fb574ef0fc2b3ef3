"""reference values: local confirmations, corrections and additions to the CMS reference catalogue

Revision ID: refvalues1
Revises: sessions1
Create Date: 2026-11-30 16:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "refvalues1"
down_revision: str | None = "sessions1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_name", sa.String(length=100), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('confirmed', 'corrected', 'added')", name=op.f("ck_reference_values_action")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_reference_values_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_values")),
    )
    op.create_index("ix_reference_values_key_id", "reference_values", ["key", "id"])


def downgrade() -> None:
    op.drop_index("ix_reference_values_key_id", table_name="reference_values")
    op.drop_table("reference_values")
