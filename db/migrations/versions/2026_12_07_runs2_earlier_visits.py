"""procedure_runs.earlier_visits: a step's answers set aside when a loop comes back to it

A loop back to a step (P1's chase, P4's "After the 30 days" and the paying parent's dispute, P5e's appointment)
starts the step unanswered, and its earlier visit's answers were dropped. Back from the new visit then left the
earlier visit in the run's history with no answers: later steps and letters that read them found nothing (P4's
stateful test found it, 7 December, eighth session). The answers are now set aside here and given back on Back.

Revision ID: runs2
Revises: outbox1
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "runs2"
down_revision: str | None = "outbox1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("procedure_runs", sa.Column("earlier_visits", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.execute("ALTER TABLE procedure_runs DROP COLUMN earlier_visits")
