"""P2 in the wizard page: a step reached forwards opens at its first page (QA)."""

from services import run_context, run_start
from tests.app.answering import answer_step
from tests.app.test_wizard import _case_id, button, open_wizard


def test_a_step_reached_forwards_after_back_and_a_new_answer_opens_at_its_first_page(sqlite_demo_db, actor_for):
    """QA: Back to step 1 from the step its first answer led to, a different answer there, Continue: step 2 opened at
    its second page (Back's "show the last page" was left waiting for the next step not seen yet)."""
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P2", case_id=_case_id(actor))
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
