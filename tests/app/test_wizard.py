"""A caseworker walks P1 through the wizard page: checklist, answers, check your answers, saved SRs."""

from sqlalchemy import select

from db.models import Case
from services import run_context, run_outcomes, run_start, runs
from services.transaction import transaction
from tests.app.answering import answer_step
from tests.app.helpers import app_as, texts


def _case_id(actor, **where):
    with transaction() as session:
        query = select(Case.id).where(Case.team_id == actor.team_id).order_by(Case.id)
        for key, value in where.items():
            query = query.where(getattr(Case, key) == value)
        return session.scalars(query).first()


def open_wizard(actor, run_id):
    at = app_as(actor).run()
    at.query_params["run"] = run_id
    at.switch_page("pages/wizard.py").run()
    assert not at.exception
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def heading(at) -> str:
    return at.title[0].value


def test_a_caseworker_walks_p1_one_question_a_page_and_the_srs_are_saved(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    assert "Step 1 of about 3" in at.get("progress")[0].proto.text
    assert heading(at) == "Check where the case is in transition"  # the step's checklist is its first page
    assert view.procedure_title in [c.value for c in at.caption]  # the procedure, in a caption above

    # Continue without the checklist: GOV.UK-style summary, the same page, nothing saved.
    button(at, "Continue").click().run()
    assert "There is a problem" in texts(at)
    assert "Confirm you have done this before you continue" in texts(at)
    assert heading(at) == "Check where the case is in transition"
    at.checkbox[0].check()
    button(at, "Continue").click().run()

    # One question a page, the question as the heading (the input keeps it as its name, not drawn twice).
    assert heading(at) == "What needs the CSA information?"
    assert at.radio[0].label == "What needs the CSA information?"
    assert at.radio[0].proto.label_visibility.value == at.radio[0].proto.label_visibility.COLLAPSED
    button(at, "Continue").click().run()  # nothing chosen: refused at this page, before the next
    assert "There is a problem" in texts(at)
    assert heading(at) == "What needs the CSA information?"
    at.radio[0].set_value("Complaint")
    button(at, "Continue").click().run()
    assert heading(at) == "What information is needed"
    at.text_area[0].input("Payments between 2010 and 2012")
    button(at, "Back").click().run()  # Back within the step keeps both answers
    assert heading(at) == "What needs the CSA information?"
    assert at.radio[0].value == "Complaint"
    button(at, "Continue").click().run()
    assert at.text_area[0].value == "Payments between 2010 and 2012"
    button(at, "Continue").click().run()
    assert heading(at) == "Has financial transition to CMS been completed?"
    assert at.radio[0].value is None  # a routing question starts unanswered
    # nothing is saved before the step's last page
    assert all(f.value is None for f in run_context.view_run(actor, view.run_id).step.fields)
    at.radio[0].set_value("Yes")
    button(at, "Continue").click().run()
    assert heading(at) == "Check your answers before saving"
    change = next(b for b in at.button if b.key == "chg:query_received:What information is needed")
    change.click().run()  # Change opens the page that asks that question, with the answer given
    assert heading(at) == "What information is needed"
    assert at.text_area[0].value == "Payments between 2010 and 2012"
    button(at, "Back").click().run()  # and Back from there is the step's page before it
    assert heading(at) == "What needs the CSA information?"
    answer_step(at, actor, view.run_id)  # every answer is still there: Continue on each page
    assert heading(at) == "Check your answers before saving"
    panel = texts(at)
    # Transition is published (seed 002) for P3's Finalise Case SR, not for P1's own: a suggestion here
    assert "Process: choose the Process your team uses for this SR; the procedure does not name one for it" in panel
    assert "Suggestion, not confirmed by the published procedure or your policy team: Transition" in panel
    assert "Process = Transition" not in panel
    assert "Area: choose the Area your team uses to record a contact about CSA information" in panel
    assert "Suggestion, not confirmed by the published procedure or your policy team: CSA Information" in panel
    button(at, "Confirm and save").click().run()
    assert heading(at) == "Search the legacy systems"
    # "Enter in CMS now": the saved step's lines, each with a done-in-CMS tick
    assert any("Create a new SR" in str(c.label) for c in at.checkbox)
    # a tick box's raw label is its accessible name: the words, with no colour mark and no escapes to read out
    ticks = [str(c.label) for c in at.checkbox if str(c.key).startswith("cms:")]
    assert any(
        "Suggestion, not confirmed by the published procedure or your policy team: CSA Information" in t for t in ticks
    )
    assert not [t for t in ticks if ":orange[" in t or "\\" in t]

    answer_step(at, actor, view.run_id, information_found=True, findings="CSCS shows the payments")
    assert heading(at) == "Record what you found"  # a step with no question is one page under its title
    button(at, "Continue").click().run()
    # the findings as typed go into the SR Notes: check your answers shows the note as it will be saved, first
    assert heading(at) == "Check your answers before saving"
    assert "Notes this step records" in texts(at)
    assert "Information found on the legacy systems: CSCS shows the payments" in texts(at)
    assert "and the notes listed below are recorded on the SR" in texts(at)
    button(at, "Confirm and save").click().run()
    answer_step(at, actor, view.run_id, segment_move="No move needed")
    button(at, "Confirm and save").click().run()
    assert "is finished" in texts(at)

    outcome = run_outcomes.run_outcome(actor, view.run_id)
    assert outcome.srs["main"].status == "Closed"
    assert "Information found on the legacy systems: CSCS shows the payments" in outcome.srs["main"].notes


def test_back_is_refused_once_the_sr_is_saved_and_the_page_says_why(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    payload = {
        "query_reason": "Appeal",
        "query_summary": "x",
        "financial_transition_complete": True,
        "_checklist": list(view.step.checklist),
    }
    view = runs.submit_step(actor, view.run_id, payload, expected_version=view.version)
    runs.confirm_step(actor, view.run_id, expected_version=view.version)
    at = open_wizard(actor, view.run_id)
    assert button(at, "Back").disabled
    assert "already saved on the SR" in texts(at)


def test_another_teams_run_in_the_url_is_refused(sqlite_demo_db, actor_for):
    owner = actor_for("caseworker")
    view = run_start.start_run(owner, "P1", case_id=_case_id(owner))
    stranger = actor_for("ssst.caseworker")
    at = open_wizard(stranger, view.run_id)
    assert "it does not exist, or it is not your team's" in texts(at)
    assert "Check where the case is in transition" not in texts(at)
