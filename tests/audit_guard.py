"""A watch on every commit: a transaction opened by a service that changes any row must also append an audit event
(services/audit.py's insert into audit_events) before it commits (the same transaction). Used autouse by the
integration and procedure tests, so every change any of those tests makes through a service is checked, not a chosen
few.

A transaction marked `session.info["unaudited"]` (only services/sessions.py's heartbeat, which moves a
session's last-seen time: not a change of record) may change UserSession rows alone without an event.

Transactions opened by test helpers themselves (arranging demo data, tampering with the chain) are not
service changes and are skipped: a commit counts only when a services/ function other than
services/transaction.py is on the call stack.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from db import ride_along
from db.models import AuditEvent
from db.one_row_update import ONE_ROW_OF

SERVICES = str(Path(__file__).resolve().parents[1] / "services") + "/"
KEY = "audit_guard"


@dataclass
class Watch:
    violations: list[str] = field(default_factory=list)


def _service_on_stack(services: str) -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(services) and not name.endswith("/transaction.py"):
            return f"{Path(name).stem}.{frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _state(session: Session) -> dict[str, object]:
    return session.info.setdefault(KEY, {"changed": set(), "audited": False})


def _after_flush(session: Session, _context: object) -> None:
    state = _state(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent):
            state["audited"] = True
        elif obj in session.new or obj in session.deleted or session.is_modified(obj, include_collections=False):
            state["changed"].add(type(obj).__name__)  # type: ignore[attr-defined]


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if "audit_events" in state.execution_options.get(ride_along.RIDERS, ()):
            _state(state.session)["audited"] = True  # on PostgreSQL it rode along with this write (db/ride_along.py)
        if table is not None and table.name == "audit_events":
            _state(state.session)["audited"] = True  # services/audit.py appends through Core
        elif table is not None:  # one object's save sent by db/one_row_update.py, or a bulk statement
            saved = state.execution_options.get(ONE_ROW_OF)
            _state(state.session)["changed"].add(saved or f"{table.name} (bulk)")  # type: ignore[attr-defined]


def _reset(session: Session, *_: object) -> None:
    session.info.pop(KEY, None)


@contextmanager
def watching() -> Iterator[Watch]:
    """Listen to every Session while the block runs; listeners are per watch, so watches nest."""
    watch, services = Watch(), SERVICES

    def after_flush(session: Session, context: object) -> None:
        _after_flush(session, context)

    def on_execute(state: ORMExecuteState) -> None:
        _on_execute(state)

    def reset(session: Session, *_: object) -> None:
        _reset(session)
        session.info.pop("unaudited", None)

    def before_commit(session: Session) -> None:
        session.flush()  # the commit's own flush comes later; see its changes now
        state = _state(session)
        if "audit_events" in ride_along.pending_tables(session):
            state["audited"] = True  # queued to ride along; the commit sends it first (db/ride_along.py)
        if session.info.get("unaudited") and state["changed"] == {"UserSession"}:
            return
        if state["changed"] and not state["audited"]:
            where = _service_on_stack(services)
            if where is not None:
                watch.violations.append(f"{where} committed {sorted(state['changed'])} without an audit event")  # type: ignore[arg-type]

    listeners = [
        ("after_flush", after_flush),
        ("do_orm_execute", on_execute),
        ("before_commit", before_commit),
        ("after_commit", reset),
        ("after_rollback", reset),
    ]
    for name, fn in listeners:
        event.listen(Session, name, fn)
    try:
        yield watch
    finally:
        for name, fn in listeners:
            event.remove(Session, name, fn)


@pytest.fixture(autouse=True)
def every_service_change_is_audited() -> Iterator[None]:
    """Fails the test when a service committed a change without an audit event (imported by the
    app, integration and procedure conftests, so it is autouse there only)."""
    with watching() as watch:
        yield
    if watch.violations:
        pytest.fail("changes committed without an audit event:\n" + "\n".join(watch.violations))
