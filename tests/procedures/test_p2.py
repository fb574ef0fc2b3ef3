"""P2 CSA Scheme Information Received - Update CMS: every branch, walked headlessly."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Case, ProcedureRun, ServiceRequest, Task, Team, User
from domain import reference as reference_catalogue
from procedures import registry
from services import console, records, reference, run_context, run_start, work
from services.actor import Actor
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from services.users import create_user
from tests.procedures.walk import Walk, csa_case_to_transition, find_case

START = {"csa_caseworker": "Alex Reed", "outstanding_actions": "Deduction from earnings order to vary"}


@pytest.fixture
def walk(demo_db, actor_for):
    actor = actor_for("caseworker")
    return Walk(actor, "P2", csa_case_to_transition(actor))


def kim_lee(colleague: Actor) -> Actor:
    """The CMS owning caseworker, a caseworker of `colleague`'s team in Casework Guide (made on first use)."""
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == "kim.lee"))
        if user is None:
            team = session.get_one(Team, colleague.team_id).name
            user = create_user(
                session, None, username="kim.lee", display_name="Kim Lee", role="caseworker", password=None, team=team
            )
            session.flush()
        return Actor.of(user)


def hand_over(walk, *, available=True):
    """The CSA caseworker's steps, up to the hand-over (Kim Lee is a Casework Guide user when `available`)."""
    if available:
        kim_lee(walk.actor)
    walk.answer(**START, can_finish_in_timeframe=False)
    walk.answer(owner_name="Kim Lee", owner_available=available)
    if available:
        walk.answer()
    else:
        walk.answer(team_leader_name="Pat Jones", agreed_action="Pat allocates the actions to the team")


def allocate(run_id: str, to: Actor, team_leader: Actor) -> None:
    """The team leader gives the hand-over SR, waiting unallocated for the team, to a caseworker."""
    with transaction() as session:
        sr = session.get_one(ServiceRequest, session.get_one(ProcedureRun, run_id).sr_id)
        sr_id, version = sr.id, sr.version
    console.reassign(team_leader, [sr_id], to.user_id, "Owner on leave", expected_versions={sr_id: version})


def to_notes(walk, *, available=True, team_leader: Actor | None = None):
    """Hand over, then carry on as the SR's owner: Kim Lee, allocated it by the team leader when unavailable."""
    hand_over(walk, available=available)
    owner = kim_lee(walk.actor)
    if not available:
        assert team_leader is not None, "the SR waits for the team leader to allocate it"
        allocate(walk.view.run_id, owner, team_leader)
    walk.carry_on_as(owner)
    walk.answer(information_received="DEO variation due 1 December")


def test_actions_that_finish_in_time_are_not_handed_over(walk):
    walk.answer(**START, can_finish_in_timeframe=True)
    walk.answer()
    outcome = walk.outcome()
    assert outcome.status == "finished"
    assert outcome.srs == {}
    assert walk.path() == ["outstanding_actions", "no_handover", "done"]


def test_each_need_gets_its_own_sr_with_the_exact_catalogue_values(walk):
    to_notes(walk)
    walk.answer(
        routes=["Escalated complaint", "Outstanding appeal", "Ongoing enforcement action"], complaint_sub_area="Review"
    )
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (main.process, main.area, main.sub_area) == ("Transition", "CSA Information", "Update CMS")
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    got = {
        ref: (sr.process, sr.area, sr.sub_area, sr.parent_number) for ref, sr in outcome.srs.items() if ref != "main"
    }
    assert got == {
        "complaint": ("Escalated Enquiries", "Complaints", "Review", main.number),
        "appeal": ("Escalated Enquiries", "Appeals", "Appeal Against Decision", main.number),
        "enforcement": ("Arrears", "Arrears Management", "Arrears Review", main.number),
    }
    assert any("Outstanding CSA actions advised by Alex Reed to Kim Lee" in n for n in main.notes)


