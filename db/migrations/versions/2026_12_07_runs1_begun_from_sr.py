"""procedure_runs.begun_from_sr_id: the SR a caseworker began a run from, when the run works its case, not that SR

P1 works a complaint or appeal SR from its case and records on an Information Request SR of its own, so its runs
kept no trace of the SR they were begun from: two P1 runs on one case read alike until each had saved, and nothing
tied the Information Request SR back to the complaint (QA, 7 December 2026, fifth session). The run now keeps it
in a column of its own, not among `sr_refs` (the SRs a run records on, which the outcome, letters and the finish
page read: services/run_start.start_run says why).

Runs started before this column existed have none and read as before: nothing is back-filled (nothing recorded
which SR they were begun from).

Revision ID: runs1
Revises: srs1
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "runs1"
down_revision: str | None = "srs1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_procedure_runs_begun_from_sr_id_service_requests"
INDEX = "ix_procedure_runs_begun_from_sr_id"


# No batch copy on SQLite: a copy of procedure_runs cannot drop the old table while step_events refer to its rows
# (foreign keys are on). SQLite (3.35 and later) adds a column with its own named REFERENCES, and drops it again.


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE procedure_runs ADD COLUMN begun_from_sr_id INTEGER CONSTRAINT {FK} "
            "REFERENCES service_requests (id)"
        )
    else:
        op.add_column("procedure_runs", sa.Column("begun_from_sr_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "procedure_runs", "service_requests", ["begun_from_sr_id"], ["id"])
    op.create_index(INDEX, "procedure_runs", ["begun_from_sr_id"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="procedure_runs")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK, "procedure_runs", type_="foreignkey")
    # SQLite drops a column with a column constraint of its own (not a table constraint) with it.
    op.execute("ALTER TABLE procedure_runs DROP COLUMN begun_from_sr_id")
