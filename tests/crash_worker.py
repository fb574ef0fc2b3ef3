"""A process that commits changes in a loop, for SIGKILL tests: `python -m tests.crash_worker KIND ARG`.

Each step prints `begin N` once its transaction has started writing and `committed N` after the
commit, then sleeps inside the next transaction, so a test that kills it right after `begin N`
lands the kill mid-transaction. Add a kind to STEPS for new work (e.g. a procedure step):
a function (session, actor, arg, n) that makes the step's changes inside the open transaction,
and a matching check in tests/integration/test_crash_safety.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ServiceRequest, User
from services import records
from services.actor import Actor
from services.transaction import transaction

PAUSE_INSIDE_TRANSACTION = 0.3


def sr_status_step(session: Session, actor: Actor, arg: str, n: int) -> None:
    """Move the SR between Open and In Progress, with the step number as the reason, and note it."""
    sr = session.scalar(select(ServiceRequest).where(ServiceRequest.number == arg))
    assert sr is not None
    records.set_status(session, actor, sr, "In Progress" if n % 2 == 0 else "Open", reason=f"crash step {n}")
    print(f"begin {n}", flush=True)
    time.sleep(PAUSE_INSIDE_TRANSACTION)  # half-applied: status and its audit row written, the note not yet
    records.add_note(session, actor, case=sr.case, sr=sr, text=f"crash step {n}")


STEPS: dict[str, Callable[[Session, Actor, str, int], None]] = {"sr-status": sr_status_step}


def main(kind: str, arg: str, username: str = "caseworker") -> None:
    step = STEPS[kind]
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        actor = Actor.of(user)
    print("ready", flush=True)
    n = 0
    while True:
        with transaction() as session:
            step(session, actor, arg, n)
        print(f"committed {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main(*sys.argv[1:])
