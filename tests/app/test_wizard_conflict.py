"""Two sessions on the same run in the wizard: the second to save is told someone else saved first, offered a
reload, and after it sees the first one's answers; nothing of the second is saved over them."""

from services import run_context, run_outcomes, run_start
from tests.app.helpers import texts
from tests.app.test_wizard import _case_id, button, open_wizard


def fill_first_step(at, summary: str) -> None:
    at.checkbox[0].check()
    at.radio[0].set_value("Complaint")
    at.text_area[0].input(summary)
    at.radio[1].set_value("Yes")


def test_the_second_session_to_save_a_step_gets_a_conflict_and_a_reload_showing_the_first_answers(
    sqlite_demo_db, actor_for
):
    actor, colleague = actor_for("caseworker"), actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    first, second = open_wizard(actor, view.run_id), open_wizard(colleague, view.run_id)

    fill_first_step(first, "Saved by the first session")
    button(first, "Continue").click().run()
    assert "Check your answers before saving" in texts(first)

    fill_first_step(second, "Typed in the second session")
    button(second, "Continue").click().run()
    assert not second.exception
    shown = texts(second)
    assert "There is a problem" in shown
    assert "This procedure run was changed by someone else after you opened it" in shown
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
