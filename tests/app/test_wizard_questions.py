"""The wizard page never shows a question answered for the caseworker: not on the first visit of a step, and
not when a loop brings the run back to a step answered before (issue 15); it says whose step it is (P2)."""

from datetime import timedelta

from db.models import ProcedureRun
from services import run_context, run_start, runs
from services.transaction import transaction
from tests.app.answering import answer_step
from tests.app.helpers import texts
from tests.app.test_wizard import _case_id, button, open_wizard
from tests.procedures.walk import Walk, csa_case_to_transition


def radio(at, label):
    return next(r for r in at.radio if r.label.startswith(label))


def test_the_p1_routing_question_is_shown_with_no_answer_selected(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    at.checkbox[0].check()
    for answer in ("Complaint", None):  # the pages before it: the checklist, the reason, the summary
        button(at, "Continue").click().run()
        if answer:
            at.radio[0].set_value(answer)
        else:
            at.text_area[0].input("Arrears 2010")
    button(at, "Continue").click().run()
    assert at.title[0].value == "Has financial transition to CMS been completed?"
    assert radio(at, "Has financial transition to CMS been completed?").value is None
    assert not any("Who does this" in m.value for m in at.markdown)  # P1 has one actor


def test_a_chase_answered_no_comes_back_to_a_blank_step_in_the_page(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk = Walk(actor, "P1", _case_id(actor, financial_transition_complete=True))
    walk.answer(query_reason="Complaint", query_summary="Arrears 2010", financial_transition_complete=True)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    later = (run_context.run_today() + timedelta(days=7)).isoformat()
    walk.answer(given_on_call=False, review_date=later)
    at = open_wizard(actor, walk.view.run_id)
    radio(at, "Did the CSA caseworker give you the information?").set_value("No").run()
    next(d for d in at.date_input if d.label.startswith("New review date")).set_value(
        run_context.run_today() + timedelta(7)
    )
    next(b for b in at.button if b.label == "Continue").click().run()
    assert at.title[0].value == "Check your answers before saving"  # a new review date is checked before it saves
    # Review's finding (eighth session): the sentence named the new review date but not the note drawn below it.
    shown = texts(at)
    for heading in (
        "Dates and deadlines this step records",
        "Deadlines this step marks met",
        "Notes this step records",
    ):
        assert heading in shown, heading
    assert "Chased CSA caseworker Sam Patel on" in shown
    assert (
        "When you save, the changes listed under **What to enter in CMS when you save this step** and the dates, new "
        "deadlines, deadlines met and notes listed below are recorded on the SR. After that you cannot go back to "
        "change these answers."
    ) in shown
    next(b for b in at.button if b.label == "Confirm and save").click().run()
    assert not at.exception
    assert "There is a problem" not in " ".join(e.value for e in at.error)
    assert run_context.view_run(actor, walk.view.run_id).step.id == "chase_update"
    assert radio(at, "Did the CSA caseworker give you the information?").value is None


def test_p2_says_whose_step_it_is(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P2", case_id=csa_case_to_transition(actor))
    at = open_wizard(actor, view.run_id)
    assert any(m.value.startswith("**Who does this:** the CSA caseworker") for m in at.markdown)


def test_a_reload_mid_step_resumes_at_the_page_reached_with_the_answers_given(sqlite_demo_db, actor_for):
    """A caseworker answers P1's first pages, the browser is reloaded (a new session), and the step resumes at the
    page they reached; saving it from there records the answers given before the reload."""
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    at.checkbox[0].check()
    button(at, "Continue").click().run()
    radio(at, "What needs the CSA information?").set_value("Other CMS work")
    button(at, "Continue").click().run()
    assert at.title[0].value == "What information is needed"

    again = open_wizard(actor, view.run_id)  # a reload: a new browser session
    assert again.title[0].value == "What information is needed"
    again.text_area[0].input("The 2011 arrears schedule")
    button(again, "Continue").click().run()
    assert again.title[0].value == "Has financial transition to CMS been completed?"
    radio(again, "Has financial transition to CMS been completed?").set_value("Yes")
    button(again, "Continue").click().run()
    assert not again.exception

    saved = run_context.view_run(actor, view.run_id)
    assert saved.step.id != "query_received" or saved.awaiting_confirmation
    with transaction() as session:
        run = session.get(ProcedureRun, view.run_id)
        assert run.answers["query_reason"] == "Other CMS work"
        assert run.answers["query_summary"] == "The 2011 arrears schedule"
        assert run.checklists["query_received"] == list(view.step.checklist)


def test_a_tab_left_behind_says_the_run_moved_on_at_its_next_click(sqlite_demo_db, actor_for):
    """Two tabs on one run: the second saves P1's first step; the first tab's next click (a tick) shows the step
    the run is at, and says so, instead of jumping there without a word."""
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    left_behind = open_wizard(actor, view.run_id)
    assert not left_behind.info
    answers = {"query_reason": "Complaint", "query_summary": "Arrears 2010", "financial_transition_complete": True}
    runs.submit_step(  # the other tab
        actor, view.run_id, {**answers, "_checklist": list(view.step.checklist)}, expected_version=view.version
    )

    left_behind.checkbox[0].check().run()
    moved = [i.value for i in left_behind.info if "moved on while this page was open" in i.value]
    assert moved == [
        "This procedure was moved on while this page was open, in another tab or window or by a colleague. "
        'It is now on check your answers for step 1, "Check where the case is in transition". Anything you had '
        "typed on the page you were on was not saved."
    ]
    next(b for b in left_behind.button if b.label == "Confirm and save").click().run()  # its own action: no notice
    assert run_context.view_run(actor, view.run_id).step.id == "search_legacy"
    assert not any("moved on" in i.value for i in left_behind.info)


def test_back_from_check_your_answers_reopens_the_step_at_its_last_page_with_the_answers(sqlite_demo_db, actor_for):
    """P1's first step has no step before it: Back from its check page was missing (QA). It now reopens the step
    being checked at its last question, answered; Continue from there comes back to the check page."""
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    answer_step(
        at, actor, view.run_id, query_reason="Appeal", query_summary="Arrears 2010", financial_transition_complete=True
    )
    assert at.title[0].value == "Check your answers before saving"

    button(at, "Back").click().run()
    assert at.title[0].value == "Has financial transition to CMS been completed?"
    assert radio(at, "Has financial transition to CMS been completed?").value == "Yes"
    button(at, "Back").click().run()  # and the step's pages before it, answered
    assert at.text_area[0].value == "Arrears 2010"
    button(at, "Continue").click().run()
    button(at, "Continue").click().run()
    assert at.title[0].value == "Check your answers before saving"
    assert not at.exception


def test_a_change_saved_from_its_own_page_keeps_the_steps_other_answers(sqlite_demo_db, actor_for):
    """Change on the summary question, Continue through the pages after it: the step's answers on the pages before
    it (not drawn again in this visit) are kept, not refused as missing."""
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    answer_step(
        at, actor, view.run_id, query_reason="Appeal", query_summary="Arrears 2010", financial_transition_complete=True
    )
    next(b for b in at.button if b.key == "chg:query_received:What information is needed").click().run()
    at.text_area[0].input("Arrears 2010 and 2011")
    button(at, "Continue").click().run()
    button(at, "Continue").click().run()
    assert "There is a problem" not in texts(at)
    assert at.title[0].value == "Check your answers before saving"
    with transaction() as session:
        answers = session.get(ProcedureRun, view.run_id).answers
    assert (answers["query_reason"], answers["query_summary"]) == ("Appeal", "Arrears 2010 and 2011")
