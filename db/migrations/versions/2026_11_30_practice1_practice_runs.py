"""practice: rehearsal runs on fictional cases and scenarios added by policy staff (issue 18)

Revision ID: practice1
Revises: refvalues1
Create Date: 2026-11-30 19:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "practice1"
down_revision: str | None = "codebase1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("procedure_id", sa.String(length=20), nullable=False),
        sa.Column("procedure_version", sa.String(length=20), nullable=False),
        sa.Column("scenario_key", sa.String(length=80), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sim", sa.JSON(), nullable=False),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('in_progress', 'finished')", name=op.f("ck_practice_runs_status")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_practice_runs_user_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_practice_runs_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_runs")),
    )
    op.create_index("ix_practice_runs_team_user", "practice_runs", ["team_id", "user_id"])
    op.create_index(op.f("ix_practice_runs_user_id"), "practice_runs", ["user_id"])
    op.create_table(
        "practice_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("procedure_id", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_practice_scenarios_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_scenarios")),
    )
    op.create_index("ix_practice_scenarios_key_id", "practice_scenarios", ["key", "id"])


def downgrade() -> None:
    op.drop_index("ix_practice_scenarios_key_id", table_name="practice_scenarios")
    op.drop_table("practice_scenarios")
    op.drop_index(op.f("ix_practice_runs_user_id"), table_name="practice_runs")
    op.drop_index("ix_practice_runs_team_user", table_name="practice_runs")
    op.drop_table("practice_runs")
