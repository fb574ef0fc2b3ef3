"""service_requests.sub_status_cms: the Sub Status line the CMS panel gave when a run closed the SR

The finish page and SR detail gave a closed SR's Sub Status as a plain value ("Closed (Complete)"), though the CMS
panel had given P5e's "Cancelled", and P1's, P2's, P4's and P5a's "Complete", as suggestions. Whether a Sub Status
was exact depends on the procedure that closed the SR (its seed names it or not), which the value alone does not
say, so the line the caseworker was given is kept with the SR when it closes (services/recorded_cms.py).

SRs closed before this column existed have none: they are shown as a suggestion unless policy staff confirmed the
value (nothing says a procedure published it for them).

Revision ID: srs1
Revises: letters1
Create Date: 2026-12-07 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "srs1"
down_revision: str | None = "letters1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch copy: on SQLite a copy of service_requests cannot drop the old table while other tables
# refer to it (foreign keys are on), and SQLite (3.35 and later) adds and drops a column without one.


def upgrade() -> None:
    op.add_column("service_requests", sa.Column("sub_status_cms", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("service_requests", "sub_status_cms")
