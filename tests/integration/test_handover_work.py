"""Where a handed-over SR's work lands (services/run_effects.py, services/console/handover.py, services/reminders.py),
on SQLite and PostgreSQL: an SR a receiving team's run creates for its caseworker is that team's; a task for the owner
of an SR nobody owns goes to the team holding it, and the email for that owner to that team's leaders; the giving
team's open tasks on an SR go with it at the hand-over, audited; its reminders go to the receiving team."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.models import AuditEvent, Case, Deadline, ProcedureRun, Reminder, ServiceRequest, Task, User
from domain.clock import UK, utcnow
from services import console, records, reminders, run_context, sr_view
from services.errors import GoneFromView, PermissionDenied
from services.transaction import transaction
from services.work import complete_task, my_tasks, my_work
from tests.pdfs import a_pdf
from tests.procedures import test_p3, test_p5e
from tests.procedures.p4_helpers import Clock
from tests.procedures.ssst_walks import allocated_sr, emails, set_case
from tests.procedures.walk import Walk, team_named

SSST = "Specialist Services Support Team"
CSA = "CSA Rules Reassessment Team"
FTT = "Financial Transition Team"
REASON = "Their work"


def _version(sr_id: int) -> int:
    with transaction() as session:
        return session.get_one(ServiceRequest, sr_id).version


def _hand_over(leader, sr_id: int, team: str) -> console.HandOver:
    return console.hand_over(leader, [sr_id], team_named(team), REASON, expected_versions={sr_id: _version(sr_id)})


def _county_court(leader) -> console.ConsoleRow:
    """The CSA team's open County Court SR, allocated to `csa.cw1` in the demo."""
    return next(
        r
        for r in console.outstanding_page(leader, page_size=500).rows
        if r.label.endswith("County Court") and r.status != "Closed" and not r.sensitive
    )


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


# --- An SR the run creates ------------------------------------------------------------------------------------------


def test_an_sr_a_receiving_teams_run_creates_for_its_caseworker_is_that_teams(demo_db, actor_for):
    """P3 started from a Manual Handling SR the CSA team handed to the Financial Transition Team creates the Finalise
    Case SR for the caseworker running it ("me"): it is their team's, so they can open it. (It was the case's team's:
    they owned an SR they could not open, and nobody in the CSA team could see whose it was.)"""
    csa_leader, ftt_leader, worker = actor_for("teamleader"), actor_for("financial.tl"), actor_for("financial.cw1")
    case_id = test_p3.legacy_case(csa_leader)
    with transaction() as session:
        case = session.get_one(Case, case_id)
        manual_id = records.create_sr(session, None, case=case, process="Manual Handling", area=None, sub_area=None).id
    _hand_over(csa_leader, manual_id, FTT)
    console.reassign(
        ftt_leader, [manual_id], worker.user_id, "Yours", expected_versions={manual_id: _version(manual_id)}
    )

    walk = Walk(worker, "P3", case_id, sr_id=manual_id)
    walk.answer()
    walk.answer()  # the Finalise Case SR is created
    with transaction() as session:
        run = session.get_one(ProcedureRun, walk.view.run_id)
        created = session.get_one(ServiceRequest, run.sr_refs["main"])
        assert created.sub_area == "Finalise Case"
        assert (run.team_id, run.case.team_id) == (worker.team_id, csa_leader.team_id)
        assert (created.team_id, created.owner_id, created.case_id) == (worker.team_id, worker.user_id, case_id)
        created_id, number = created.id, created.number
    assert sr_view.sr_full_view(worker, created_id).owner == worker.display_name
    assert number in {s.number for s in my_work(worker).service_requests}
    with pytest.raises(PermissionDenied):
        sr_view.sr_full_view(csa_leader, created_id)


def test_the_case_teams_own_run_still_creates_the_sr_for_the_case_team(demo_db, actor_for):
    """For a run of the case's own team the run's team is the case's: nothing changes."""
    worker = actor_for("caseworker")
    walk = Walk(worker, "P3", test_p3.legacy_case(worker))
    walk.answer()
    walk.answer()
    with transaction() as session:
        run = session.get_one(ProcedureRun, walk.view.run_id)
        created = session.get_one(ServiceRequest, run.sr_refs["main"])
        assert run.team_id == run.case.team_id == created.team_id == worker.team_id
        assert created.owner_id == worker.user_id


# --- A task and an email for the owner of an SR nobody owns ---------------------------------------------------------


