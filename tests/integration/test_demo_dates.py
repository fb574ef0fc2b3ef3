"""The demo data's dates agree with each other, as a team leader reads them on SR detail (QA, 7 December: an SR
"created 7 October" whose timeline said "Service request created" today, and a review date recorded on a day after
it had passed). Each demo SR is made as of its own moment (domain.clock.as_of), its procedure runs too."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework import demo_runs
from db.models import AuditEvent, Deadline, ProcedureRun, ServiceRequest
from domain.clock import utcnow
from services import audit, console, work
from services.transaction import transaction
from services.views import BegunFrom

SECOND = timedelta(seconds=1)  # the audit trail keeps whole seconds


def _disagreements() -> list[str]:
    """Each SR whose events, deadlines, closing or runs contradict its creation or today, in words."""
    found: list[str] = []
    now = utcnow()
    with transaction() as session:
        for sr in session.scalars(select(ServiceRequest)):
            events = session.execute(select(AuditEvent.action, AuditEvent.at).where(AuditEvent.sr_id == sr.id)).all()
            created = [at for action, at in events if action == "sr.created"]
            if len(created) != 1 or abs(created[0] - sr.created_at) > SECOND:
                found.append(f"{sr.number}: created {sr.created_at}, its sr.created event at {created}")
            found += [
                f"{sr.number}: {a} at {at}, before it was made" for a, at in events if at < sr.created_at - SECOND
            ]
            found += [f"{sr.number}: {a} at {at}, in the future" for a, at in events if at > now]
            if sr.closed_at is not None and sr.closed_at < sr.created_at:
                found.append(f"{sr.number}: closed {sr.closed_at}, before it was made")
            for deadline in session.scalars(select(Deadline).where(Deadline.sr_id == sr.id)):
                set_at = session.scalar(
                    select(AuditEvent.at).where(
                        AuditEvent.action == "deadline.set", AuditEvent.entity_id == str(deadline.id)
                    )
                )
                if set_at is None or set_at >= deadline.due_at:
                    found.append(f"{sr.number}: {deadline.kind} due {deadline.due_at} set at {set_at}")
        for run in session.scalars(select(ProcedureRun).where(ProcedureRun.sr_id.is_not(None))):
            sr = session.get_one(ServiceRequest, run.sr_id)
            if sr.created_at < run.created_at - SECOND or run.updated_at < sr.created_at:
                found.append(f"{sr.number}: run from {run.created_at} to {run.updated_at}, SR made {sr.created_at}")
    return found


def test_every_demo_srs_timeline_agrees_with_its_creation_and_today(demo_db):
    assert not _disagreements()
    with transaction() as session:  # made as of the past, yet the audit chain holds
        assert audit.verify_chain(session).ok
        made = session.scalars(select(ServiceRequest.created_at)).all()
        overdue = session.scalars(select(Deadline).where(Deadline.due_at < utcnow())).all()
    assert min(made) < utcnow() - timedelta(days=30)  # spread over the past weeks, not all made today
    assert overdue  # some review dates honestly overdue: set before they came


def test_the_demo_procedure_runs_srs_are_made_on_the_days_the_runs_worked(sqlite_demo_db):
    assert demo_runs.walk() == 26  # five for each of five teams, and one begun from a complaint SR
    assert not _disagreements()
    with transaction() as session:
        starts = session.scalars(select(ProcedureRun.created_at)).all()
        assert audit.verify_chain(session).ok
    assert all(start < utcnow() - timedelta(days=2) for start in starts)  # worked in the past, not at loading


def test_the_demo_has_a_p1_run_in_progress_begun_from_a_complaint_sr_for_each_page_to_show(sqlite_demo_db, actor_for):
    """The sixth session's P1 change (a run keeps the complaint or appeal SR it was begun from) had nothing in the demo
    to show it: every demo run started from the case. One is now begun from the new caseworker's complaint SR."""
    demo_runs.walk()
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    with transaction() as session:
        [run] = session.scalars(select(ProcedureRun).where(ProcedureRun.begun_from_sr_id.is_not(None))).all()
        complaint = session.get_one(ServiceRequest, run.begun_from_sr_id)
        assert (run.status, run.state, run.started_by_id) == ("in_progress", "search_legacy", caseworker.user_id)
        assert (complaint.area, complaint.case_id) == ("Complaints", run.case_id)
        assert complaint.owner_id == caseworker.user_id
        assert complaint.status != "Closed"
        assert run.sr_id not in (None, complaint.id)  # its own Information Request SR
        assert run.created_at > complaint.created_at
        begun = BegunFrom.of(complaint)
    [row] = [r for r in work.my_work(caseworker).runs if r.id == run.id]
    assert row.begun_from == begun
    [stuck] = [s for s in console.stuck_runs(leader) if s.run_id == run.id]  # eight days left: the console says so
    assert f"begun from {begun.words}" in stuck.what
