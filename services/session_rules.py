"""When a signed-in browser session still counts, shared by the page check (services/sessions.py) and every
service call's actor check (services/access.py), so both end a session for the same reasons.

A session ends when it was revoked (signed out in another tab or on another server), or when it was seen
longer ago than the idle limit. Its `last_seen_at` moves at most every HEARTBEAT seconds, so a check can find
a session idle up to that much early, never late.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db.models import UserSession
from services import audit
from services.actor import Actor

HEARTBEAT = 30
IDLE_MESSAGE = "You were signed out after a period of inactivity. Sign in again to carry on."


def idle_seconds() -> int:
    """CASEWORK_IDLE_MINUTES (default 30), read at each check. A decimal is allowed (0.5 is 30 seconds, so the
    browser test of the timeout waits half a minute, not a whole one); a value that is not a positive number
    means 30, and the limit is never under 15 seconds."""
    raw = os.environ.get("CASEWORK_IDLE_MINUTES", "30").strip()
    try:
        minutes = float(raw)
    except ValueError:
        minutes = 30.0
    if not math.isfinite(minutes) or minutes <= 0:
        minutes = 30.0
    return max(round(minutes * 60), 15)


def token_hash(token: str) -> str:
    """What the database keeps of a session's token (its sha256): a copy of the table signs no one in."""
    return hashlib.sha256(token.encode()).hexdigest()


def acting_in(actor: Actor, token: str | None) -> Actor:
    """`actor` acting in the browser session of `token` (None: in none), as sign-in, resume and the page check
    hand it to the pages: every service call then checks that session too (services/access.py)."""
    return replace(actor, session=token_hash(token) if token else None)


def is_idle(row: UserSession, now: datetime) -> bool:
    return now - row.last_seen_at > timedelta(seconds=idle_seconds())


def heartbeat_due(row: UserSession, now: datetime) -> bool:
    return now - row.last_seen_at > timedelta(seconds=HEARTBEAT)


def revoke(session: Session, row: UserSession, actor: Actor | None, reason: str, now: datetime) -> None:
    """Revoke the session and audit the sign-out, in the caller's transaction."""
    row.revoked_at, row.revoked_reason = now, reason
    audit.record(session, actor, "sign_out", entity_type="user", entity_id=row.user_id, after={"reason": reason})
