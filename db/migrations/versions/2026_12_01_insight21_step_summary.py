"""step summary: step events summed per day, (team,) step, question and experience, times as a histogram (issue 19)

Revision ID: insight21
Revises: insight1
Create Date: 2026-12-01 01:30:00

Also `procedure_runs.early` (the run starter's experience band, for "left there" by experience), filled from
each run's first view. The summary tables are filled from the events already recorded (services/step_summary.py's
`rebuild`, the code that `python -m casework insight rebuild` runs); from then on the recording transaction keeps
them. Should that code change shape later, give this migration a frozen copy of today's rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "insight21"
down_revision: str | None = "insight1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COUNTS = ("reached", "timed", "errors", "back", "change") + tuple(f"t{i}" for i in range(58))  # 58 time buckets
KEY = ("day", "procedure_id", "step", "field", "early")


def _create(name: str, *, team: bool) -> None:
    key = list(KEY[:1]) + (["team_id"] if team else []) + list(KEY[1:])
    op.create_table(
        name,
        sa.Column("day", sa.Date(), nullable=False),
        *([sa.Column("team_id", sa.Integer(), nullable=False)] if team else []),
        sa.Column("procedure_id", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("early", sa.Boolean(), nullable=False),
        *[sa.Column(n, sa.Integer(), nullable=False) for n in COUNTS],
        *([sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f(f"fk_{name}_team_id_teams"))] if team else []),
        sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _create("step_summary", team=True)
    _create("step_summary_all_teams", team=False)
    op.add_column("procedure_runs", sa.Column("early", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE procedure_runs SET early = (SELECT e.early FROM step_events e WHERE e.run_id = procedure_runs.id"
        " AND e.kind = 'view' AND e.first ORDER BY e.id LIMIT 1)"
    )
    op.create_index("ix_runs_status_updated", "procedure_runs", ["status", "updated_at", "procedure_id", "state", "early"])
    from services import step_summary  # the same code as the command; see the module docstring

    session = Session(bind=op.get_bind())
    try:
        step_summary.rebuild(session)
        session.flush()
    finally:
        session.close()


def downgrade() -> None:
    op.drop_index("ix_runs_status_updated", table_name="procedure_runs")
    op.drop_column("procedure_runs", "early")
    op.drop_table("step_summary_all_teams")
    op.drop_table("step_summary")
