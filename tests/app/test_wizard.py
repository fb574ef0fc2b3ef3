"""A caseworker walks P1 through the wizard page: checklist, answers, check your answers, saved SRs."""

from sqlalchemy import select

from db.models import Case
from services import run_context, run_outcomes, run_start, runs
from services.transaction import transaction
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


def test_a_caseworker_walks_p1_through_the_wizard_and_the_srs_are_saved(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    assert "Step 1 of about 3" in at.get("progress")[0].proto.text

    # Continue without the checklist or answers: GOV.UK-style summary and nothing saved.
    button(at, "Continue").click().run()
    assert "There is a problem" in texts(at)
    assert "Confirm you have done this before you continue" in texts(at)
    assert run_context.view_run(actor, view.run_id).step.id == "query_received"

    at.checkbox[0].check()
    at.radio[0].set_value("Complaint")
    at.text_area[0].input("Payments between 2010 and 2012")
    at.radio[1].set_value("Yes")
    button(at, "Continue").click().run()
    assert "Check your answers before saving" in texts(at)
    panel = texts(at)
    assert "Process = Transition" in panel  # published (seed 002)
    assert "Area: choose the Area your team uses to record a contact about CSA information" in panel
    assert "Suggestion, not confirmed by the published procedure or your policy team: CSA Information" in panel
    button(at, "Confirm and save").click().run()
    assert "Search the legacy systems" in texts(at)
    # "Enter in CMS now": the saved step's lines, each with a done-in-CMS tick
    assert any("Create a new SR" in str(c.label) for c in at.checkbox)

    for box in at.checkbox:
        box.check()
    at.radio[0].set_value("Yes").run()
    at.text_area[0].input("CSCS shows the payments")
    button(at, "Continue").click().run()
    button(at, "Continue").click().run()  # record what you found (no inputs)
    at.radio[0].set_value("No move needed")
    button(at, "Continue").click().run()
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