def test_the_hand_over_note_keeps_one_full_stop_after_the_actions_typed(walk):
    """A caseworker ends the outstanding actions with a full stop, as most do: the note does not double it."""
    walk.answer(
        csa_caseworker="Alex Reed", outstanding_actions="Bailiff instruction pending.", can_finish_in_timeframe=False
    )
    walk.answer(owner_name="Kim Lee", owner_available=False)
    walk.answer(team_leader_name="Pat Jones", agreed_action="Pat allocates the actions to the team")
    (note,) = walk.outcome().srs["main"].notes
    assert note == (
        "Outstanding CSA actions advised by Alex Reed to Pat Jones (team leader): Bailiff instruction pending. "
        "Handed over to the CMS owning caseworker Kim Lee to update Notes and route the case."
    )


def test_no_routing_closes_the_sr_with_only_the_notes(walk):
    to_notes(walk)
    walk.answer(routes=[])
    outcome = walk.outcome()
    assert set(outcome.srs) == {"main"}
    assert "Routing: no other segment needed." in outcome.srs["main"].notes


def test_an_unavailable_owner_goes_to_their_team_leader_and_the_team_gets_a_message(walk, actor_for):
    to_notes(walk, available=False, team_leader=actor_for("teamleader"))
    assert walk.path()[:4] == ["outstanding_actions", "identify_owner", "contact_team_leader", "update_notes"]
    walk.answer(routes=["Outstanding appeal"])
    outcome = walk.outcome()
    ((kind, text, assignee, team),) = outcome.tasks
    assert kind == "message"
    assert "Kim Lee is unavailable" in text
    assert team == walk.actor.team_id
    assert assignee is None


def test_an_owner_said_available_but_unknown_here_leaves_the_sr_with_the_team_and_tells_it(walk):
    walk.answer(**START, can_finish_in_timeframe=False)
    walk.answer(owner_name="Sam Nobody", owner_available=True)  # no user of that name in Casework Guide
    walk.answer()
    with transaction() as session:
        sr = session.get_one(ServiceRequest, session.get_one(ProcedureRun, walk.view.run_id).sr_id)
        tasks = session.scalars(select(Task).where(Task.sr_id == sr.id)).all()
        assert (sr.owner_id, sr.team_id) == (None, walk.actor.team_id)
        (task,) = tasks
        assert (task.kind, task.team_id, task.assignee_id) == ("message", walk.actor.team_id, None)
        assert task.text == (
            f"SR {sr.number} is for Sam Nobody, who is not an active caseworker of this team in Casework Guide. "
            "Allocate it to them in CMS, or to another caseworker here."
        )


def test_a_known_owner_gets_the_sr_and_the_team_no_message(walk):
    hand_over(walk, available=True)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, session.get_one(ProcedureRun, walk.view.run_id).sr_id)
        assert sr.owner_id == session.scalar(select(User.id).where(User.username == "kim.lee"))
        assert session.scalars(select(Task).where(Task.sr_id == sr.id)).all() == []


def test_a_complaint_needs_its_sub_area(walk):
    from services.errors import ValidationFailed

    to_notes(walk)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(routes=["Escalated complaint"])
    assert "Complaint sub area" in info.value.errors["complaint_sub_area"]


def test_a_hand_over_to_an_unavailable_owners_team_waits_there_and_the_csa_caseworker_stops(walk, actor_for):
    """QA: after handing over to the team of an owner on leave, the CSA caseworker carried on as if the owner. The
    seed has them discuss it with the team leader: the SR waits unallocated for the team, and only the caseworker
    the team leader gives it to records the owner's steps."""
    csa = walk.actor
    hand_over(walk, available=False)
    view = walk.view
    assert view.step.id == "update_notes"
    holder = view.handed_over
    with transaction() as session:
        sr = session.scalar(select(ServiceRequest).where(ServiceRequest.number == view.sr_number))
        team = session.get_one(Team, sr.team_id).name
        assert sr.owner_id is None  # unallocated, for the owner's team
    assert (holder.owner_id, holder.team_name, holder.sr_number) == (None, team, view.sr_number)
    assert holder.message == (
        f"This case has been handed over to the {team}. SR {view.sr_number} waits there, unallocated, until their team "
        'leader gives it to a caseworker, who carries on from it in My work ("Update Notes with what CSA told you").'
    )
    assert view.run_id not in [r.id for r in work.my_work(csa).runs]  # no longer on the CSA caseworker's list

    with pytest.raises(DomainError) as refused:
        walk.answer(information_received="DEO variation due 1 December")
    assert str(refused.value).startswith(f"This case has been handed over to the {team}.")
    assert "Only the caseworker it is allocated to can record the next steps" in str(refused.value)
    assert "update_notes" not in str(refused.value)
    assert run_context.view_run(csa, view.run_id).step.id == "update_notes"  # nothing was saved

    owner = kim_lee(csa)
    allocate(view.run_id, owner, actor_for("teamleader"))
    assert run_context.view_run(csa, view.run_id).handed_over.owner_name == "Kim Lee"
    with pytest.raises(DomainError, match="handed over to Kim Lee"):  # still not the CSA caseworker's to record
        walk.answer(information_received="DEO variation due 1 December")
    walk.carry_on_as(owner)
    assert view.run_id in [r.id for r in work.my_work(owner).runs]
    walk.answer(information_received="DEO variation due 1 December")
    walk.answer(routes=[])
    assert walk.outcome().status == "finished"


