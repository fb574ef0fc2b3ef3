"""indexes for the team leader console's queries

- ix_sr_team_created_id: the first (and every) keyset page of a team's SRs, oldest first.
- ix_sr_team_counts: counts by status, owner and catalogue entry read from the index alone.
- ix_sr_team_hearing / _appointment / _review: deadlines held as SR fields, in due order.
- ix_deadlines_sr_done_due: an SR's next open deadline; the due / overdue filters.
- ix_runs_team_status_updated: stuck runs of a team's new caseworkers.

Revision ID: console1
Revises: trust1
Create Date: 2026-11-23 09:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "console1"
down_revision: str | None = "trust1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_sr_team_created_id", "service_requests", ["team_id", "created_at", "id"]),
    ("ix_sr_team_counts", "service_requests", ["team_id", "status", "owner_id", "process", "area", "sub_area"]),
    ("ix_sr_team_hearing", "service_requests", ["team_id", "hearing_at"]),
    ("ix_sr_team_appointment", "service_requests", ["team_id", "appointment_at"]),
    ("ix_sr_team_review", "service_requests", ["team_id", "review_date"]),
    ("ix_deadlines_sr_done_due", "deadlines", ["sr_id", "done", "due_at"]),
    ("ix_runs_team_status_updated", "procedure_runs", ["team_id", "status", "updated_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
