"""step events: what happened at each step of each real run, for the Insight page (issue 19)

Revision ID: insight1
Revises: practice1
Create Date: 2026-11-30 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "insight1"
down_revision: str | None = "practice1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEAM_AT = ["team_id", "at", "procedure_id", "step", "kind", "first", "early", "working_seconds", "field", "run_id"]
AT = ["at", "procedure_id", "step", "kind", "first", "early", "working_seconds", "field"]


def upgrade() -> None:
    op.create_table(
        "step_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("procedure_id", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("first", sa.Boolean(), nullable=False),
        sa.Column("working_seconds", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("early", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('view', 'submit', 'error', 'back', 'change')", name=op.f("ck_step_events_kind")),
        sa.ForeignKeyConstraint(["run_id"], ["procedure_runs.id"], name=op.f("fk_step_events_run_id_procedure_runs")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_step_events_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_step_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_events")),
    )
    op.create_index("ix_step_events_run_id_id", "step_events", ["run_id", "id"])
    op.create_index("ix_step_events_team_at", "step_events", TEAM_AT)
    op.create_index("ix_step_events_at", "step_events", AT)


def downgrade() -> None:
    op.drop_index("ix_step_events_at", table_name="step_events")
    op.drop_index("ix_step_events_team_at", table_name="step_events")
    op.drop_index("ix_step_events_run_id_id", table_name="step_events")
    op.drop_table("step_events")
