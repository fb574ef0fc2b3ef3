"""reference_values.changed_by_name holds 200 characters (was 100): it is the editor's display name, up to 200

Confirming, correcting, adding or importing a reference value failed on PostgreSQL with "value too long" when the
policy or admin user's display name was over 100 characters: the Users page and `users add` accept 200
(users.display_name is String(200), services/users.py), and the row keeps who set the value by that name.
SQLite never enforced the length.

On PostgreSQL widening a varchar changes only the catalogue: no row or index is rewritten. On SQLite the column is
changed by a batch copy of the table; reference_values has no triggers to make again (only audit_events has).

Revision ID: refvalues2
Revises: audit2
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "refvalues2"
down_revision: str | None = "audit2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _width(length: int) -> None:
    with op.batch_alter_table("reference_values") as batch:
        batch.alter_column("changed_by_name", type_=sa.String(length), existing_nullable=False)


def upgrade() -> None:
    _width(200)


def downgrade() -> None:
    # PostgreSQL refuses this while a row holds a name over 100 characters: no name is cut short.
    _width(100)
