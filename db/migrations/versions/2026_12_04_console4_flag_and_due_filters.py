"""the console's filters by a case flag or by due dates read indexes, not the tables (issue 16)

- ix_sr_team_counts also carries case_id and id on PostgreSQL (INCLUDE): a large team's SRs filtered by a case
  flag are joined to the flagged cases, and filtered by due dates to their deadlines, from the index alone.
  Before, each such view read the team's rows from the table (about 17,000 pages for a team of 50,000 SRs).
  SQLite has no INCLUDE; its index is left as it was.
- ix_cases_potentially_violent and ix_cases_sensitive: partial indexes of the flagged cases' ids (about 7% and
  2% of cases), so those filters no longer read the whole cases table. On PostgreSQL they also carry scin and
  region, the case columns the deadline list and the SR-held dates show, so those read the flagged cases from
  the index alone (the potentially violent view 116 to 71 ms, sensitive 110 to 79 ms, in turn on one database).

Measured at 1,000,000 SRs, a team of 49,710, the page's one read (console.overview), the code before and after
in turn on one database, with the plan change in services/console/deadlines.py: potentially violent 345 to 119
ms, sensitive 305 to 107 ms, overdue 186 to 121 ms; the cases' covering columns then took the first two to 71 and
79 ms (README, "Team leader console").

Revision ID: console4
Revises: insight22
Create Date: 2026-12-04 18:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "console4"
down_revision: str | None = "insight22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ["team_id", "status", "owner_id", "process", "area", "sub_area", "created_at"]
FLAGS = ("potentially_violent", "sensitive")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_sr_team_counts", table_name="service_requests")
        op.create_index("ix_sr_team_counts", "service_requests", COUNTS, postgresql_include=["case_id", "id"])
    for flag in FLAGS:
        where = sa.column(flag).is_(True)
        op.create_index(
            f"ix_cases_{flag}",
            "cases",
            ["id"],
            postgresql_where=where,
            postgresql_include=["scin", "region"],
            sqlite_where=where,
        )


def downgrade() -> None:
    for flag in reversed(FLAGS):
        op.drop_index(f"ix_cases_{flag}", table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_sr_team_counts", table_name="service_requests")
        op.create_index("ix_sr_team_counts", "service_requests", COUNTS)
