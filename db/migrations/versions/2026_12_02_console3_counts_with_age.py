"""the console's counts index carries created_at: the counts and the ageing chart read in one pass (issue 16)

ix_sr_team_counts (team_id, status, owner_id, process, area, sub_area) gains created_at as its last column, so
the one grouped statement that counts a team's SRs by status, owner and catalogue entry also counts them by age
band (`count(*) FILTER (WHERE created_at > cut-off)`) from the index alone. Before, the ageing chart was a second
pass over the same SRs (ix_sr_team_status_created) that banded each row with a CASE and grouped on the band.

Revision ID: console3
Revises: insight21
Create Date: 2026-12-02 01:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "console3"
down_revision: str | None = "insight21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ["team_id", "status", "owner_id", "process", "area", "sub_area"]


def upgrade() -> None:
    op.drop_index("ix_sr_team_counts", table_name="service_requests")
    op.create_index("ix_sr_team_counts", "service_requests", [*BEFORE, "created_at"])


def downgrade() -> None:
    op.drop_index("ix_sr_team_counts", table_name="service_requests")
    op.create_index("ix_sr_team_counts", "service_requests", BEFORE)
