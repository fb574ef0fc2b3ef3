"""SIGKILL in the middle of a change loses no committed change and leaves nothing half-applied."""

import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import select

from db.engine import engine_for
from db.models import AuditEvent, Note, ServiceRequest, Team
from services.audit import verify_chain
from services.transaction import transaction
from tests.conftest import ROOT


def _own_sr() -> tuple[int, str, int]:
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.team_id == team_id, ServiceRequest.status == "Open")
        ).first()
        return sr.id, sr.number, sr.version


def run_and_kill(url: str, kind: str, arg: str, *, kill_after: int) -> int:
    """Run the worker until it has begun step `kill_after`, SIGKILL it there; return the last committed step."""
    worker = subprocess.Popen(  # noqa: S603 - our own test worker
        [sys.executable, "-m", "tests.crash_worker", kind, arg],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    committed = -1
    try:
        assert worker.stdout is not None
        for line in worker.stdout:
            word, _, n = line.strip().partition(" ")
            if word == "committed":
                committed = int(n)
            if word == "begin" and int(n) == kill_after:
                worker.send_signal(signal.SIGKILL)
                break
        else:
            pytest.fail(f"worker stopped early: {worker.stderr.read() if worker.stderr else ''}")
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    return committed


def test_sigkill_mid_transaction_keeps_every_committed_sr_change_and_no_half_of_the_killed_one(demo_db):
    sr_id, number, version = _own_sr()
    engine_for(demo_db.url).dispose()
    committed = run_and_kill(demo_db.url, "sr-status", number, kill_after=6)
    assert committed == 5

    if demo_db.kind == "sqlite":  # the file opens cleanly and passes SQLite's own check after recovery
        path = demo_db.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()

    expected = [f"crash step {n}" for n in range(committed + 1)]
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        notes = session.scalars(select(Note.text).where(Note.sr_id == sr_id, Note.text.like("crash step %"))).all()
        status_events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.status")
            .order_by(AuditEvent.id)
        ).all()
        note_events = session.scalars(
            select(AuditEvent).where(AuditEvent.sr_id == sr_id, AuditEvent.action == "note.sr").order_by(AuditEvent.id)
        ).all()
        # Every committed step is there in full: the status change, its note, and both audit rows.
        assert sorted(notes, key=lambda t: int(t.split()[-1])) == expected
        assert [e.after["reason"] for e in status_events if "crash step" in (e.after["reason"] or "")] == expected
        assert [e.after["text"] for e in note_events if e.after["text"].startswith("crash step")] == expected
        # The killed step left nothing: the SR is as the last committed step left it.
        assert sr.reason == f"crash step {committed}"
        assert sr.status == ("In Progress" if committed % 2 == 0 else "Open")
        assert sr.version == version + committed + 1
        assert verify_chain(session).ok
