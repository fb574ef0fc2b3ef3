"""The audit trail is append-only in the database itself, and `audit verify` names the first broken link."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from db.models import AuditEvent
from services.audit import verify_chain
from services.transaction import transaction
from tests.conftest import ROOT
from tests.tamper import as_owner


def _event(offset: int = 5) -> AuditEvent:
    with transaction() as session:
        return session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(offset)).first()


def _count() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_apps_connection_cannot_update_or_delete_an_audit_event(demo_db):
    victim, before = _event(), _count()
    with pytest.raises(DBAPIError, match="append-only"), transaction() as session:
        session.execute(text("UPDATE audit_events SET actor_name = 'mallory' WHERE id = :id"), {"id": victim.id})
    with pytest.raises(DBAPIError, match="append-only"), transaction() as session:
        session.get(AuditEvent, victim.id).after = {"reason": "nothing to see"}
        session.flush()
    with pytest.raises(DBAPIError, match="append-only"), transaction() as session:
        session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": victim.id})
    with pytest.raises(DBAPIError, match="append-only"), transaction() as session:
        session.execute(text("DELETE FROM audit_events"))
    if demo_db.kind == "postgres":
        with pytest.raises(DBAPIError, match="append-only"), transaction() as session:
            session.execute(text("TRUNCATE audit_events CASCADE"))
    assert _event().actor_name == victim.actor_name
    assert _event().after == victim.after
    assert _count() == before
    with transaction() as session:
        assert verify_chain(session).ok


def test_appending_still_works_with_the_guard_in_place(demo_db, actor_for):
    from services.auth import sign_out

    before = _count()
    sign_out(actor_for("caseworker"))
    assert _count() == before + 1


def test_a_deleted_event_breaks_the_chain_at_the_event_after_it(demo_db):
    victim, following = _event(20), _event(21)
    as_owner("DELETE FROM audit_events WHERE id = :id", {"id": victim.id})
    with transaction() as session:
        report = verify_chain(session)
    assert report.first_broken_id == following.id
    assert "previous-hash does not match" in report.reason


def _verify_command(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "casework", "audit", "verify"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_audit_verify_command_exits_non_zero_naming_the_first_broken_event(demo_db):
    intact = _verify_command(demo_db.url)
    assert intact.returncode == 0, intact.stderr
    assert "Audit chain intact" in intact.stdout
    first, later = _event(30), _event(40)
    as_owner("UPDATE audit_events SET after = NULL WHERE id IN (:a, :b)", {"a": first.id, "b": later.id})
    broken = _verify_command(demo_db.url)
    assert broken.returncode == 1
    assert f"Audit chain broken at event {first.id}:" in broken.stderr
    assert "content does not match its hash" in broken.stderr
    assert "30 events before it are intact" in broken.stderr
