"""a run keeps the latest view or save of each step it has shown (procedure_runs.step_visits)

Saving a step read the run's earlier step events (the latest view or save of the step left, whether the step
arrived at had been shown before): one statement in every save. The run now carries the answer in a JSON column,
written in the same UPDATE as the rest of the step. Runs started before this revision keep NULL there and are
read from their events as before, so nothing is back-filled.

Revision ID: insight22
Revises: console3
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "insight22"
down_revision: str | None = "console3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("procedure_runs", sa.Column("step_visits", sa.JSON(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35 and later): a batch table copy on SQLite would drop and
    # re-create procedure_runs, which step_events and audit rows reference, and fail on the foreign keys.
    op.execute("ALTER TABLE procedure_runs DROP COLUMN step_visits")
