"""P2 in the wizard page (QA): a step reached forwards opens at its first page; a hand-over stops the wizard."""

from db.models import ProcedureRun
from services import run_context, run_start
from services.transaction import transaction
from tests.app.answering import answer_step
from tests.app.helpers import texts
from tests.app.page_walk import PageWalk
from tests.app.test_wizard import button, open_wizard
from tests.procedures.test_p2 import hand_over, kim_lee, open_arrears_review, to_notes
from tests.procedures.walk import Walk, csa_case_to_transition


def test_a_step_reached_forwards_after_back_and_a_new_answer_opens_at_its_first_page(sqlite_demo_db, actor_for):
    """QA: Back to step 1 from the step its first answer led to, a different answer there, Continue: step 2 opened at
    its second page (Back's "show the last page" was left waiting for the next step not seen yet)."""
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P2", case_id=csa_case_to_transition(actor))
    at = open_wizard(actor, view.run_id)
    first = {"csa_caseworker": "Sam Patel", "outstanding_actions": "Arrears adjustment"}
    answer_step(at, actor, view.run_id, **first, can_finish_in_timeframe=True)
    assert run_context.view_run(actor, view.run_id).step.id == "no_handover"

    button(at, "Back").click().run()  # from the step after: step 1 at its last page
    assert at.title[0].value == "Can the actions be finished within the Case Closure timeframe?"
    answer_step(at, actor, view.run_id, can_finish_in_timeframe=False)

    assert run_context.view_run(actor, view.run_id).step.id == "identify_owner"
    assert at.title[0].value == "Identify the CMS owning caseworker"  # its first page: the checklist and the name
    assert not at.exception


def test_the_csa_caseworker_is_told_the_case_was_handed_over_and_is_not_asked_the_owners_steps(
    sqlite_demo_db, actor_for
):
    """QA: after the hand-over to the team of an owner on leave, the page asked the CSA caseworker the owner's steps."""
    actor = actor_for("caseworker")
    walk = PageWalk(actor, "P2", csa_case_to_transition(actor))
    hand_over(walk, available=False)
    at, view = walk.at, walk.view
    assert view.step.id == "update_notes"
    assert at.title[0].value == "Handed over"
    (told,) = [s.value for s in at.success]
    assert told.startswith("This case has been handed over to ")
    assert f"SR {view.sr_number} waits there, unallocated, until their team leader gives it to a caseworker" in told
    assert "nothing more for you to record" in texts(at)
    assert "Continue" not in [b.label for b in at.button]
    assert not at.text_area  # the owner's question is not drawn
    assert "update_notes" not in texts(at)


def test_routing_enforcement_names_the_open_arrears_review_sr_on_the_page_and_before_saving(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    case_id = csa_case_to_transition(actor)
    number = open_arrears_review(case_id, actor)
    walk = PageWalk(actor, "P2", case_id)
    to_notes(walk)
    assert walk.step == "route_case"
    assert any(f"open Arrears Review SR: {number} (In Progress)" in w.value for w in walk.at.warning)
    walk.answer(routes=["Ongoing enforcement action"], confirm=False)
    assert walk.at.title[0].value == "Check your answers before saving"
    assert any(f"open Arrears Review SR: {number} (In Progress)" in w.value for w in walk.at.warning)
    assert "Confirm and save" in [b.label for b in walk.at.button]  # a warning, not a refusal


def test_back_in_a_new_session_keeps_the_earlier_pages_answers_of_the_step_it_reopens(sqlite_demo_db, actor_for):
    """QA (Chromium): a caseworker resumed a run at "Advise the owning caseworker" in a new session (a reload, or
    from My work the next day), pressed Back, answered "No" to "Is the owning caseworker available?" and pressed
    Continue: "Error: Enter CMS owning caseworker" under a box showing the name. Back opened the step's last page
    without the answers saved on its first page, so the save lacked them."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P2", csa_case_to_transition(actor))
    walk.answer(csa_caseworker="Sam Patel", outstanding_actions="Arrears adjustment", can_finish_in_timeframe=False)
    walk.answer(owner_name="Robin Shaw", owner_available=True)
    assert walk.step == "advise_owner"

    at = open_wizard(actor, walk.view.run_id)  # a new session: nothing of the earlier pages kept in the browser
    button(at, "Back").click().run()
    assert at.title[0].value == "Is the owning caseworker available?"
    answer_step(at, actor, walk.view.run_id, owner_available=False)

    view = run_context.view_run(actor, walk.view.run_id)
    assert view.step.id == "contact_team_leader", texts(at)
    assert "Enter CMS owning caseworker" not in texts(at)
    with transaction() as session:
        assert session.get_one(ProcedureRun, walk.view.run_id).answers["owner_name"] == "Robin Shaw"


def test_update_notes_shows_the_note_on_check_your_answers_before_it_is_saved(sqlite_demo_db, actor_for):
    """QA, 7 December: what the owning caseworker typed at "Update Notes" went on the SR at Continue. The page now
    shows check your answers with the note exactly as it will be saved, line breaks and all; Back from there leaves
    the SR's notes as they were; Confirm and save records that very text."""
    actor = actor_for("caseworker")
    walk = PageWalk(actor, "P2", csa_case_to_transition(actor))
    hand_over(walk)
    walk.carry_on_as(kim_lee(actor))
    assert walk.step == "update_notes"
    before = walk.outcome().srs["main"].notes
    typed = "DEO variation due 1 December.\nNew employer from October: payroll number to follow."
    walk.checked(information_received=typed)
    shown = texts(walk.at)
    assert "Notes this step records" in shown
    assert "Information received from CSA (Alex Reed): DEO variation due 1 December." in shown
    assert "New employer from October: payroll number to follow." in shown
    assert walk.outcome().srs["main"].notes == before

    view = walk.back_from_check()
    assert (view.step.id, view.awaiting_confirmation) == ("update_notes", False)
    assert walk.at.text_area[0].value == typed  # the answer kept, to correct
    assert walk.outcome().srs["main"].notes == before

    walk.checked(information_received=typed)
    walk.confirm()
    assert walk.step == "route_case"
    assert walk.outcome().srs["main"].notes[-1] == f"Information received from CSA (Alex Reed): {typed}"
