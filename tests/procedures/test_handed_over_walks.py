"""Each SSST procedure (P5a to P5e) walked to its end on an SR the CSA team handed over to the SSST, on the CSA team's
case, on SQLite and PostgreSQL: the SSST's team leader allocates it and the SSST caseworker works it. At each output
the test asks who must see it to act on it (services/run_effects.py's docstring): the SR, its deadlines, emails and
follow-up calls stay with the SSST, who work it; P5e's news of the visit goes to the case's team, who asked for it, and
sends it to the visit summary in the case's Contact Notes, which it reads on its case page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from db.models import Case, ProcedureRun, ServiceRequest, Task, User
from procedures import p5c_commitment, p5d_liability_order_routing
from procedures.p5c_commitment import MAGISTRATES_COURT
from services import console, records, run_context, sr_view
from services.actor import Actor
from services.contact_notes import case_contact_notes
from services.email import outbox
from services.errors import PermissionDenied
from services.mail_settings import mailbox
from services.transaction import transaction
from services.work import my_tasks
from tests.pdfs import a_pdf
from tests.procedures import test_p5a, test_p5b, test_p5c, test_p5d, test_p5e
from tests.procedures.p4_helpers import Clock
from tests.procedures.ssst_walks import emails, set_case
from tests.procedures.walk import Walk, team_named

SSST = "Specialist Services Support Team"
CSA = "CSA Rules Reassessment Team"
CSA_LEADER = "teamleader@demo.casework.invalid"


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)  # emails wait in the outbox


@dataclass(frozen=True)
class HandedOver:
    case_id: int
    sr_id: int
    worker: Actor
    csa_people: tuple[Actor, ...]  # the giving team: the SR's old owner and its team leader
    ssst_leader: Actor


def hand_over_and_allocate(actor_for, label_ends: str) -> HandedOver:
    """The CSA team's open SR of that kind (the demo gives them to `csa.cw1`) handed over to the SSST, whose team
    leader allocates it to `ssst.caseworker`; its case stays the CSA team's, in England, with no PV marker."""
    leader, ssst_leader, worker = actor_for("teamleader"), actor_for("ssst.teamleader"), actor_for("ssst.caseworker")
    row = next(
        r
        for r in console.outstanding_page(leader, page_size=500).rows
        if r.label.endswith(label_ends) and r.status != "Closed" and not r.sensitive
    )
    assert row.owner_id == actor_for("csa.cw1").user_id
    console.hand_over(leader, [row.id], team_named(SSST), "The SSST's work", expected_versions={row.id: row.version})
    with transaction() as session:
        version = session.get_one(ServiceRequest, row.id).version
    console.reassign(ssst_leader, [row.id], worker.user_id, "Yours", expected_versions={row.id: version})
    set_case(row.case_id, potentially_violent=False, region="England")
    return HandedOver(row.case_id, row.id, worker, (actor_for("csa.cw1"), leader), ssst_leader)


def csa_magistrates_court_sr(actor_for, reason: str) -> None:
    """A Magistrates Court SR with that Reason on a CSA team case that is not sensitive, allocated to `csa.cw1` as the
    demo's SSST kinds are (the demo's own is on a sensitive case, which keeps its SRs: services/console/handover.py)."""
    owner = actor_for("csa.cw1")
    with transaction() as session:
        case = session.scalars(
            select(Case).where(Case.team_id == owner.team_id, Case.sensitive.is_(False)).order_by(Case.id)
        ).first()
        assert case is not None
        records.create_sr(
            session, None, case=case, process=MAGISTRATES_COURT[0], area=MAGISTRATES_COURT[1],
            sub_area=MAGISTRATES_COURT[2], owner_id=owner.user_id, reason=reason,
        )  # fmt: skip


def landed_with_the_ssst(handed: HandedOver, walk: Walk, *, to: list[list[str]], csa_told: tuple[str, ...] = ()) -> str:
    """The run was the SSST's on the CSA team's case; the closed SR, its emails (to exactly `to`) and every follow-up
    call are the SSST caseworker's to see and do. The CSA team opens none of it, and its people have on that SR only
    the tasks and messages of `csa_told` (by kind). The SR's number."""
    ssst, csa = team_named(SSST), team_named(CSA)
    with transaction() as session:
        run = session.get_one(ProcedureRun, walk.view.run_id)
        sr = session.get_one(ServiceRequest, handed.sr_id)
        assert (run.team_id, run.case.team_id) == (ssst, csa)
        assert (sr.team_id, sr.owner_id, sr.status) == (ssst, handed.worker.user_id, "Closed")
        number = sr.number
        tasks = session.scalars(select(Task).where(Task.sr_id == handed.sr_id).order_by(Task.id)).all()
        calls = [(t.assignee_id, t.team_id) for t in tasks if t.text.startswith("Phone ")]
    assert [[a.addr_spec for a in m["To"].addresses] for m in emails(handed.sr_id)] == to
    assert calls == [(handed.worker.user_id, None)] * len(to)
    mine = [t for t in my_tasks(handed.worker) if t.sr_number == number]
    assert [t.text.startswith("Phone ") for t in mine] == [True] * len(to)
    assert {e.sr_id for e in outbox(handed.ssst_leader) if e.sr_id == handed.sr_id} == {handed.sr_id}
    assert sr_view.sr_full_view(handed.worker, handed.sr_id).status == "Closed"
    for person in handed.csa_people:
        assert sorted(t.kind for t in my_tasks(person) if t.sr_number == number) == sorted(csa_told)
        assert not [e for e in outbox(person) if e.sr_id == handed.sr_id]
        with pytest.raises(PermissionDenied):
            sr_view.sr_full_view(person, handed.sr_id)
    return number


