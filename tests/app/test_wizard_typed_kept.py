"""A caseworker is interrupted mid-page: they open My work, then come back to the run and find what they had entered.

What is entered on a step's page and not yet Continued lives in Streamlit's inputs, which Streamlit drops when another
page is drawn. The wizard keeps a copy in the browser session (ui/question_flow.py, `keep_typed`), never on the run:
these tests check it comes back on the same run and step, and only there, and never over a run changed meanwhile.
"""

from datetime import date, timedelta

from sqlalchemy import select

from db.models import Case, ProcedureRun
from services import run_context, run_start, runs
from services.transaction import transaction
from tests.app.answering import visit_of
from tests.app.helpers import app_as, texts
from tests.procedures.test_p3 import check_csa, legacy_case, value
from tests.procedures.walk import Walk

RESTORED = "What you had entered on this page before you left it is filled in again"
CHANGED = "so what you had entered on it is not filled in"


def _case_id(actor, **where):
    with transaction() as session:
        query = select(Case.id).where(Case.team_id == actor.team_id).order_by(Case.id)
        for key, wanted in where.items():
            query = query.where(getattr(Case, key) == wanted)
        return session.scalars(query).first()


def p1_run(actor) -> str:
    return run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True)).run_id


def open_run(at, run_id: str):
    """Come back to the run, as My work's Carry on does: the wizard page with the run in its URL."""
    at.query_params["run"] = run_id
    at.switch_page("pages/wizard.py").run()
    assert not at.exception
    return at


def my_work(at):
    at.switch_page("pages/my_work.py").run()
    assert not at.exception
    assert at.title[0].value == "My work"
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def heading(at) -> str:
    return at.title[0].value


def test_a_note_typed_then_my_work_then_carry_on_is_there_with_the_ticks_and_the_choice(sqlite_demo_db, actor_for):
    """A caseworker ticks the checklist, is called away to My work before Continue, and comes back: still ticked.
    Then the same with a choice, and with a long note (over the box's limit: kept, and refused at the field)."""
    actor = actor_for("caseworker")
    run_id = p1_run(actor)
    at = open_run(app_as(actor).run(), run_id)
    assert heading(at) == "Check where the case is in transition"
    at.checkbox[0].check().run()
    assert RESTORED not in texts(at)

    open_run(my_work(at), run_id)
    assert at.checkbox[0].value is True
    assert RESTORED in texts(at)  # said at the top of the step, only when something came back
    button(at, "Continue").click().run()

    assert heading(at) == "What needs the CSA information?"
    assert RESTORED not in texts(at)
    at.radio[0].set_value("Appeal").run()
    open_run(my_work(at), run_id)
    assert at.radio[0].value == "Appeal"
    button(at, "Continue").click().run()

    assert heading(at) == "What information is needed"
    note = "Payments between 2010 and 2012, " * 130  # pasted from a CSA system: over the 4,000 characters a note takes
    at.text_area[0].input(note).run()
    open_run(my_work(at), run_id)
    assert at.text_area[0].value == note
    assert RESTORED in texts(at)
    with transaction() as session:  # nothing half-typed is written to the run
        assert "Payments between" not in str(session.get_one(ProcedureRun, run_id).draft)

    # Continue refuses it at the field, with the text still there to shorten: the box's own behaviour.
    button(at, "Continue").click().run()
    assert heading(at) == "What information is needed"
    assert "characters or fewer (it has" in texts(at)
    assert at.text_area[0].value == note
    at.text_area[0].input("Payments between 2010 and 2012").run()
    button(at, "Continue").click().run()

    # Continue took it: kept as the step's answer (the page before it shows it again), not as something typed.
    assert heading(at) == "Has financial transition to CMS been completed?"
    assert f"typed:{run_id}" not in at.session_state
    open_run(my_work(at), run_id)
    assert RESTORED not in texts(at)
    assert at.radio[0].value is None
    button(at, "Back").click().run()
    assert at.text_area[0].value == "Payments between 2010 and 2012"
    assert RESTORED not in texts(at)


