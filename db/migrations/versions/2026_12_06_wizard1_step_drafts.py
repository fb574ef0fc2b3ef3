"""a run keeps the answers of its current step's earlier question pages (procedure_runs.draft)

A step asked over several pages was saved only from its last page; the answers of the pages before lived in the
browser session, so a reload or a closed tab mid-step started the step blank (QA, 6 December 2026). A page's
Continue now writes them on the run, good only while the run stays at the version they were written against.

Revision ID: wizard1
Revises: console5
Create Date: 2026-12-06 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "wizard1"
down_revision: str | None = "console5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("procedure_runs", sa.Column("draft", sa.JSON(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both, as insight22 does: a batch copy would re-create procedure_runs.
    op.execute("ALTER TABLE procedure_runs DROP COLUMN draft")