def test_the_owner_of_an_unallocated_origin_sr_is_told_through_the_team_holding_it(demo_db, actor_for, clock):
    """The demo's P5e visit is on an SSST case and was asked for from an SR the CSA team holds ("origin"). With that
    SR unallocated, the task and message for its owner go to the CSA team (which holds it and allocates it), not the
    case's team (the SSST, running the run); the completed visit's email goes to the CSA team's leaders, not back to
    the SSST caseworker running the run (who emailed themself and their own leader)."""
    worker = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(worker, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    csa, ssst = team_named(CSA), team_named(SSST)
    with transaction() as session:
        origin = session.get_one(ServiceRequest, sr_id).parent
        assert origin is not None
        assert (origin.team_id, origin.case.team_id) == (csa, ssst)
        origin.owner_id = None
        origin_id, origin_number = origin.id, origin.number
    walk = Walk(worker, "P5e", case_id, sr_id=sr_id)
    test_p5e.accepted(walk)
    test_p5e.book(walk, then=clock)
    walk.answer(visit_result="Visit completed")
    walk.answer(returned_form=("CMSF5579 returned.pdf", a_pdf()), visit_summary="Payment plan agreed.")
    walk.answer(sr_reason="Payments", resolution_code="Completed")

    _referral, visit_done = emails(sr_id)
    assert [a.addr_spec for a in visit_done["To"].addresses] == ["teamleader@demo.casework.invalid"]
    with transaction() as session:
        told = session.execute(
            select(Task.kind, Task.assignee_id, Task.team_id).where(Task.sr_id == origin_id).order_by(Task.id)
        ).all()
    assert [tuple(t) for t in told] == [("task", None, csa), ("message", None, csa)]
    for name in ("caseworker", "teamleader"):
        assert sorted(t.kind for t in my_tasks(actor_for(name)) if t.sr_number == origin_number) == ["message", "task"]
    assert not [t for t in my_tasks(worker) if t.sr_number == origin_number]


# --- Open tasks at the hand-over ------------------------------------------------------------------------------------


def test_the_giving_teams_open_tasks_on_the_sr_go_with_it_to_the_receiving_team_audited(demo_db, actor_for):
    leader, old_owner = actor_for("teamleader"), actor_for("csa.cw1")
    ssst_worker, ssst_leader = actor_for("ssst.caseworker"), actor_for("ssst.teamleader")
    row = _county_court(leader)
    assert row.owner_id == old_owner.user_id
    ssst, csa, ftt = team_named(SSST), team_named(CSA), team_named(FTT)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, row.id)

        def task(text: str, **to: int) -> int:
            return records.raise_task(session, None, text=text, sr=sr, **to).id

        owners = task("Phone the court to confirm the hearing", assignee_id=old_owner.user_id)
        teams = records.raise_task(session, None, text="Allocate this SR", sr=sr, team_id=csa, kind="message").id
        others = task("Set up the LO for this SR", team_id=ftt)
        outsiders = task("Look at this SR", assignee_id=ssst_worker.user_id)
        done = task("Phone the ECM", assignee_id=old_owner.user_id)
        session.get_one(Task, done).done_at = utcnow()

    plan = console.check_hand_over(leader, [row.id], ssst, REASON, expected_versions={row.id: _version(row.id)})
    going = f" 2 open tasks and messages for your team on it also go to {SSST}."
    assert plan.tasks == 2
    assert plan.asks.endswith(f"Its deadlines, notes, letters and files go with it.{going} Reason: {REASON}")
    done_over = _hand_over(leader, row.id, SSST)
    assert done_over.said.endswith(f"will allocate it to one of their caseworkers.{going}")

    with transaction() as session:
        where = {t.id: (t.assignee_id, t.team_id, t.done_at is None) for t in session.scalars(select(Task))}
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.sr_id == row.id, AuditEvent.id > 0).order_by(AuditEvent.id)
        ).all()
        moves = [e for e in events if e.action == "task.handed_over"]
        handed = next(e for e in events if e.action == "sr.handed_over")
    assert where[owners] == where[teams] == (None, ssst, True)
    assert (where[others], where[outsiders], where[done]) == (
        (None, ftt, True),
        (ssst_worker.user_id, None, True),
        (old_owner.user_id, None, False),
    )
    assert [(e.entity_id, e.actor_id, e.before, e.after) for e in moves] == [
        (str(owners), leader.user_id, {"assignee_id": old_owner.user_id, "team_id": None},
         {"assignee_id": None, "team_id": ssst, "team": SSST, "kind": "task",
          "text": "Phone the court to confirm the hearing"}),
        (str(teams), leader.user_id, {"assignee_id": None, "team_id": csa},
         {"assignee_id": None, "team_id": ssst, "team": SSST, "kind": "message", "text": "Allocate this SR"}),
    ]  # fmt: skip
    assert all(e.id < handed.id for e in moves)  # in the same transaction, before the SR's own event

    # The giving team is no longer told to act on the SR; the receiving team is, and can do it.
    assert not [t for t in my_tasks(old_owner) if t.sr_number == row.number]
    assert not [t for t in my_tasks(leader) if t.sr_number == row.number]
    assert sorted(t.id for t in my_tasks(ssst_worker) if t.sr_number == row.number) == [owners, teams, outsiders]
    assert sorted(t.id for t in my_tasks(ssst_leader) if t.sr_number == row.number) == [owners, teams]
    timeline = [e.text for e in sr_view.sr_full_view(ssst_leader, row.id).timeline]
    assert timeline[0].startswith(f"Handed over from {CSA}, where {old_owner.display_name} had it, to {SSST}")
    assert timeline[1:3] == [
        f'Message moved with the SR to {SSST}: "Allocate this SR" by Demo Teamleader',
        f'Task for {old_owner.display_name} moved with the SR to {SSST}: "Phone the court to confirm the hearing" '
        "by Demo Teamleader",
    ]
    with pytest.raises(GoneFromView):
        complete_task(old_owner, owners)
    assert complete_task(ssst_worker, owners) == owners