def test_a_date_and_a_yes_no_answer_come_back(sqlite_demo_db, actor_for):
    """P1's call to the CSA caseworker: No, then a review date; the caseworker opens My work and comes back."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P1", _case_id(actor, financial_transition_complete=True))
    walk.answer(query_reason="Appeal", query_summary="Payments", financial_transition_complete=True)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Jo Bloggs")
    assert walk.step == "call_csa_caseworker"
    at = open_run(app_as(actor).run(), walk.view.run_id)
    at.radio[0].set_value("No").run()
    chase_on = date.today() + timedelta(days=10)
    at.date_input[0].set_value(chase_on).run()

    open_run(my_work(at), walk.view.run_id)
    assert at.radio[0].value == "No"
    assert at.date_input[0].value == chase_on
    assert RESTORED in texts(at)


def test_a_multiple_choice_comes_back(sqlite_demo_db, actor_for):
    """P3's ongoing enforcement actions, chosen from a list, then My work and back."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor))
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    at = open_run(app_as(actor).run(), walk.view.run_id)
    while not at.multiselect:  # the checklist first, on a page of its own
        at.checkbox[0].check()
        button(at, "Continue").click().run()
    at.multiselect[0].select("Bailiff").run()
    open_run(my_work(at), walk.view.run_id)
    assert at.multiselect[0].value == ["Bailiff"]
    assert RESTORED in texts(at)


def test_another_run_or_another_step_does_not_get_them(sqlite_demo_db, actor_for):
    """A note typed on one run's step is not filled in on another run, nor on the same run's next step."""
    actor = actor_for("caseworker")
    first, second = p1_run(actor), run_start.start_run(actor, "P1", case_id=_case_id(actor)).run_id
    at = open_run(app_as(actor).run(), first)
    at.checkbox[0].check()
    button(at, "Continue").click().run()
    at.radio[0].set_value("Complaint").run()

    open_run(my_work(at), second)  # the other run, at the same step and page
    at.checkbox[0].check()
    button(at, "Continue").click().run()
    assert heading(at) == "What needs the CSA information?"
    assert at.radio[0].value is None
    assert RESTORED not in texts(at)

    open_run(my_work(at), first)
    assert at.radio[0].value == "Complaint"  # its own run still has it

    # The same run's next visit of a step: a different step never gets this one's answers.
    view = run_context.view_run(actor, first)
    saved = runs.submit_step(
        actor,
        first,
        {
            "query_reason": "Complaint",
            "query_summary": "x",
            "financial_transition_complete": True,
            "_checklist": list(view.step.checklist),
        },
        expected_version=view.version,
    )
    runs.confirm_step(actor, first, expected_version=saved.version)
    open_run(my_work(at), first)
    assert heading(at) == "Search the legacy systems"
    assert "Anything you had typed on the page you were on was not saved" in texts(at)
    assert f"typed:{first}" not in at.session_state
    assert RESTORED not in texts(at)


def test_a_step_saved_elsewhere_meanwhile_is_shown_as_saved_not_as_typed_before(sqlite_demo_db, actor_for):
    """The caseworker types on a page, opens My work; in another tab (or on another server) the step is saved and
    then reopened with Back, so the run is at the same step again. Coming back shows what was saved, says why what
    they had typed is not there, and never fills it in later."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P1", _case_id(actor, financial_transition_complete=True))
    walk.answer(query_reason="Appeal", query_summary="Payments", financial_transition_complete=True)
    at = open_run(app_as(actor).run(), walk.view.run_id)
    assert heading(at) == "Search the legacy systems"
    for box in at.checkbox:
        if str(box.key).startswith("ck:"):
            box.check()
    at.radio[0].set_value("Yes").run()
    at.text_area[0].input("Typed here, never Continued").run()
    my_work(at)

    elsewhere = walk.answer(information_found=True, findings="Saved in the other tab")
    runs.go_back(actor, walk.view.run_id, expected_version=elsewhere.version)
    assert visit_of(run_context.view_run(actor, walk.view.run_id)) == "search_legacy@2"

    open_run(at, walk.view.run_id)
    assert at.radio[0].value == "Yes"
    assert at.text_area[0].value == "Saved in the other tab"
    assert CHANGED in texts(at)
    assert RESTORED not in texts(at)
    assert f"typed:{walk.view.run_id}" not in at.session_state
    open_run(my_work(at), walk.view.run_id)
    assert at.text_area[0].value == "Saved in the other tab"
    assert CHANGED not in texts(at)


def test_discarding_the_run_drops_them(sqlite_demo_db, actor_for):
    """Typed, then the run discarded from its page: nothing is kept. (Signing out: tests/browser/test_wizard.py.)"""
    actor = actor_for("caseworker")
    run_id = p1_run(actor)
    at = open_run(app_as(actor).run(), run_id)
    at.checkbox[0].check().run()
    assert f"typed:{run_id}" in at.session_state
    button(at, "Discard this run").click().run()
    button(at, "Yes, discard this run").click().run()
    assert "was discarded" in heading(at)
    assert f"typed:{run_id}" not in at.session_state
