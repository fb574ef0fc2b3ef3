"""Backups: `python -m casework backup` then `restore` brings the data back exactly as it was."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from db.engine import engine_for
from db.models import AuditEvent, ServiceRequest, Team
from services.audit import verify_chain
from services.service_requests import add_sr_note, open_sr, update_sr_fields
from services.transaction import transaction
from tests.conftest import ROOT


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "casework", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _own_sr() -> str:
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        return session.scalars(
            select(ServiceRequest.number).where(ServiceRequest.team_id == team_id, ServiceRequest.status == "Open")
        ).first()


def _audit_count() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_restored_backup_has_the_data_as_at_backup_and_its_audit_chain_verifies(demo_db, actor_for, tmp_path):
    actor, number = actor_for("caseworker"), _own_sr()
    add_sr_note(actor, number, "Before the backup")
    at_backup, events_at_backup = open_sr(actor, number), _audit_count()
    target = tmp_path / "backup.dump"

    made = cli(demo_db.url, "backup", str(target))
    assert made.returncode == 0, made.stderr
    assert target.stat().st_size > 10_000

    update_sr_fields(actor, number, expected_version=at_backup.version, reason="After the backup")
    add_sr_note(actor, number, "After the backup")
    assert open_sr(actor, number) != at_backup
    engine_for(demo_db.url).dispose()  # as the app servers would be stopped

    restored = cli(demo_db.url, "restore", str(target), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert f"Audit chain intact: {events_at_backup} events checked." in restored.stdout

    assert open_sr(actor, number) == at_backup
    assert _audit_count() == events_at_backup
    with transaction() as session:
        assert verify_chain(session).ok
    with pytest.raises(DBAPIError, match="append-only"), transaction() as session:  # the guard came back too
        session.execute(text("DELETE FROM audit_events"))


def test_restore_without_yes_changes_nothing(demo_db, actor_for, tmp_path):
    actor, number = actor_for("caseworker"), _own_sr()
    target = tmp_path / "backup.dump"
    assert cli(demo_db.url, "backup", str(target)).returncode == 0
    seen = open_sr(actor, number)
    update_sr_fields(actor, number, expected_version=seen.version, reason="Keep me")
    refused = cli(demo_db.url, "restore", str(target))
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert open_sr(actor, number).reason == "Keep me"


def test_a_backup_never_overwrites_an_existing_file(demo_db, tmp_path):
    target = tmp_path / "existing"
    target.write_text("keep")
    result = cli(demo_db.url, "backup", str(target))
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert target.read_text() == "keep"
