"""The audit chain's head, written outside the database: an append-only file of HMAC-signed lines.

The hash chain (services.audit) shows that no row was edited or removed *unless* someone with owner
rights rewrites every later hash too, or deletes the newest rows: then the chain is intact again. So
`python -m casework audit anchor` (run it from cron every few minutes, and before and after backups)
appends the chain head, the newest event's id and hash and the number of events, to a file the
database owner cannot rewrite unnoticed, each line signed with a key that is not in the database, and
each signature covering the line before it. `audit verify` then checks the database against every
line: a truncated tail (the anchored event is gone) and a recomputed tail (the anchored event's hash
differs) are both named.

Decision: anchored by a command, not after every commit. A step would pay for a file append (and an
fsync to be worth anything) and several app servers would each need the file; one scheduled writer
costs the wizard nothing. What it leaves: events after the latest anchor can be truncated or
rewritten unnoticed until the next anchor (the cron interval), and the file and key must live where the
database owner cannot reach them (another host or account, `chattr +a`); someone holding both the
database and the key can forge anything.

    CASEWORK_AUDIT_ANCHOR    the anchor file (default var/audit-anchor.jsonl)
    CASEWORK_AUDIT_KEY       the signing key, or CASEWORK_AUDIT_KEY_FILE: a file holding it
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent
from domain.clock import utcnow

ROOT = Path(__file__).resolve().parents[1]
FIRST = "0" * 64


class AnchorError(RuntimeError):
    """The anchor cannot be written or read; the message says what to set or what is wrong."""


def anchor_path() -> Path:
    raw = os.environ.get("CASEWORK_AUDIT_ANCHOR", "").strip()
    return Path(raw) if raw else ROOT / "var" / "audit-anchor.jsonl"


def _key() -> bytes:
    key = os.environ.get("CASEWORK_AUDIT_KEY", "")
    path = os.environ.get("CASEWORK_AUDIT_KEY_FILE", "").strip()
    if not key and path:
        try:
            key = Path(path).read_text().strip()
        except OSError as exc:
            raise AnchorError(f"The audit key file {path} cannot be read ({exc.strerror}).") from None
    if len(key) < 16:
        raise AnchorError(
            "No audit anchor key: set CASEWORK_AUDIT_KEY (or CASEWORK_AUDIT_KEY_FILE) to a secret of at least "
            "16 characters kept outside the database, for example from `openssl rand -hex 32`."
        )
    return key.encode()


def _mac(key: bytes, previous: str, event_id: int, event_hash: str, events: int, at: str) -> str:
    message = f"{previous}|{event_id}|{event_hash}|{events}|{at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Anchor:
    event_id: int
    event_hash: str
    events: int
    at: str
    mac: str


def _read(key: bytes, path: Path) -> list[Anchor]:
    """Every line of the anchor file, each signature checked against the line before it."""
    if not path.exists():
        return []
    anchors: list[Anchor] = []
    previous = FIRST
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        try:
            raw = json.loads(line)
            anchor = Anchor(int(raw["id"]), str(raw["hash"]), int(raw["events"]), str(raw["at"]), str(raw["mac"]))
        except (ValueError, KeyError, TypeError):
            raise AnchorError(f"Line {number} of the anchor file {path} is not an anchor.") from None
        expected = _mac(key, previous, anchor.event_id, anchor.event_hash, anchor.events, anchor.at)
        if not hmac.compare_digest(expected, anchor.mac):
            raise AnchorError(
                f"Line {number} of the anchor file {path} is not signed with this key, or a line before it was "
                "removed or changed."
            )
        anchors.append(anchor)
        previous = anchor.mac
    return anchors


def write_anchor(session: Session) -> Anchor:
    """Append the chain head (newest event id and hash, number of events) as a signed line."""
    key, path = _key(), anchor_path()
    anchors = _read(key, path)
    head = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    event_id, event_hash = (int(head[0]), str(head[1])) if head else (0, FIRST)
    at = utcnow().replace(microsecond=0).isoformat()
    previous = anchors[-1].mac if anchors else FIRST
    anchor = Anchor(event_id, event_hash, events, at, _mac(key, previous, event_id, event_hash, events, at))
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"id": event_id, "hash": event_hash, "events": events, "at": at, "mac": anchor.mac})
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


def check_against_anchors(session: Session) -> tuple[int, str | None]:
    """(anchor lines read, the first disagreement in words or None); the chain itself is verify_chain's job.

    Every line's signature is checked; the database only against the newest line, because an intact chain
    up to that event fixes every earlier one too.
    """
    path = anchor_path()
    if not path.exists():
        return 0, None
    anchors = _read(_key(), path)
    if not anchors or anchors[-1].event_id == 0:
        return len(anchors), None
    anchor = anchors[-1]
    stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor.event_id))
    if stored is None:
        return len(anchors), (
            f"event {anchor.event_id}, anchored at {anchor.at}, is missing: events were deleted from the end of "
            "the trail"
        )
    if stored != anchor.event_hash:
        return len(anchors), (
            f"event {anchor.event_id}, anchored at {anchor.at}, no longer has the hash it had then: the trail up "
            "to it was rewritten"
        )
    counted = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= anchor.event_id))
    if counted != anchor.events:
        return len(anchors), f"{counted} events up to event {anchor.event_id}, but {anchor.events} when anchored"
    return len(anchors), None
