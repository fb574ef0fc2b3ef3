"""The team leader's SR timeline (services/sr_timeline.py), as QA found it misleading on 7 December 2026: a review
date read as two things, a close gave its Sub Status as a plain value, and the steps a run saved before it made its
SR were missing. Each test reads the sentences SR detail shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, ProcedureRun, ServiceRequest
from domain.clock import format_date, uk_local, utcnow
from services import records, reference
from services.sr_view import sr_full_view
from services.transaction import transaction
from tests.integration.test_recorded_sub_status import COMPLETE
from tests.procedures import test_p2
from tests.procedures.test_p1 import start as start_p1
from tests.procedures.walk import Walk, csa_case_to_transition

SUGGESTED = "suggested, not confirmed"  # the panel's "Suggestion, not confirmed by ...", shortened


def _main_sr(run_id: str) -> ServiceRequest:
    with transaction() as session:
        sr = session.get_one(ServiceRequest, session.get_one(ProcedureRun, run_id).sr_id)
        session.expunge(sr)
        return sr


def test_a_review_date_is_one_entry_and_both_its_audit_events_stay_in_the_trail(demo_db, actor_for):
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    walk = start_p1(caseworker)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    today = uk_local(utcnow()).date()
    walk.answer(given_on_call=False, review_date=(today + timedelta(days=7)).isoformat())
    first = _main_sr(walk.view.run_id).review_date  # the next working day in the case's region
    walk.answer(chase_answered=False, next_review_date=(today + timedelta(days=21)).isoformat())
    sr = _main_sr(walk.view.run_id)

    told = [
        e for e in sr_full_view(leader, sr.id).timeline if e.action in ("sr.updated", "deadline.set", "deadline.done")
    ]
    assert [e.text for e in told] == [
        f"Review date changed from {format_date(first)} to {format_date(sr.review_date)} and added to the deadlines "
        f"(overdue from 09:00 that day) by Demo Caseworker",
        'Deadline "Review date" met by Demo Caseworker',
        f"Review date set for {format_date(first)} and added to the deadlines (overdue from 09:00 that day) "
        f"by Demo Caseworker",
    ]
    assert [(e.action, e.also) for e in told] == [
        ("sr.updated", ("deadline.set",)),
        ("deadline.done", ()),
        ("sr.updated", ("deadline.set",)),
    ]
    with transaction() as session:  # the timeline tells two events as one; the audit trail keeps both
        kept = session.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.sr_id == sr.id, AuditEvent.action.in_(("sr.updated", "deadline.set")))
            .group_by(AuditEvent.action)
        ).all()
    assert dict(kept) == {"sr.updated": 2, "deadline.set": 2}


def test_a_close_says_its_sub_status_as_sr_detail_lists_it_under_in_cms(demo_db, actor_for):
    """P2 closes its SR "Complete", a Sub Status its seed never names: a suggestion, on the timeline as in "In CMS"."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    walk = Walk(caseworker, "P2", csa_case_to_transition(caseworker))
    test_p2.to_notes(walk)
    walk.answer(routes=[])
    view = sr_full_view(leader, _main_sr(walk.view.run_id).id)
    (close,) = [e for e in view.timeline if e.action == "sr.status" and "to Closed" in e.text]
    assert close.text == (
        f"Status changed from In Progress to Closed; {SUGGESTED}: Sub Status Complete, Resolution Code "
        f"Information Provided by Kim Lee"
    )
    assert view.sub_status is not None
    assert view.resolution_code is not None  # the same values, as "In CMS" gives them: suggestions
    assert (view.sub_status.suggestion, view.resolution_code.suggestion) == ("Complete", "Information Provided")
    assert not [e.text for e in view.timeline if "(Complete)" in e.text or "Closed (" in e.text]