def test_p5a_court_fee_on_a_handed_over_sr(demo_db, actor_for):
    handed = hand_over_and_allocate(actor_for, "Court Fee Payment")
    walk = Walk(handed.worker, "P5a", handed.case_id, sr_id=handed.sr_id)
    test_p5a.pay(walk, handed.case_id)
    walk.answer(ecm_email="")
    assert walk.view.status == "finished"
    landed_with_the_ssst(handed, walk, to=[[mailbox("ecm").addr_spec]])


def test_p5b_county_court_on_a_handed_over_sr(demo_db, actor_for, clock):
    handed = hand_over_and_allocate(actor_for, "County Court")
    walk = Walk(handed.worker, "P5b", handed.case_id, sr_id=handed.sr_id)
    test_p5b.first_steps(walk)
    day = test_p5b.next_weekday(2)
    walk.answer(cpo_name="Pat Presenter", cpo_email="", hearing_known=True, hearing_at=f"{day} 10:00")
    walk.answer(second_pv_marker=False, second_pv_details="", payments_since="None", contact_since="None")
    test_p5b.finish(walk, clock, day)
    assert walk.view.status == "finished"
    cpt, cpo, ecm = (mailbox(key).addr_spec for key in ("cpt", "cpo", "ecm"))
    landed_with_the_ssst(handed, walk, to=[[cpt], [cpo], [ecm]])


def test_p5c_commitment_on_a_handed_over_sr(demo_db, actor_for, clock):
    csa_magistrates_court_sr(actor_for, p5c_commitment.REASON)
    handed = hand_over_and_allocate(actor_for, "Magistrates Court")
    walk = Walk(handed.worker, "P5c", handed.case_id, sr_id=handed.sr_id)
    hearing = test_p5c.to_hearing(walk)
    test_p5c.after_hearing(walk, clock.today)
    clock.today = hearing.date()
    walk.answer(
        hearing_result="The hearing has taken place",
        outcome="Suspended committal order",
        outcome_pdf=("Outcome.pdf", a_pdf()),
    )
    walk.answer()  # forward to the ECM
    walk.answer()  # close
    assert walk.view.status == "finished"
    cpo, ecm = mailbox("cpo").addr_spec, mailbox("ecm").addr_spec
    landed_with_the_ssst(handed, walk, to=[[cpo], [ecm]])


def test_p5d_liability_order_on_a_handed_over_sr(demo_db, actor_for, clock):
    csa_magistrates_court_sr(actor_for, p5d_liability_order_routing.REASON)
    handed = hand_over_and_allocate(actor_for, "Magistrates Court")
    walk = Walk(handed.worker, "P5d", handed.case_id, sr_id=handed.sr_id)
    test_p5d.walk_to(walk, "done", clock)
    assert walk.path() == test_p5d.MAIN_PATH
    cpt, cpo, ecm = (mailbox(key).addr_spec for key in ("cpt", "cpo", "ecm"))
    landed_with_the_ssst(handed, walk, to=[[cpt], [cpt], [cpo], [ecm]])


def test_p5e_face_to_face_on_a_handed_over_sr_tells_the_case_team_who_asked(demo_db, actor_for, clock):
    """No SR of the asking caseworker is linked (the CSA team's Face to Face Visit SR has no parent), so the case's
    team is told: its leaders get the emails, and the team the task and message. That is the CSA team, who asked for
    the visit (seed 004's "owning caseworker and team leader"), not the SSST doing it."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    walk = Walk(handed.worker, "P5e", handed.case_id, sr_id=handed.sr_id)
    test_p5e.accepted(walk)
    test_p5e.book(walk, then=clock)
    walk.answer(visit_result="Visit completed")
    walk.answer(returned_form=("CMSF5579 returned.pdf", a_pdf()), visit_summary="Payment plan agreed.")
    walk.answer(sr_reason="Payments", resolution_code="Completed")
    walk.answer()
    assert walk.view.status == "finished"
    number = landed_with_the_ssst(
        handed, walk, to=[[mailbox("vsat").addr_spec], [CSA_LEADER]], csa_told=("message", "task")
    )  # the CSA team reads the task and message in My work, with the SR's number
    ssst, csa = team_named(SSST), team_named(CSA)
    with transaction() as session:
        told = session.execute(
            select(Task.kind, Task.assignee_id, Task.team_id)
            .where(Task.sr_id == handed.sr_id, ~Task.text.startswith("Phone "))
            .order_by(Task.id)
        ).all()
        ssst_leaders = set(session.scalars(select(User.email).where(User.team_id == ssst, User.role == "team_leader")))
    assert CSA_LEADER not in ssst_leaders
    assert [tuple(t) for t in told] == [("task", None, csa), ("message", None, csa)]
    with transaction() as session:
        texts = session.scalars(
            select(Task.text).where(Task.sr_id == handed.sr_id, ~Task.text.startswith("Phone ")).order_by(Task.id)
        ).all()
    assert texts == [
        "The face to face visit is completed: proceed with the case (read the visit summary in the case's Contact "
        "Notes: find the case by its SCIN).",
        "The face to face visit on your case is completed.",
    ]
    # ... and there the CSA team reads it, on its case, though the SR it was written on is the SSST's
    for person in handed.csa_people:
        summary = case_contact_notes(person, handed.case_id)[0]
        assert (summary.text, summary.sr_number, summary.sr_id) == (
            "Face to face visit completed: Payment plan agreed.",
            number,
            None,
        )
