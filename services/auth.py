"""Sign-in: local accounts with argon2 hashes, or an OIDC identity matched to a user by email.

Failed sign-ins are audited and say nothing about whether the username exists. Neither the
password nor an unknown username's text is ever recorded (see `attempted_account`).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from db.models import User
from services import audit
from services.actor import Actor
from services.errors import PermissionDenied
from services.transaction import transaction

_hasher = PasswordHasher()
BAD_SIGN_IN = "The username or password is not right."
MIN_PASSWORD = 10
# Verified against when the username does not exist, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def attempted_account(user: User | None) -> str:
    """How a failed sign-in names the account: the user's id when the username exists, otherwise "unknown".

    Never the typed text: people type passwords into the username box, and even a short unsalted
    digest of one could be guessed back from a word list.
    """
    return str(user.id) if user is not None else "unknown"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"A password needs at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def sign_in(username: str, password: str) -> Actor:
    """Return the actor for a right username and password; audit every attempt."""
    with transaction() as session:
        user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
        ok = _verify(user.password_hash if user else None, password) and user is not None and user.is_active
        if not ok or user is None:
            audit.record(session, None, "sign_in.failed", entity_type="user", entity_id=attempted_account(user))
            session.commit()
            raise PermissionDenied(BAD_SIGN_IN)
        actor = Actor.of(user)
        audit.record(session, actor, "sign_in", entity_type="user", entity_id=user.id)
        if _hasher.check_needs_rehash(user.password_hash or ""):
            user.password_hash = _hasher.hash(password)
        return actor


def sign_in_oidc(email: str | None) -> Actor:
    """Match an identity from the OIDC provider to an active local user by email."""
    if not email:
        raise PermissionDenied("Your sign-in did not include an email address; ask an administrator.")
    with transaction() as session:
        user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None or not user.is_active:
            audit.record(
                session, None, "sign_in.failed", entity_type="user", entity_id=email[:40], after={"via": "oidc"}
            )
            session.commit()
            raise PermissionDenied("There is no active Casework Guide account for " + email + "; ask an administrator.")
        actor = Actor.of(user)
        audit.record(session, actor, "sign_in", entity_type="user", entity_id=user.id, after={"via": "oidc"})
        return actor


def sign_out(actor: Actor, *, reason: str = "signed out") -> None:
    with transaction() as session:
        audit.record(session, actor, "sign_out", entity_type="user", entity_id=actor.user_id, after={"reason": reason})