def test_a_sub_status_confirmed_before_the_close_is_said_as_the_panels_exact_line(demo_db, actor_for):
    caseworker, leader, policy = actor_for("caseworker"), actor_for("teamleader"), actor_for("policy")
    reference.confirm(policy, COMPLETE)
    walk = Walk(caseworker, "P2", csa_case_to_transition(caseworker))
    test_p2.to_notes(walk)
    walk.answer(routes=[])
    view = sr_full_view(leader, _main_sr(walk.view.run_id).id)
    (close,) = [e for e in view.timeline if e.action == "sr.status" and "to Closed" in e.text]
    assert close.text == (
        "Status changed from In Progress to Closed; in CMS: Sub Status = Complete; "
        f"{SUGGESTED}: Resolution Code Information Provided by Kim Lee"
    )
    assert view.sub_status is not None
    assert view.sub_status.text == "Sub Status = Complete"


def test_an_earlier_close_keeps_its_words_once_the_sr_is_reopened(demo_db, actor_for):
    """Closed outside a run (as the demo data is), then reopened: nothing says a procedure published its Sub Status."""
    leader = actor_for("teamleader")
    with transaction() as session:
        sr = next(
            sr
            for sr in session.scalars(
                select(ServiceRequest)
                .where(ServiceRequest.team_id == leader.team_id, ServiceRequest.status == "In Progress")
                .order_by(ServiceRequest.id)
            )
            if not (sr.case.sensitive or sr.case.nationally_sensitive)
        )
        sr_id = sr.id
        records.set_status(session, None, sr, "Closed", "Cancelled")
        records.set_status(session, None, sr, "In Progress")
    reopened, closed = [e for e in sr_full_view(leader, sr_id).timeline if e.action == "sr.status"][:2]
    assert reopened.text == "Status changed from Closed to In Progress by the system"
    assert closed.text == (
        f"Status changed from In Progress to Closed; {SUGGESTED}: Sub Status Cancelled by the system"
    )


@pytest.fixture
def p2_routed(demo_db, actor_for) -> Walk:
    """P2 makes its SR at its third step (the hand-over), then routes an appeal to an SR of its own."""
    caseworker = actor_for("caseworker")
    walk = Walk(caseworker, "P2", csa_case_to_transition(caseworker))
    test_p2.to_notes(walk)
    walk.answer(routes=["Outstanding appeal"])
    return walk


def test_the_steps_a_run_saved_before_it_made_its_sr_are_on_that_srs_timeline(p2_routed, actor_for):
    main = _main_sr(p2_routed.view.run_id)
    oldest = list(reversed(sr_full_view(actor_for("teamleader"), main.id).timeline))
    assert [e.text for e in oldest[:3]] == [
        "Procedure P2 (CSA Scheme Information Received - Update CMS) started by Demo Caseworker",
        'Step "Check the outstanding CSA actions" saved; next step "Identify the CMS owning caseworker" '
        "by Demo Caseworker",
        'Step "Identify the CMS owning caseworker" saved; next step "Advise the owning caseworker" by Demo Caseworker',
    ]
    with transaction() as session:  # saved before the SR existed: their events name no SR, and stay so
        before = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == p2_routed.view.run_id, AuditEvent.sr_id.is_(None))
            .order_by(AuditEvent.id)
        ).all()
    assert before[:3] == ["run.started", "run.step", "run.step"]


def test_another_srs_events_stay_off_the_timeline(p2_routed, actor_for):
    """The appeal SR the run made is told on its own page, not on the run's SR; and its page shows no run steps."""
    leader = actor_for("teamleader")
    main = _main_sr(p2_routed.view.run_id)
    with transaction() as session:
        (appeal_id,) = session.scalars(select(ServiceRequest.id).where(ServiceRequest.parent_id == main.id)).all()
    mains = sr_full_view(leader, main.id).timeline
    (created,) = [e for e in mains if e.action == "sr.created"]  # its own, not the appeal's
    assert created.text == "Service request created, allocated to Kim Lee by Demo Caseworker"
    assert not [e.text for e in mains if main.number in e.text]  # "created under SR <this one>": the appeal's
    appeal = sr_full_view(leader, appeal_id).timeline
    assert [e.text for e in appeal] == [f"Service request created under SR {main.number} by Kim Lee"]
