"""the console's due-date filters read the deadlines and the SR-held dates from indexes alone (issue 16)

PostgreSQL only (SQLite has no INCLUDE; its indexes are left as they were):
- ix_deadlines_done_due_id also carries sr_id: "overdue" and "due within 7 days" find the SRs with such a
  deadline from the index alone. Before, each of the page's reads under those filters fetched the deadline rows
  (about 2,800 table pages at 1,000,000 SRs) or read the whole table to learn their SRs.
- ix_sr_team_hearing, ix_sr_team_appointment and ix_sr_team_review also carry status, owner_id, case_id and id:
  the SR-held dates under a filter are picked from the index, and only the rows shown are read from the table.

Measured at 1,000,000 SRs, a team of 49,710, the page's one read (console.overview), the indexes added by hand
on one database between runs, 5 December 2026 (before, two runs; after, ms): due within 7 days 150 and 138 to 78,
overdue 99 and 97 to 83, overdue and potentially violent 102 and 93 to 86. The deadlines' index alone gave 95, 88
and 89; the hearing dates' index alone changed nothing (docs/benchmark-history.md, the filtered views).

Revision ID: console5
Revises: console4
Create Date: 2026-12-05 13:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "console5"
down_revision: str | None = "console4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SR_DATES = {
    "ix_sr_team_hearing": "hearing_at",
    "ix_sr_team_appointment": "appointment_at",
    "ix_sr_team_review": "review_date",
}
SR_INCLUDE = ["status", "owner_id", "case_id", "id"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_deadlines_done_due_id", table_name="deadlines")
    op.create_index("ix_deadlines_done_due_id", "deadlines", ["done", "due_at", "id"], postgresql_include=["sr_id"])
    for name, column in SR_DATES.items():
        op.drop_index(name, table_name="service_requests")
        op.create_index(name, "service_requests", ["team_id", column], postgresql_include=SR_INCLUDE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column in SR_DATES.items():
        op.drop_index(name, table_name="service_requests")
        op.create_index(name, "service_requests", ["team_id", column])
    op.drop_index("ix_deadlines_done_due_id", table_name="deadlines")
    op.create_index("ix_deadlines_done_due_id", "deadlines", ["done", "due_at", "id"])
