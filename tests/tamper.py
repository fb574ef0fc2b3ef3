"""Tamper with the audit trail the way someone with database-owner rights could: lift the guard, edit, restore it.

The application's connection is refused by the append-only triggers (migration trust1); an owner can
disable or drop them, which is what the hash chain is there to catch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from services.transaction import transaction

SQLITE_TRIGGERS = {
    "audit_events_no_update": "BEFORE UPDATE ON audit_events",
    "audit_events_no_delete": "BEFORE DELETE ON audit_events",
}
MESSAGE = "audit_events is append-only: events cannot be changed or deleted"


def as_owner(sql: str, params: dict[str, Any] | None = None) -> None:
    """Run `sql` against audit_events with the append-only triggers lifted, then put them back."""
    with transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            session.execute(text(sql), params or {})
            session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
            return
        for name in SQLITE_TRIGGERS:
            session.execute(text(f"DROP TRIGGER {name}"))
        session.execute(text(sql), params or {})
        for name, when in SQLITE_TRIGGERS.items():
            session.execute(text(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"))
