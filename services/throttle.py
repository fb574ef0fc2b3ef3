"""Sign-in throttling per account and per source address: a growing delay, then a temporary lock.

An account (or a username that matches no account, throttled exactly alike so the two cannot be told
apart) may fail FREE_FAILURES times; after that each further attempt must wait twice as long as the one
before (1 s, 2 s, 4 s, ... at most MAX_DELAY), and LOCK_AFTER failures lock it for LOCK_MINUTES. A source
address gets the same with its own, larger, numbers (an office behind one address has many users). A
quiet LOCK_MINUTES forgets the failures; a successful sign-in forgets the account's; an administrator
can unlock at once (`python -m casework users unlock`, the Users page). An attempt made too early is
refused without checking the password, so guessing cannot go faster than the delay allows.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import SignInThrottle, User
from domain.clock import utcnow


@dataclass(frozen=True, slots=True)
class Policy:
    free_failures: int
    lock_after: int
    max_delay: int = 60
    lock_minutes: int = 15


ACCOUNT = Policy(free_failures=3, lock_after=10)
ADDRESS = Policy(free_failures=10, lock_after=40)


def account_key(user: User | None, username: str) -> str:
    """`user:<id>`, or for a name matching no account 20 bits of its digest (never the typed text)."""
    if user is not None:
        return f"user:{user.id}"
    return "name:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:5]


def address_key(address: str | None) -> str | None:
    return f"address:{address[:60]}" if address else None


def _policy(key: str) -> Policy:
    return ADDRESS if key.startswith("address:") else ACCOUNT


def delay_after(failures: int, policy: Policy) -> int:
    """Seconds the next attempt must wait after `failures` failures in a row."""
    if failures < policy.free_failures:
        return 0
    return min(2 ** (failures - policy.free_failures), policy.max_delay)


def _live(row: SignInThrottle | None, now: datetime) -> SignInThrottle | None:
    """The row, unless a quiet LOCK_MINUTES since its last failure has forgiven it."""
    if row is None or row.last_failure_at is None:
        return row
    policy = _policy(row.key)
    locked = row.locked_until is not None and row.locked_until > now
    if not locked and now - row.last_failure_at > timedelta(minutes=policy.lock_minutes):
        return None
    return row


def accounts_locked(session: Session, now: datetime | None = None) -> dict[int, datetime]:
    """The accounts locked now, by user id, with when each lock ends (for the Users page and an admin's Home)."""
    now = now or utcnow()
    rows = session.execute(
        select(SignInThrottle.key, SignInThrottle.locked_until).where(
            SignInThrottle.key.startswith("user:"), SignInThrottle.locked_until > now
        )
    )
    return {int(key.removeprefix("user:")): until for key, until in rows if until is not None}


def wait_seconds(session: Session, keys: list[str], now: datetime | None = None) -> int:
    """How long before any of `keys` may try again (0: now)."""
    now = now or utcnow()
    longest = 0.0
    for key in keys:
        row = _live(session.get(SignInThrottle, key), now)
        if row is None or row.last_failure_at is None:
            continue
        if row.locked_until is not None and row.locked_until > now:
            longest = max(longest, (row.locked_until - now).total_seconds())
            continue
        ready = row.last_failure_at + timedelta(seconds=delay_after(row.failures, _policy(key)))
        longest = max(longest, (ready - now).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def record_failure(session: Session, keys: list[str], now: datetime | None = None) -> list[str]:
    """Count a failure against each key; return the keys this failure locked."""
    now = now or utcnow()
    locked = []
    for key in keys:
        stored = session.get(SignInThrottle, key)
        row = _live(stored, now)
        if row is None:
            row = stored or SignInThrottle(key=key)
            row.failures, row.locked_until = 0, None
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        policy = _policy(key)
        if row.failures >= policy.lock_after and (row.locked_until is None or row.locked_until <= now):
            row.locked_until = now + timedelta(minutes=policy.lock_minutes)
            locked.append(key)
    return locked


def forget(session: Session, keys: list[str]) -> int:
    """Clear the failures of `keys` (a successful sign-in, or an administrator's unlock); how many were held."""
    if not keys:
        return 0
    result = session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))
    return int(getattr(result, "rowcount", 0) or 0)


def held(session: Session, key: str) -> bool:
    return session.scalar(select(SignInThrottle.key).where(SignInThrottle.key == key)) is not None


def wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"