def test_an_sr_with_no_open_tasks_for_the_giving_team_says_nothing_of_tasks(demo_db, actor_for):
    leader = actor_for("teamleader")
    row = _county_court(leader)
    done = _hand_over(leader, row.id, SSST)
    assert (done.tasks, "task" in done.said) == (0, False)
    with transaction() as session:
        assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "task.handed_over")).all()


# --- Reminders ------------------------------------------------------------------------------------------------------

EVE = datetime(2026, 12, 24, 10, 0, tzinfo=UK)


def _told(deadline_id: int) -> list[tuple[str, str]]:
    with transaction() as session:
        rows = session.execute(
            select(Reminder.level, User.username)
            .join(User, Reminder.user_id == User.id)
            .where(Reminder.deadline_id == deadline_id)
            .order_by(Reminder.id)
        ).all()
        return [tuple(r) for r in rows]


def _escalated_county_court(leader) -> tuple[console.ConsoleRow, int]:
    """The CSA team's County Court SR (England) with a hearing overdue a working day on Christmas Eve, told then."""
    row = _county_court(leader)
    set_case(row.case_id, region="England")
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))  # the demo's own deadlines: only this one counts
        sr = session.get_one(ServiceRequest, row.id)
        deadline_id = records.add_deadline(
            session, None, sr, kind="hearing", due_at=EVE - timedelta(days=6), explanation="test"
        ).id
    reminders.remind(now=EVE)
    assert sorted(_told(deadline_id)) == [("escalated", "teamleader"), ("overdue", "csa.cw1")]
    return row, deadline_id


def test_an_escalated_deadline_of_a_handed_over_unallocated_sr_is_told_to_the_receiving_teams_leaders(
    demo_db, actor_for
):
    """Reminders read the SR's team and owner at each run: the giving team's notices drop the SR at once, and the next
    run tells the receiving team's leaders (nobody owns it there yet), escalation included, although the giving
    team's leader was told of the escalation already (until 7 December, sixth session, nobody in the SSST was)."""
    leader, old_owner, ssst_leader = actor_for("teamleader"), actor_for("csa.cw1"), actor_for("ssst.teamleader")
    row, deadline_id = _escalated_county_court(leader)
    assert [n.sr_id for n in reminders.notices(leader, now=EVE).overdue] == [row.id]

    _hand_over(leader, row.id, SSST)
    assert not reminders.notices(old_owner, now=EVE).overdue
    assert not reminders.notices(leader, now=EVE).overdue
    reminders.remind(now=EVE + timedelta(hours=1))
    assert sorted(_told(deadline_id)[2:]) == [("escalated", "ssst.teamleader"), ("overdue", "ssst.teamleader")]
    assert [n.sr_id for n in reminders.notices(ssst_leader, now=EVE + timedelta(hours=1)).overdue] == [row.id]
    assert reminders.remind(now=EVE + timedelta(hours=2)).reminders == 0  # told once: fully told in its team now


def test_a_caseworker_the_receiving_team_allocates_a_handed_over_escalated_sr_to_is_told_of_it_once(demo_db, actor_for):
    """Escalated in the giving team, then in the receiving team (its leaders told as the SR's owner), then allocated
    there: the caseworker is told it is overdue, once, and neither team's leaders again."""
    leader, ssst_leader, ssst_caseworker = (
        actor_for("teamleader"),
        actor_for("ssst.teamleader"),
        actor_for("ssst.caseworker"),
    )
    row, deadline_id = _escalated_county_court(leader)
    _hand_over(leader, row.id, SSST)
    reminders.remind(now=EVE + timedelta(hours=1))
    assert len(_told(deadline_id)) == 4  # the SSST's leader: overdue and escalated (the test above)

    console.reassign(
        ssst_leader, [row.id], ssst_caseworker.user_id, REASON, expected_versions={row.id: _version(row.id)}
    )
    assert reminders.remind(now=EVE + timedelta(hours=2)).reminders == 1
    assert _told(deadline_id)[4:] == [("overdue", "ssst.caseworker")]
    assert reminders.remind(now=EVE + timedelta(hours=3)).reminders == 0
    seen = reminders.notices(ssst_caseworker, now=EVE + timedelta(hours=3))
    assert [(n.sr_id, n.level) for n in seen.overdue] == [(row.id, "overdue")]
    assert [n.sr_id for n in reminders.notices(ssst_leader, now=EVE + timedelta(hours=3)).overdue] == [row.id]
    assert not reminders.notices(leader, now=EVE + timedelta(hours=3)).overdue
