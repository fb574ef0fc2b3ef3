"""The anchored audit chain: truncating the newest events, or rewriting a tail with its hashes recomputed,
passes the hash chain but not `audit verify` against the signed anchor file.

Tampering is done as a database owner could (tests/tamper.py lifts the append-only triggers).
"""

from __future__ import annotations

import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from casework.cli import app
from db.models import AuditEvent
from services import audit_anchor
from services.audit import _digest, verify_chain
from services.transaction import transaction
from tests.tamper import as_owner

KEY = "test-anchor-key-0123456789abcdef"


@pytest.fixture
def anchored(demo_db, tmp_path, monkeypatch):
    """The demo database with its chain head anchored in a file of this test's own."""
    monkeypatch.setenv("CASEWORK_AUDIT_ANCHOR", str(tmp_path / "anchor.jsonl"))
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", KEY)
    monkeypatch.delenv("CASEWORK_AUDIT_KEY_FILE", raising=False)
    assert _cli(demo_db.url, "anchor").exit_code == 0
    return demo_db


def _cli(url: str, command: str) -> Result:
    """`audit <command>` run in this process through Click's runner, as the other command tests run theirs (as a
    subprocess each run started Python and imported the app again: about 1.5 s of CPU, 36 runs in this file). An
    exception other than the command's own exit is raised, so it can never pass for the exit code 1 of a refusal.
    The entry point `python -m casework audit verify` itself runs as a real process in test_audit_trail.py."""
    result = CliRunner().invoke(app, ["audit", command], env={"DATABASE_URL": url})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _ids() -> list[int]:
    with transaction() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def _chain_ok() -> bool:
    with transaction() as session:
        return verify_chain(session).ok


def test_an_untouched_trail_matches_its_anchor(anchored):
    result = _cli(anchored.url, "verify")
    assert result.exit_code == 0, result.stderr
    assert "Audit trail matches its anchor (1 signed anchor lines)." in result.stdout


def test_deleting_the_newest_20_events_is_caught_by_the_anchor(anchored):
    ids = _ids()
    assert len(ids) > 20
    as_owner("DELETE FROM audit_events WHERE id > :keep", {"keep": ids[-21]})
    assert _chain_ok()  # the chain alone cannot see it: what is left still links up
    result = _cli(anchored.url, "verify")
    assert result.exit_code == 1
    assert f"event {ids[-1]}, anchored at" in result.stderr
    assert "deleted from the end of the trail" in result.stderr


def test_an_edited_event_with_every_later_hash_recomputed_is_caught_by_the_anchor(anchored):
    ids = _ids()
    victim = ids[len(ids) // 2]
    as_owner("UPDATE audit_events SET actor_name = 'mallory' WHERE id = :id", {"id": victim})
    with transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.id >= victim).order_by(AuditEvent.id)).all()
        prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.id < victim).order_by(AuditEvent.id.desc()))
        rewritten = []
        for event in events:
            event.prev_hash = prev
            prev = _digest(event)
            rewritten.append({"id": event.id, "prev": event.prev_hash, "hash": prev})
        session.expunge_all()
    for row in rewritten:
        as_owner("UPDATE audit_events SET prev_hash = :prev, hash = :hash WHERE id = :id", row)
    assert _chain_ok()  # a consistent forgery as far as the chain can tell
    result = _cli(anchored.url, "verify")
    assert result.exit_code == 1
    assert "no longer has the hash it had then: the trail up to it was rewritten" in result.stderr


def test_new_events_after_the_anchor_are_fine_and_the_next_anchor_covers_them(anchored, actor_for):
    from services import users

    users.set_active(None, "policy", False)
    assert _cli(anchored.url, "verify").exit_code == 0
    assert _cli(anchored.url, "anchor").exit_code == 0
    assert "(2 signed anchor lines)" in _cli(anchored.url, "verify").stdout


def test_an_edited_or_removed_anchor_line_and_a_wrong_key_are_refused(anchored, monkeypatch):
    assert _cli(anchored.url, "anchor").exit_code == 0
    path = audit_anchor.anchor_path()
    first, second = path.read_text().splitlines()
    path.write_text(second + "\n")  # the first line removed
    removed = _cli(anchored.url, "verify")
    assert removed.exit_code == 1
    assert "Line 1 of the anchor file" in removed.stderr
    path.write_text(first.replace('"events": ', '"events": 1') + "\n")
    assert "not signed with this key" in _cli(anchored.url, "verify").stderr
    path.write_text(first + "\n")
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", "another-key-of-enough-length")
    assert "not signed with this key" in _cli(anchored.url, "verify").stderr


def test_anchoring_without_a_key_says_how_to_set_one(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_AUDIT_ANCHOR", str(tmp_path / "anchor.jsonl"))
    monkeypatch.delenv("CASEWORK_AUDIT_KEY", raising=False)
    monkeypatch.delenv("CASEWORK_AUDIT_KEY_FILE", raising=False)
    result = _cli(demo_db.url, "anchor")
    assert result.exit_code == 1
    assert "set CASEWORK_AUDIT_KEY" in result.stderr
    assert not (tmp_path / "anchor.jsonl").exists()
