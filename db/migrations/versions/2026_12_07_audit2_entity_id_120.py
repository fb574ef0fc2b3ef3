"""audit_events.entity_id holds 120 characters (was 40): a reference value's key is up to 80

Confirming or importing a reference value whose key is longer than 40 characters (built-in keys reach 55, such
as "reason.face_to_face.enforcement_paying_parent"; the page accepts 80) failed on PostgreSQL with "value too
long", because its audit event names the key as the entity. SQLite never enforced the length.

On PostgreSQL widening a varchar changes only the catalogue: no row or index is rewritten, and the append-only
triggers (trust1) refuse UPDATE, DELETE and TRUNCATE, not ALTER TABLE. On SQLite the column is changed by a batch
copy, which drops the table's triggers with the old table, so they are dropped first and made again after
(trust1's note for later migrations).

Revision ID: audit2
Revises: wizard1
Create Date: 2026-12-07 01:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "audit2"
down_revision: str | None = "wizard1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# trust1's trigger statements, loaded from its file (migration files are not a package): one copy of them.
_spec = importlib.util.spec_from_file_location(
    "trust1", Path(__file__).with_name("2026_11_23_trust1_audit_events_append_only.py")
)
if _spec is None or _spec.loader is None:
    raise ImportError("migration trust1's file is missing beside audit2")
_trust1 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_trust1)


def _width(length: int) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_events", "entity_id", type_=sa.String(length), existing_nullable=False)
        return
    for statement in _trust1.SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("entity_id", type_=sa.String(length), existing_nullable=False)
    _trust1.create_guards()


def upgrade() -> None:
    _width(120)


def downgrade() -> None:
    # An entity id over 40 characters would not fit again; the column stays wide enough for what it holds.
    _width(40)
