"""Discarding a run that recorded nothing on an SR (services/run_discard.py): it leaves My work, a new start makes a
new run, nothing on the SR changes, Insight counts it as left at its step, and a run that saved anything on an SR,
a stale screen or another team is refused with nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEvent, ServiceRequest
from domain.clock import uk_local, utcnow
from services import insight, insight_runs, run_context, run_discard, run_start, runs, work
from services.errors import ConflictError, DomainError, NotFound, PermissionDenied
from services.run_views import DISCARDED
from services.transaction import transaction
from tests.procedures.test_p5d import allocated_sr
from tests.procedures.walk import Walk, find_case, run_row


def p1_case(actor) -> int:
    return find_case(actor, financial_transition_complete=True)


def test_a_run_at_its_first_step_is_discarded_and_leaves_my_work(demo_db, actor_for):
    me = actor_for("caseworker")
    view = run_start.start_run(me, "P1", case_id=p1_case(me))
    assert view.can_discard
    assert view.run_id in {r.id for r in work.my_work(me).runs}

    title = run_discard.discard_run(me, view.run_id, expected_version=view.version)

    assert title == view.procedure_title
    after = run_context.view_run(me, view.run_id)
    assert after.status == DISCARDED
    assert not after.can_discard
    assert view.run_id not in {r.id for r in work.my_work(me).runs}
    with transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "run.discarded", AuditEvent.entity_id == view.run_id)
        ).one()
        assert event.actor_name == "caseworker"
        assert event.after == {"status": DISCARDED, "step": view.step.title}
    # Nothing more is recorded on it, and the words say why.
    with pytest.raises(DomainError, match="This procedure run was discarded, so nothing more can be recorded"):
        runs.submit_step(me, view.run_id, {"_checklist": list(view.step.checklist)}, expected_version=after.version)
    # Starting the procedure on the case again makes a new run, not the discarded one resumed.
    again = run_start.start_run(me, "P1", case_id=p1_case(me))
    assert again.run_id != view.run_id
    assert again.step.id == view.step.id


def test_a_run_that_saved_a_step_with_effects_is_not_discarded(demo_db, actor_for):
    me = actor_for("caseworker")
    walk = Walk(me, "P1", p1_case(me))
    answers = [
        {"query_reason": "Complaint", "query_summary": "Arrears 2010", "financial_transition_complete": True},
        {"information_found": True, "findings": "CSCS shows payments to March 2012"},
        {},
        {"segment_move": "No move needed"},
    ]
    for given in answers:  # P1 makes its SR once the findings are recorded: Discard is offered until then
        if run_row(walk.view.run_id).committed_steps:
            break
        assert walk.view.can_discard
        walk.answer(**given)
    assert run_row(walk.view.run_id).committed_steps
    assert not walk.view.can_discard
    before = run_row(walk.view.run_id)
    with pytest.raises(DomainError, match="already recorded something on an SR, so it cannot be discarded"):
        run_discard.discard_run(me, walk.view.run_id, expected_version=walk.view.version)
    after = run_row(walk.view.run_id)
    assert (after.status, after.version) == ("in_progress", before.version)


def test_a_stale_screen_or_another_team_cannot_discard(demo_db, actor_for):
    me = actor_for("caseworker")
    view = run_start.start_run(me, "P1", case_id=p1_case(me))
    moved = runs.check_page(
        me, view.run_id, {"_checklist": list(view.step.checklist)}, (), expected_version=view.version, next_page=1
    )
    assert moved
    stale = view.version - 1
    with pytest.raises(ConflictError):
        run_discard.discard_run(me, view.run_id, expected_version=stale)
    with pytest.raises((PermissionDenied, NotFound)):
        run_discard.discard_run(actor_for("ssst.caseworker"), view.run_id, expected_version=view.version)
    assert run_row(view.run_id).status == "in_progress"


def test_a_run_started_from_an_sr_is_discarded_and_the_sr_is_left_as_it_was(demo_db, actor_for):
    ssst = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(ssst)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        before = (sr.status, sr.owner_id, sr.version)
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id)
    assert sr_id in work.my_work(ssst).running  # the SR's button says Continue this run

    run_discard.discard_run(ssst, walk.view.run_id, expected_version=walk.view.version)

    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        assert (sr.status, sr.owner_id, sr.version) == before
    assert sr_id not in work.my_work(ssst).running  # worked afresh from My work: "Work this SR"
    again = Walk(ssst, "P5d", case_id, sr_id=sr_id)
    assert again.view.run_id != walk.view.run_id


def test_insight_counts_a_discarded_run_as_left_at_its_step_at_once(demo_db, actor_for):
    me, leader = actor_for("caseworker"), actor_for("teamleader")
    today: date = uk_local(utcnow()).date()

    def left_at_first_step() -> int:
        result = insight.insight(leader, today=today)
        p1 = [p for p in result.procedures if p.procedure_id == "P1"]
        counts = [s.abandoned or 0 for p in p1 for s in p.steps if s.step == view.step.id]
        return counts[0] if counts else 0  # a step nobody reached in the period is not listed

    view = run_start.start_run(me, "P1", case_id=p1_case(me))
    before = left_at_first_step()
    run_discard.discard_run(me, view.run_id, expected_version=view.version)
    assert left_at_first_step() == before + 1
    behind = insight_runs.runs_behind(leader, "P1", view.step.id, "abandoned", today=today)
    assert view.run_id in {r.run_id for r in behind}


def test_a_finished_or_discarded_run_refuses_back_and_change_saying_which(demo_db, actor_for):
    """Change on a finished run used to rewind it onto its own last step (a no-op with an audit event and a step
    event of its own); every answer, Back and Change now says the run is finished, or discarded."""
    me = actor_for("caseworker")
    walk = Walk(me, "P1", find_case(me, financial_transition_complete=False))
    walk.answer(query_reason="Complaint", query_summary="Arrears 2010", financial_transition_complete=False)
    walk.answer()
    assert walk.view.status == "finished"
    done = walk.view
    for call in (
        lambda: runs.go_back(me, done.run_id, expected_version=done.version),
        lambda: runs.change_answer(me, done.run_id, done.step.id, expected_version=done.version),
    ):
        with pytest.raises(DomainError, match="This procedure is finished; nothing more can be recorded on it."):
            call()
    assert run_row(done.run_id).version == done.version

    view = run_start.start_run(me, "P1", case_id=p1_case(me))
    run_discard.discard_run(me, view.run_id, expected_version=view.version)
    gone = run_context.view_run(me, view.run_id)
    with pytest.raises(DomainError, match="This procedure run was discarded"):
        runs.change_answer(me, gone.run_id, gone.step.id, expected_version=gone.version)