def test_a_run_before_the_hand_over_is_the_csa_caseworkers(walk):
    walk.answer(**START, can_finish_in_timeframe=False)
    assert walk.view.handed_over is None
    assert walk.view.run_id in [r.id for r in work.my_work(walk.actor).runs]


def open_arrears_review(case_id: int, actor: Actor, *, status: str = "In Progress") -> str:
    """An Arrears Review SR already on the case (made before this run), as CMS would hold it; its number."""
    with transaction() as session:
        case = session.get_one(Case, case_id)
        process, area, sub_area = ARREARS_REVIEW
        sr = records.create_sr(session, actor, case=case, process=process, area=area, sub_area=sub_area)
        if status != "Open":
            records.set_status(session, actor, sr, status, "Complete" if status == "Closed" else None)
        session.flush()
        return sr.number


ARREARS_REVIEW = ("Arrears", "Arrears Management", "Arrears Review")


def test_routing_enforcement_warns_when_the_case_already_has_an_open_arrears_review_sr(walk):
    """QA: a second Arrears Review SR was created without a word. The routing step and check your answers name the
    open one before another is made; the seed does not forbid a second, so saving is not refused."""
    number = open_arrears_review(walk.view.case.case_id, walk.actor)
    to_notes(walk)
    expected = (
        f'This case already has an open Arrears Review SR: {number} (In Progress). Choose "Ongoing enforcement '
        'action" only if the enforcement is not already with the enforcement segment on it: saving creates another one.'
    )
    assert walk.view.step.id == "route_case"
    assert walk.view.warnings == (expected,)  # on the step's page, before anything is chosen
    walk.answer(routes=["Ongoing enforcement action"], confirm=False)
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (expected,)  # on check your answers, before the SR is created
    walk.confirm()
    assert walk.outcome().srs["enforcement"].number != number  # warned, not refused


def test_no_warning_without_enforcement_or_when_the_arrears_review_sr_is_closed(walk):
    open_arrears_review(walk.view.case.case_id, walk.actor, status="Closed")
    to_notes(walk)
    assert walk.view.warnings == ()
    walk.answer(routes=["Ongoing enforcement action"], confirm=False)
    assert walk.view.warnings == ()


def test_an_open_arrears_review_sr_is_not_mentioned_when_enforcement_is_not_routed(walk):
    open_arrears_review(walk.view.case.case_id, walk.actor)
    to_notes(walk)
    walk.answer(routes=["Outstanding appeal"], confirm=False)
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == ()


@pytest.mark.parametrize("key", reference_catalogue.SR_TYPES["sr.arrears_review"])
def test_the_duplicate_check_compares_with_values_policy_staff_cannot_change(demo_db, actor_for, key):
    """The check matches open SRs on the built-in Arrears Review values (what Casework Guide records on its own copy
    of an SR). All three are published in seed 001, so no local correction can make the SRs it creates differ."""
    with pytest.raises(ValidationFailed, match="published procedure"):
        reference.correct(actor_for("policy"), key, "Arrears Review (edited)")


