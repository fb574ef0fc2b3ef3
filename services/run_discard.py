"""Discard a procedure run that has recorded nothing on an SR: started by mistake, on the wrong case, or for an SR
that already existed (the open-SR caution on SSST's first steps says to leave such a run).

Why: before this, a run opened and left at its first step stayed in the caseworker's "Procedures in progress" and
among the team leader's stuck runs for good, with nothing anyone could do about it (QA, 7 December 2026).

What it does: the run's status becomes discarded (the schema's `abandoned`, run_views.DISCARDED); its answers and
its audit trail are kept, nothing on any SR changes (there is nothing of the run's there: `discard_refusal`), and
the case or SR is free for the procedure to be started again. A run that saved a step with effects (an SR made or
changed, a letter, an email, a deadline) or stored a PDF cannot be discarded: it must be carried on, and Back
already stops before what it saved. Insight counts a discarded run as left at the step it was discarded from.
"""

from __future__ import annotations

from domain.clock import utcnow
from services import audit
from services.actor import Actor
from services.errors import DomainError
from services.run_context import load_run
from services.run_views import DISCARDED, discard_refusal, run_step
from services.runs import check_holder
from services.transaction import expect_version, transaction


def discard_run(actor: Actor, run_id: str, *, expected_version: int) -> str:
    """Discard the run if nothing of it is on an SR; returns the procedure's title (so a caller that gets None from a
    refused call, as `ui.actions.run_action` does, can tell the two apart).

    Whoever may work the run may discard it (the same check as a save), from the screen they saw: a run moved on
    meanwhile (another tab, a colleague) is refused as stale, as a save would be."""
    with transaction(writes=True) as session:
        run, procedure, case = load_run(session, actor, run_id, "discard this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        check_holder(session, actor, run, procedure)  # an SR allocated to someone else: the run is theirs
        refusal = discard_refusal(run)
        if refusal is not None:
            raise DomainError(refusal)
        step = run_step(procedure, run)
        run.status, run.finished_at, run.pending_step, run.return_to_summary = DISCARDED, utcnow(), None, False
        audit.record(
            session,
            actor,
            "run.discarded",
            entity_type="procedure_run",
            entity_id=run.id,
            case_id=case.id,
            sr_id=run.sr_id,
            before={"status": "in_progress", "state": run.state},
            after={"status": DISCARDED, "step": step.title},
        )
        return procedure.title
