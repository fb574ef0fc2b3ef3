"""Two sessions on the same run in the wizard: the second to save is told someone else saved first, offered a
reload, and after it sees the first one's answers; nothing of the second is saved over them."""

from services import run_context, run_outcomes, run_start
from tests.app.answering import answer_step
from tests.app.helpers import texts
from tests.app.test_wizard import _case_id, button, open_wizard


def test_the_second_session_to_save_a_step_gets_a_conflict_and_a_reload_showing_the_first_answers(
    sqlite_demo_db, actor_for
):
    actor, colleague = actor_for("caseworker"), actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    first, second = open_wizard(actor, view.run_id), open_wizard(colleague, view.run_id)

    # The second session reaches the step's last page (its earlier pages are checked in its session alone) ...
    second.checkbox[0].check()
    button(second, "Continue").click().run()
    second.radio[0].set_value("Complaint")
    button(second, "Continue").click().run()
    second.text_area[0].input("Typed in the second session")
    button(second, "Continue").click().run()
    assert second.title[0].value == "Has financial transition to CMS been completed?"
    second.radio[0].set_value("Yes")

    # ... the first saves the step meanwhile ...
    answers = {"query_reason": "Complaint", "query_summary": "Saved by the first session"}
    answer_step(first, actor, view.run_id, financial_transition_complete=True, **answers)
    assert "Check your answers before saving" in texts(first)

    # ... and the second's save is refused.
    button(second, "Continue").click().run()
    assert not second.exception
    shown = texts(second)
    assert "There is a problem" in shown
    assert "This procedure run was changed after you opened it, by someone else or by you in another tab" in shown
    assert "Reload to see the change, then try again." in shown
    assert "Typed in the second session" not in [row.value for row in run_context.view_run(actor, view.run_id).summary]

    button(second, "Reload").click().run()
    shown = texts(second)
    assert "There is a problem" not in shown
    assert "Check your answers before saving" in shown
    assert "Saved by the first session" in shown

    # The reloaded screen is current: confirming from it saves, and the first (now stale) session is refused.
    button(second, "Confirm and save").click().run()
    assert "Search the legacy systems" in texts(second)
    button(first, "Confirm and save").click().run()
    assert "Reload to see the change" in texts(first)
    outcome = run_outcomes.run_outcome(actor, view.run_id)
    assert outcome.srs["main"].notes == ("CSA information required (Complaint): Saved by the first session",)
