"""audit events are append-only: the database refuses UPDATE, DELETE (and TRUNCATE on PostgreSQL)

The hash chain detects tampering; these triggers stop the application's own connection (or a
bug, or an operator's slip) from changing history at all. Someone with owner rights can still
drop or disable a trigger, which is why `python -m casework audit verify` checks the chain too.

Note for later migrations: on SQLite, a batch ("move and copy") alter of audit_events recreates
the table and loses these triggers; re-run `create_guards()` after such a change.

Revision ID: trust1
Revises: 0001
Create Date: 2026-11-23 03:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "trust1"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_events is append-only: events cannot be changed or deleted"

SQLITE = [
    f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END;
        $$""",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_refuse_change()",
]


def create_guards() -> None:
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def upgrade() -> None:
    create_guards()


def downgrade() -> None:
    for statement in POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