def test_the_complaint_sub_area_says_what_the_seed_says_and_where_to_read_more():
    """QA (7 December): the sub area was offered with nothing to choose by. The help quotes seed 001 exactly and names
    the two guidance pages it lists, and claims nothing more."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "seeds" / registry.get("P2").seed).read_text(
        encoding="utf-8"
    )
    (field,) = [f for s in registry.get("P2").steps.values() for f in s.fields if f.name == "complaint_sub_area"]
    quoted = re.findall("\u201c([^\u201d]+)\u201d", field.help)
    assert quoted == ["depends upon the nature of the complaint", "Complaint - Resolution", "Complaint - Review"]
    assert all(q in text for q in quoted)


def test_p2_does_not_start_on_a_transitioned_case_or_a_cms_2012_case_but_a_hand_over_is_picked_up(demo_db, actor_for):
    """QA: Start offered P2 on a case whose financial transition is complete and on a CMS 2012 case, though seed 001
    is about "a CSA case that is due to be transitioned". A hand-over made before the transition completed is still
    picked up by its owner from the SR afterwards."""

    actor = actor_for("caseworker")
    with pytest.raises(DomainError, match="Financial transition to CMS is complete on this case"):
        run_start.start_run(actor, "P2", case_id=find_case(actor, financial_transition_complete=True))
    with pytest.raises(DomainError, match="This is a CMS 2012 case"):
        run_start.start_run(actor, "P2", case_id=find_case(actor, scheme="CMS 2012"))

    walk = Walk(actor, "P2", csa_case_to_transition(actor))
    hand_over(walk)
    with transaction() as session:
        case = session.get_one(Case, session.get_one(ProcedureRun, walk.view.run_id).case_id)
        case.financial_transition_complete = True  # the case moved to CMS meanwhile
        case_id = case.id
    owner = kim_lee(actor)
    assert walk.view.sr_number is not None
    picked = Walk(owner, "P2", case_id, sr_id=_sr_id(walk.view.sr_number))
    assert picked.view.run_id == walk.view.run_id
    assert picked.step == "update_notes"


def _sr_id(number: str) -> int:
    with transaction() as session:
        return session.scalars(select(ServiceRequest.id).where(ServiceRequest.number == number)).one()


def test_a_refused_step_lists_the_checklist_first_as_the_page_draws_it(walk):
    """The error summary read "Enter CMS owning caseworker", then the unticked checklist drawn above it (QA)."""
    from services import runs

    walk.answer(**START, can_finish_in_timeframe=False)
    assert walk.step == "identify_owner"
    view = walk.view
    with pytest.raises(ValidationFailed) as on_the_page:
        runs.check_page(
            walk.actor, view.run_id, {"_checklist": []}, ("_checklist", "owner_name"), expected_version=view.version
        )
    assert list(on_the_page.value.errors) == ["_checklist", "owner_name"]
    with pytest.raises(ValidationFailed) as at_the_save:
        runs.submit_step(walk.actor, view.run_id, {"_checklist": []}, expected_version=view.version)
    assert list(at_the_save.value.errors)[:2] == ["_checklist", "owner_name"]


def test_update_notes_waits_for_check_your_answers_showing_the_note_as_it_will_be_saved(walk):
    """QA, 7 December: what the owning caseworker typed went on the SR at Continue. Check your answers now shows the
    note exactly as it will be saved (a long note, line breaks and all, can be reread); Back from there records
    nothing, and Confirm saves that very text."""
    hand_over(walk)
    walk.carry_on_as(kim_lee(walk.actor))
    before = walk.outcome().srs["main"]
    typed = (
        "DEO variation due 1 December.\nThe paying parent changed employer in October; new payroll number to follow."
    )
    view = walk.checked(information_received=f"  {typed}  ")
    expected = f"Information received from CSA (Alex Reed): {typed}"
    assert [(n.where, n.text) for n in view.notes] == [("SR Notes", expected)]
    assert view.deadlines_met == ()
    after = walk.outcome().srs["main"]
    assert (after.status, after.notes) == (before.status, before.notes)

    view = walk.back_from_check()
    assert (view.step.id, view.awaiting_confirmation, view.notes) == ("update_notes", False, ())
    after = walk.outcome().srs["main"]
    assert (after.status, after.notes) == (before.status, before.notes)

    walk.checked(information_received=typed)
    walk.confirm()
    assert walk.step == "route_case"
    saved = walk.outcome().srs["main"]
    assert saved.notes[-1] == expected
    assert saved.status == "In Progress"
