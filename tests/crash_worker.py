"""A process that commits changes in a loop, for SIGKILL tests: `python -m tests.crash_worker KIND ARG`.

Each step prints `begin N` once its transaction has started writing and `committed N` after the
commit, then sleeps inside the next transaction, so a test that kills it right after `begin N`
lands the kill mid-transaction. Add a kind to STEPS for new work (e.g. a procedure step):
a function (session, actor, arg, n) that makes the step's changes inside the open transaction,
and a matching check in tests/integration/test_crash_safety.py.

The kind `run-walk RUN_ID` drives a procedure run through the real services (services/runs.py), one
submit or confirm per transaction, answering from RUN_SCRIPT. The pause is a Session `before_commit`
hook: by then the service has flushed everything the step writes (run row, SRs, notes, deadlines,
audit events), so a kill after `begin N` leaves a fully written but uncommitted step behind.
After each commit it prints `committed N`, then `at STEP version V` (the step now shown, the run's version).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import ServiceRequest, User
from domain.clock import uk_local, utcnow
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


def run_script() -> dict[str, dict[str, Any]]:
    """Answers for every step of a P1 walk that touches each kind of effect: a new SR and its note, a
    review date (SR field and deadline), further notes, a second SR and closing the first."""
    return {
        "query_received": {
            "query_reason": "Complaint",
            "query_summary": "Arrears history 2010 to 2012 (crash walk)",
            "financial_transition_complete": True,
        },
        "search_legacy": {"information_found": False},
        "identify_csa_caseworker": {"held_on_closed_ccd": False, "csa_caseworker": "Sam Patel"},
        "call_csa_caseworker": {
            "given_on_call": False,
            "review_date": (uk_local(utcnow()).date() + timedelta(days=10)).isoformat(),
        },
        "chase_update": {"chase_answered": True, "update_findings": "Balance confirmed by email"},
        "consider_segment": {"segment_move": "Complaints - ICE", "segment_reason": "Escalated to ICE"},
    }


def run_action(actor: Actor, run_id: str) -> tuple[str, int] | None:
    """Do the run's next action (confirm what waits, or submit the step's scripted answers) in one
    transaction; return the step then shown and the run's version, or None when the run has finished."""
    from services import run_context, runs

    view = run_context.view_run(actor, run_id)
    if view.status == "finished":
        return None
    if view.awaiting_confirmation:
        view = runs.confirm_step(actor, run_id, expected_version=view.version)
    else:
        answers = {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}
        view = runs.submit_step(actor, run_id, answers, expected_version=view.version)
    return view.step.id, view.version


def _run_walk(actor: Actor, run_id: str) -> None:
    counter = {"n": 0}

    @event.listens_for(Session, "after_flush")
    def _wrote(session: Session, _context: object) -> None:
        session.info["wrote"] = True

    @event.listens_for(Session, "before_commit")
    def _pause(session: Session) -> None:
        if session.info.get("wrote"):
            session.flush()  # whatever is still pending is now written, uncommitted
            print(f"begin {counter['n']}", flush=True)
            time.sleep(PAUSE_INSIDE_TRANSACTION)

    print("ready", flush=True)
    while (done := run_action(actor, run_id)) is not None:
        print(f"committed {counter['n']}\nat {done[0]} version {done[1]}", flush=True)
        counter["n"] += 1
    print("finished", flush=True)


def main(kind: str, arg: str, username: str = "caseworker") -> None:
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        actor = Actor.of(user)
    if kind == "run-walk":
        _run_walk(actor, arg)
        return
    step = STEPS[kind]
    print("ready", flush=True)
    n = 0
    while True:
        with transaction() as session:
            step(session, actor, arg, n)
        print(f"committed {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main(*sys.argv[1:])
