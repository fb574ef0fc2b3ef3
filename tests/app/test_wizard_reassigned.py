"""A caseworker's wizard open mid-step when a team leader reassigns the SR (on another server): their Continue saves
nothing and the page says once, in words, whose the run is now; opened again, it shows that instead of the step."""

from sqlalchemy import select

from db.models import ServiceRequest, User
from services import console, run_context, run_start
from services.transaction import transaction
from tests.app.helpers import texts
from tests.app.test_wizard import button, heading, open_wizard
from tests.procedures.walk import information_request_sr


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
