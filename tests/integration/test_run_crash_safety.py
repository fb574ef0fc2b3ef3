"""SIGKILL in the middle of a procedure step: no committed step lost, nothing of the killed step applied,
the audit chain intact, and the run carries on from where it stood.

A reference walk of the same script on the same case, done first without a crash, gives what the
database must hold after each committed step; the killed run must match the reference exactly at its
last committed step, and, once resumed, at the end.
"""

import json
import re
import sqlite3
from collections import Counter

import pytest
from sqlalchemy import or_, select

from db.engine import engine_for
from db.models import AuditEvent, Deadline, ProcedureRun, ServiceRequest
from services import run_outcomes, run_start
from services.audit import verify_chain
from services.transaction import transaction
from tests.crash_worker import run_action
from tests.integration.test_crash_safety import run_and_kill
from tests.procedures.walk import find_case

SR_NUMBER = re.compile(r"\b1-\d{8}\b")


def snapshot(run_id: str) -> dict:
    """The run and everything it recorded, without ids and SR numbers, so two runs can be compared."""
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        ids = set(run.sr_refs.values())
        by_id = {sr_id: ref for ref, sr_id in run.sr_refs.items()}
        srs = {}
        for ref, sr_id in run.sr_refs.items():
            sr = session.get_one(ServiceRequest, sr_id)
            srs[ref] = (
                sr.process,
                sr.area,
                sr.sub_area,
                sr.status,
                sr.sub_status,
                sr.resolution_code,
                by_id.get(sr.parent_id),
                sr.review_date,
                sr.version,
                tuple((a.name, a.done, a.outcome) for a in sr.activities),
                tuple(n.text for n in sr.notes),
            )
        deadlines = session.execute(
            select(Deadline.sr_id, Deadline.kind, Deadline.due_at, Deadline.explanation)
            .where(Deadline.sr_id.in_(ids))
            .order_by(Deadline.id)
        ).all()
        events = session.scalars(
            select(AuditEvent.action).where(or_(AuditEvent.entity_id == run.id, AuditEvent.sr_id.in_(ids)))
        ).all()
        return {
            "state": run.state,
            "status": run.status,
            "history": list(run.history),
            "committed_steps": run.committed_steps,
            "version": run.version,
            # The CMS lines saved with each step name the SRs by number (which differ between two walks).
            "answers": dict(run.answers),
            "pending_step": run.pending_step,
            "checklists": dict(run.checklists),
            "changed_answers": list(run.changed_answers),
            "cms_saved": json.loads(SR_NUMBER.sub("<SR number>", json.dumps(run.cms_saved, sort_keys=True))),
            "allocated_refs": list(run.allocated_refs),
            "srs": srs,
            "deadlines": [(by_id[sr_id], kind, due, text) for sr_id, kind, due, text in deadlines],
            "audit": Counter(events),
        }


def orphan_srs(case_id: int, after_id: int) -> list[str]:
    """SRs created on the case since `after_id` that no run holds: what a half-applied step would leave."""
    with transaction() as session:
        held = {i for refs in session.scalars(select(ProcedureRun.sr_refs)) for i in refs.values()}
        created = session.execute(
            select(ServiceRequest.id, ServiceRequest.number).where(
                ServiceRequest.case_id == case_id, ServiceRequest.id > after_id
            )
        ).all()
        return [number for sr_id, number in created if sr_id not in held]


def reference_walk(actor, case_id: int) -> list[dict]:
    """Walk the script without a crash; the snapshot after every committed action."""
    run_id = run_start.start_run(actor, "P1", case_id=case_id).run_id
    after = []
    while run_action(actor, run_id) is not None:
        after.append(snapshot(run_id))
    return after


# 1: the confirm that creates the main SR and its note; 5: the confirm of a note plus a review date and its deadline
# (a date checked before it saves: the submit before it, 4, only keeps the answers); 9: the confirm that creates the
# segment SR, notes it, closes the main SR and finishes the run (the chase's typed note waits on check your answers
# since the eighth session: 6 submits it, 7 confirms it).
@pytest.mark.parametrize("kill_at", [1, 5, 9])
def test_sigkill_mid_step_keeps_committed_steps_applies_none_of_the_killed_one_and_the_run_resumes(
    demo_db, actor_for, kill_at
):
    actor = actor_for("caseworker")
    case_id = find_case(actor, financial_transition_complete=True)
    with transaction() as session:
        last_sr = session.scalar(select(ServiceRequest.id).order_by(ServiceRequest.id.desc()).limit(1))
    reference = reference_walk(actor, case_id)
    assert len(reference) == 10
    assert reference[-1]["status"] == "finished"
    assert reference[kill_at] != reference[kill_at - 1]  # the killed step would have changed something
    assert len(reference[5]["deadlines"]) == len(reference[4]["deadlines"]) + 1  # 5 confirms the review date

    run_id = run_start.start_run(actor, "P1", case_id=case_id).run_id
    engine_for(demo_db.url).dispose()
    committed = run_and_kill(demo_db.url, "run-walk", run_id, kill_after=kill_at)
    assert committed == kill_at - 1

    if demo_db.kind == "sqlite":
        with sqlite3.connect(demo_db.url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()

    # Exactly what the reference had after the same committed steps: nothing lost, nothing of the killed step.
    assert snapshot(run_id) == reference[committed]
    assert orphan_srs(case_id, last_sr) == []
    with transaction() as session:
        assert verify_chain(session).ok

    # The run resumes from where it stood and ends exactly like the uninterrupted walk.
    while run_action(actor, run_id) is not None:
        pass
    assert snapshot(run_id) == reference[-1]
    outcome = run_outcomes.run_outcome(actor, run_id)
    assert outcome.srs["main"].status == "Closed"
    assert outcome.srs["segment"].parent_number == outcome.srs["main"].number
    assert orphan_srs(case_id, last_sr) == []
    with transaction() as session:
        assert verify_chain(session).ok
