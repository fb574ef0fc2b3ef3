"""step summary: step events summed per day, team, step, question, experience and time bucket (issue 19)

Revision ID: insight21
Revises: insight1
Create Date: 2026-12-01 01:30:00

The table is filled from the events already recorded (services/step_summary.py's `rebuild`, the code that
`python -m casework insight rebuild` runs); from then on the recording transaction keeps it. Should that code
change shape later, give this migration a frozen copy of today's rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "insight21"
down_revision: str | None = "insight1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "step_summary",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("early", sa.Boolean(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("timed", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("back", sa.Integer(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_step_summary_team_id_teams")),
        sa.PrimaryKeyConstraint(
            "day", "team_id", "procedure_id", "step", "field", "early", "bucket", name=op.f("pk_step_summary")
        ),
    )
    from services import step_summary  # the same code as the command; see the module docstring

    session = Session(bind=op.get_bind())
    try:
        step_summary.rebuild(session)
        session.flush()
    finally:
        session.close()


def downgrade() -> None:
    op.drop_table("step_summary")
