"""A caseworker's wizard open mid-step when a team leader reassigns the SR (on another server): their Continue saves
nothing and the page says once, in words, whose the run is now; opened again, it shows that instead of the step."""

from sqlalchemy import select

from db.models import ServiceRequest, User
from services import console, run_context, run_start
from services.transaction import transaction
from tests.app.helpers import texts
from tests.app.test_wizard import button, heading, open_wizard
from tests.procedures.test_p1 import START
from tests.procedures.walk import Walk, information_request_sr
from ui.cms_panel import ON_SAVE


def test_continue_on_an_sr_reassigned_meanwhile_saves_nothing_and_says_whose_it_is(sqlite_demo_db, actor_for):
    caseworker, leader, colleague = actor_for("caseworker"), actor_for("teamleader"), actor_for("csa.cw1")
    sr_id, case_id = information_request_sr(caseworker)
    view = run_start.start_run(caseworker, "P1", case_id=case_id, sr_id=sr_id)
    at = open_wizard(caseworker, view.run_id)
    with transaction() as session:
        version = session.get_one(ServiceRequest, sr_id).version
        number = session.get_one(ServiceRequest, sr_id).number
        name = session.scalar(select(User.display_name).where(User.id == colleague.user_id))
    console.reassign(leader, [sr_id], colleague.user_id, "Covering leave", expected_versions={sr_id: version})

    at.checkbox[0].check()
    button(at, "Continue").click().run()
    assert not at.exception
    shown = texts(at)
    said = (
        f"SR {number} is allocated to {name} now, so this procedure run is theirs to carry on, from their My work. "
        "Nothing was saved. If you think the SR should be yours, ask your team leader to reassign it to you."
    )
    assert said in shown
    assert shown.count(f"SR {number} is allocated to {name} now") == 1  # said once, not in an error summary too
    assert "There is a problem" not in shown
    assert heading(at) == f"Carried on by {name}"
    assert not [b for b in at.button if b.label == "Continue"]
    assert run_context.view_run(caseworker, view.run_id).version == view.version  # nothing saved

    again = open_wizard(caseworker, view.run_id)
    assert heading(again) == f"Carried on by {name}"
    assert f"SR {number} is allocated to {name} now, so this procedure run is theirs to carry on" in texts(again)
    assert "Nothing was saved" not in texts(again)

    theirs = open_wizard(colleague, view.run_id)  # the new owner is asked the step
    assert heading(theirs) != f"Carried on by {name}"
    assert [b for b in theirs.button if b.label == "Continue"]


def test_a_run_reassigned_with_its_sr_does_not_tell_its_old_worker_what_to_key_in_for_a_step_they_will_not_save(
    sqlite_demo_db, actor_for
):
    """Seen in Chromium (eighth session): "Carried on by ..." beside "What to enter in CMS when you save this step"
    and the step's SR Notes line, a step the reader can no longer save. Lines of steps they saved stay theirs."""
    caseworker, leader, colleague = actor_for("caseworker"), actor_for("teamleader"), actor_for("csa.cw1")
    sr_id, case_id = information_request_sr(caseworker)
    walk = Walk(caseworker, "P1", case_id, sr_id=sr_id)
    walk.answer(**START, financial_transition_complete=True)
    walk.answer(information_found=True, findings="CSCS shows payments to March 2012")
    assert walk.step == "record_found"
    mine = open_wizard(caseworker, walk.view.run_id)
    assert [m for m in mine.markdown if m.value == f"**{ON_SAVE}**"]  # the step's lines, to key in when saving it
    with transaction() as session:
        version = session.get_one(ServiceRequest, sr_id).version
    console.reassign(leader, [sr_id], colleague.user_id, "Covering leave", expected_versions={sr_id: version})

    again = open_wizard(caseworker, walk.view.run_id)
    assert heading(again).startswith("Carried on by ")
    assert not [m for m in again.markdown if ON_SAVE in m.value]
    assert "Information found on the legacy systems" not in texts(again)
    theirs = open_wizard(colleague, walk.view.run_id)
    assert [m for m in theirs.markdown if m.value == f"**{ON_SAVE}**"]
