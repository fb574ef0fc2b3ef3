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

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import User, UserSession
from domain.clock import utcnow
from services import audit
from services.access import SESSION_ENDED, still_current, user_and_session
from services.actor import Actor
from services.errors import SessionEnded
from services.session_rules import IDLE_MESSAGE, acting_in, heartbeat_due, is_idle, revoke, token_hash
from services.transaction import transaction

COOKIE = "casework_session"


def start(session: Session, actor: Actor) -> str:
    """Record a new session for `actor` inside the sign-in's transaction; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=token_hash(token), user_id=actor.user_id, generation=actor.generation))
    return token


def resume(token: str | None) -> tuple[Actor | None, str | None]:
    """The actor a cookie's token still signs in, or None with the message to show (None: say nothing)."""
    if not token:
        return None, None
    now = utcnow()
    with transaction() as session:
        row = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
        if row is None or row.revoked_at is not None:
            return None, None
        user = session.get_one(User, row.user_id)
        actor = Actor.of(user)
        if is_idle(row, now):
            revoke(session, row, actor, "idle timeout", now)
            return None, IDLE_MESSAGE
        if not still_current(user, actor) or row.generation != actor.generation:
            revoke(session, row, actor, "access ended", now)
            return None, SESSION_ENDED
        row.last_seen_at = now
        audit.record(session, actor, "session.resumed", entity_type="user", entity_id=user.id)
        return acting_in(actor, token), None


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
        user, row = user_and_session(session, actor.user_id, token_hash(token) if token else None)
        if token and (row is None or row.revoked_at is not None):
            raise SessionEnded(SESSION_ENDED)
        quiet = (
            user is not None
            and still_current(user, actor)
            and (row is None or (not is_idle(row, now) and not heartbeat_due(row, now)))
        )
        if quiet and user is not None:
            return acting_in(Actor.of(user), token)
    return _check_and_record(actor, token, now)


def _check_and_record(actor: Actor, token: str | None, now: datetime) -> Actor:
    """`check` when something is to be written: the session ended (revoked and audited) or its heartbeat."""
    with transaction() as session:
        user, row = user_and_session(session, actor.user_id, token_hash(token) if token else None)
        if token and (row is None or row.revoked_at is not None):
            raise SessionEnded(SESSION_ENDED)
        if row is not None and is_idle(row, now):
            revoke(session, row, actor, "idle timeout", now)
            session.commit()
            raise SessionEnded(IDLE_MESSAGE)
        if not still_current(user, actor):
            if row is not None:
                revoke(session, row, actor, "access ended", now)
            else:
                audit.record(
                    session, actor, "sign_out", entity_type="user", entity_id=actor.user_id,
                    after={"reason": "access ended"},
                )  # fmt: skip
            session.commit()
            raise SessionEnded(SESSION_ENDED)
        if row is not None and heartbeat_due(row, now):
            row.last_seen_at = now
            session.info["unaudited"] = "session heartbeat"  # not a change of record; see tests/audit_guard.py
        if user is None:  # still_current said so; kept as a refusal, not an assert, so -O cannot drop it
            raise SessionEnded(SESSION_ENDED)
        return acting_in(Actor.of(user), token)


def end(token: str | None, actor: Actor, *, reason: str) -> None:
    """Sign out: revoke this browser's session (every tab sharing its cookie) and audit it."""
    now = utcnow()
    with transaction() as session:
        row = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token))) if token else None
        if row is not None and row.revoked_at is None:
            revoke(session, row, actor, reason, now)
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
        row = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
        if row is None or row.revoked_at is not None or is_idle(row, now):
            return None
        user = session.get(User, row.user_id)
        live = user is not None and user.is_active and (user.session_generation or 0) == row.generation
        return row.user_id if live else None
