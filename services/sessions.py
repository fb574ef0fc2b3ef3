"""Server-side sessions: a reload, a new tab or a bookmark resumes the signed-in user, revocably.

The browser holds a random token in a cookie; the database holds only its sha256 with the user, the
user's session generation at sign-in, when it was last seen and whether it was revoked. A session
resumes only while it is unrevoked, seen within the idle limit, and its user is active with the same
generation: a password reset, deactivation or role or team change bumps the generation, so every
session of that user ends at its next page view on every server, with nothing to broadcast.

`last_seen_at` is written at most once every HEARTBEAT seconds per session (not at every click), so a
reload can find a session idle up to that much early, never late.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import User, UserSession
from domain.clock import utcnow
from services import audit
from services.access import SESSION_ENDED, still_current
from services.actor import Actor
from services.errors import SessionEnded
from services.transaction import transaction

COOKIE = "casework_session"
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


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, actor: Actor) -> str:
    """Record a new session for `actor` inside the sign-in's transaction; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_digest(token), user_id=actor.user_id, generation=actor.generation))
    return token


def _idle(row: UserSession, now: datetime) -> bool:
    return now - row.last_seen_at > timedelta(seconds=idle_seconds())


def _end(session: Session, row: UserSession, actor: Actor | None, reason: str, now: datetime) -> None:
    row.revoked_at, row.revoked_reason = now, reason
    audit.record(session, actor, "sign_out", entity_type="user", entity_id=row.user_id, after={"reason": reason})


def resume(token: str | None) -> tuple[Actor | None, str | None]:
    """The actor a cookie's token still signs in, or None with the message to show (None: say nothing)."""
    if not token:
        return None, None
    now = utcnow()
    with transaction() as session:
        row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
        if row is None or row.revoked_at is not None:
            return None, None
        user = session.get_one(User, row.user_id)
        actor = Actor.of(user)
        if _idle(row, now):
            _end(session, row, actor, "idle timeout", now)
            return None, IDLE_MESSAGE
        if not still_current(user, actor) or row.generation != actor.generation:
            _end(session, row, actor, "access ended", now)
            return None, SESSION_ENDED
        row.last_seen_at = now
        audit.record(session, actor, "session.resumed", entity_type="user", entity_id=user.id)
        return actor, None


def check(actor: Actor, token: str | None) -> Actor:
    """Every page view: the actor again from the database, or SessionEnded (the session is then revoked).

    Refuses a deactivated user, a password reset, a role or team change since sign-in, a revoked session
    (signed out in another tab or on another server) and a session idle in every tab. Returns a fresh
    Actor, so a new display name shows at once.
    """
    now = utcnow()
    # Every page view runs this, so it reads first in a read-only transaction (on SQLite it never waits
    # for a writer); only an ending session or a due heartbeat, at most every HEARTBEAT seconds, writes.
    with transaction(read_only=True) as session:
        user = session.get(User, actor.user_id)
        row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token))) if token else None
        if token and (row is None or row.revoked_at is not None):
            raise SessionEnded(SESSION_ENDED)
        quiet = (
            user is not None
            and still_current(user, actor)
            and (row is None or (not _idle(row, now) and now - row.last_seen_at <= timedelta(seconds=HEARTBEAT)))
        )
        if quiet and user is not None:
            return Actor.of(user)
    return _check_and_record(actor, token, now)


def _check_and_record(actor: Actor, token: str | None, now: datetime) -> Actor:
    """`check` when something is to be written: the session ended (revoked and audited) or its heartbeat."""
    with transaction() as session:
        user = session.get(User, actor.user_id)
        row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token))) if token else None
        if token and (row is None or row.revoked_at is not None):
            raise SessionEnded(SESSION_ENDED)
        if row is not None and _idle(row, now):
            _end(session, row, actor, "idle timeout", now)
            session.commit()
            raise SessionEnded(IDLE_MESSAGE)
        if not still_current(user, actor):
            if row is not None:
                _end(session, row, actor, "access ended", now)
            else:
                audit.record(
                    session, actor, "sign_out", entity_type="user", entity_id=actor.user_id,
                    after={"reason": "access ended"},
                )  # fmt: skip
            session.commit()
            raise SessionEnded(SESSION_ENDED)
        if row is not None and now - row.last_seen_at > timedelta(seconds=HEARTBEAT):
            row.last_seen_at = now
            session.info["unaudited"] = "session heartbeat"  # not a change of record; see tests/audit_guard.py
        if user is None:  # still_current said so; kept as a refusal, not an assert, so -O cannot drop it
            raise SessionEnded(SESSION_ENDED)
        return Actor.of(user)


def end(token: str | None, actor: Actor, *, reason: str) -> None:
    """Sign out: revoke this browser's session (every tab sharing its cookie) and audit it."""
    now = utcnow()
    with transaction() as session:
        row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token))) if token else None
        if row is not None and row.revoked_at is None:
            _end(session, row, actor, reason, now)
        else:
            audit.record(
                session, actor, "sign_out", entity_type="user", entity_id=actor.user_id, after={"reason": reason}
            )


def end_all(session: Session, user: User, *, reason: str) -> None:
    """Inside an administrator's change to `user`: bump the generation and revoke every open session of theirs."""
    user.session_generation = (user.session_generation or 0) + 1
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def live_user(token: str | None) -> int | None:
    """The id of the user this cookie's token still signs in, else None. For the download guard (serve.py).

    Someone only for an unrevoked session, seen within the idle limit, of an active user whose generation is
    the one it started with: the same test `resume` applies, without its writes or audit (a download is not
    a page view; the page that offered it already checked and audited the user).
    """
    if not token:
        return None
    now = utcnow()
    with transaction(read_only=True) as session:
        row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
        if row is None or row.revoked_at is not None or _idle(row, now):
            return None
        user = session.get(User, row.user_id)
        live = user is not None and user.is_active and (user.session_generation or 0) == row.generation
        return row.user_id if live else None
