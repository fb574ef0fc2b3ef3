"""Sign-in: local accounts with argon2 hashes, or an OIDC identity matched to a user by email.

Failed sign-ins are audited and say nothing about whether the username exists. Neither the
password nor an unknown username's text is ever recorded (see `attempted_account`). Repeated failures
are slowed down and then locked per account and per source address (services/throttle.py), with the
same words, the same steps and the same argon2 work whether or not the username exists.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from db.models import User
from services import audit, sessions, throttle
from services.access import require_role
from services.actor import Actor
from services.errors import PermissionDenied, ValidationFailed
from services.session_rules import acting_in
from services.transaction import transaction

# The test suite's switch (tests/conftest.py sets it): argon2-cffi's CHEAPEST profile, which the library keeps for
# tests. A production hash is about 0.3 s of CPU; the suite verifies passwords some hundreds of times (sign-in
# throttling alone about 150), which cost about a minute and a half of its 15 on 2 cores. Still real argon2id, real
# verification, the same code paths; any other value, or none, is the production profile.
FAST_HASHES_FOR_TESTS = "CASEWORK_TEST_FAST_PASSWORD_HASHES"


def new_hasher(fast_for_tests: str | None) -> PasswordHasher:
    """argon2-cffi's default (RFC 9106's low-memory profile: argon2id, 3 passes, 64 MiB, 4 lanes), or its
    CHEAPEST profile only when `fast_for_tests` is exactly "1"."""
    if fast_for_tests == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@functools.cache
def _hasher() -> PasswordHasher:
    return new_hasher(os.environ.get(FAST_HASHES_FOR_TESTS))


BAD_SIGN_IN = "The username or password is not right."
THROTTLED = (
    "There have been too many sign-in attempts. Wait {wait} and try again, or ask an administrator to "
    "unlock your account."
)


class SignInThrottled(PermissionDenied):
    """Too many failures for this account or address: the password was not even checked."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    token: str | None  # for the browser's session cookie; None when no session was asked for


MIN_PASSWORD = 10


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username does not exist, so both paths take the same time. Made at the first
    such sign-in, not at import: one Argon2 hash is about 0.3 s of CPU (and 64 MiB), which every process that
    imports this module paid at start, each command line run and each server included."""
    return _hasher().hash("not-a-real-password")


def attempted_account(user: User | None) -> str:
    """How a failed sign-in names the account: the user's id when the username exists, otherwise "unknown".

    Never the typed text: people type passwords into the username box, and even a short unsalted
    digest of one could be guessed back from a word list.
    """
    return str(user.id) if user is not None else "unknown"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"A password needs at least {MIN_PASSWORD} characters.")
    return _hasher().hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def sign_in(username: str, password: str, *, address: str | None = None) -> Actor:
    """Return the actor for a right username and password; audit every attempt (headless: no session)."""
    return _sign_in(username, password, address=address, open_session=False).actor


def start_session(username: str, password: str, *, address: str | None = None) -> SignedIn:
    """Sign in and open a server-side session whose token the browser keeps (services/sessions.py)."""
    return _sign_in(username, password, address=address, open_session=True)


_BY_USERNAME = select(User).options(undefer(User.password_hash))  # the user row with its hash (db/models.py)


def _sign_in(username: str, password: str, *, address: str | None, open_session: bool) -> SignedIn:
    with transaction() as session:
        # The hash comes with the row (deferred elsewhere): a known name must not cost one read more than an unknown one
        user = session.scalar(_BY_USERNAME.where(func.lower(User.username) == username.strip().lower()))
        keys = [throttle.account_key(user, username)]
        if (by_address := throttle.address_key(address)) is not None:
            keys.append(by_address)
        if wait := throttle.wait_seconds(session, keys):
            audit.record(
                session, None, "sign_in.throttled", entity_type="user", entity_id=attempted_account(user),
                after={"wait_seconds": wait},
            )  # fmt: skip
            session.commit()
            raise SignInThrottled(THROTTLED.format(wait=throttle.wait_words(wait)))
        ok = _verify(user.password_hash if user else None, password) and user is not None and user.is_active
        if not ok or user is None:
            locked = throttle.record_failure(session, keys)
            audit.record(session, None, "sign_in.failed", entity_type="user", entity_id=attempted_account(user))
            for key in locked:
                what = "address" if key.startswith("address:") else "account"
                audit.record(session, None, "sign_in.locked", entity_type=what, entity_id=_key_id(key, user))
            session.commit()
            raise PermissionDenied(BAD_SIGN_IN)
        throttle.forget(session, keys[:1])
        actor = Actor.of(user)
        audit.record(session, actor, "sign_in", entity_type="user", entity_id=user.id)
        if _hasher().check_needs_rehash(user.password_hash or ""):
            user.password_hash = _hasher().hash(password)
        token = sessions.start(session, actor) if open_session else None
        return SignedIn(acting_in(actor, token), token)


def _key_id(key: str, user: User | None) -> str:
    """What the audit trail names for a locked key: the account id, "unknown", or the address."""
    if key.startswith("address:"):
        return key.removeprefix("address:")[:40]
    return attempted_account(user)


def unlock(actor: Actor | None, *, username: str | None = None, address: str | None = None) -> int:
    """An administrator lifts a sign-in lock (and the delay) on an account or a source address; audited."""
    with transaction() as session:
        if actor is not None:
            require_role(session, actor, "admin", action="unlock sign-ins")
        keys: list[str] = []
        entity = ("address", address or "")
        if username:
            user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
            if user is None:
                raise ValidationFailed({"username": f"There is no user called '{username}'."})
            keys.append(throttle.account_key(user, username))
            entity = ("user", str(user.id))
        if address and (key := throttle.address_key(address)):
            keys.append(key)
        cleared = throttle.forget(session, keys)
        audit.record(session, actor, "sign_in.unlocked", entity_type=entity[0], entity_id=entity[1][:40],
                     after={"cleared": cleared})  # fmt: skip
        return cleared


def sign_in_oidc(email: str | None) -> SignedIn:
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
        token = sessions.start(session, actor)
        return SignedIn(acting_in(actor, token), token)


def sign_out(actor: Actor, *, reason: str = "signed out", token: str | None = None) -> None:
    """End this browser's session (revoked on every server) and audit it."""
    sessions.end(token, actor, reason=reason)
