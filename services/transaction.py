"""One transaction per user action: commit on success, roll back on any error, never half-done."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import begin_read_only, session_factory, take_write_lock
from services.errors import ConflictError

CONFLICT_MESSAGE = (
    "A change to this record was saved after you opened it (by someone else, or by you in another tab or window), "
    "so your change was not saved. "
    "Reload to see the change, then try again."
)


@contextmanager
def transaction(*, read_only: bool = False, writes: bool = False) -> Iterator[Session]:
    """Yield a Session; commit when the block ends normally, roll back when it raises.

    `read_only=True` for a call that only reads: on SQLite it then never waits for the write lock (a
    write in it raises instead). An access refusal still audits, in a new writing transaction.
    `writes=True` for a call that writes whenever it succeeds (a wizard step saved, Back): it takes the write
    lock before its first read, so on PostgreSQL BEGIN goes out with the lock (one round trip less, see
    db/pg_begin.py) and what it reads cannot change under it. A refusal then held the lock for its reads only.
    """
    session = session_factory()()
    try:
        if read_only:
            begin_read_only(session)
        elif writes:
            take_write_lock(session)
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(CONFLICT_MESSAGE) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class Versioned(Protocol):
    """A row with a version counter (an SR, a run, a practice run)."""

    version: int


def expect_version(row: Versioned, expected: int | None, *, what: str) -> None:
    """Refuse a change made from a screen that showed an older version of `row` than the database holds."""
    current = row.version
    if expected is not None and current != expected:
        raise ConflictError(
            f"{what} was changed after you opened it, by someone else or by you in another tab or window. "
            "Reload to see the change, then try again.",
            seen=expected,
            saved=current,
        )
