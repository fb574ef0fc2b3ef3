"""P1 CSA Information Required - Contact Caseworker: every branch, walked headlessly."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Deadline, ServiceRequest
from domain.clock import next_working_day, uk_local, utcnow
from services import runs, sr_view
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from tests.procedures.walk import Walk, find_case

START = {"query_reason": "Complaint", "query_summary": "Arrears history 2010 to 2012 for the complaint"}


@pytest.fixture
def caseworker(actor_for):
    return actor_for("caseworker")


def start(caseworker, transition_complete=True) -> Walk:
    walk = Walk(caseworker, "P1", find_case(caseworker, financial_transition_complete=transition_complete))
    walk.answer(**START, financial_transition_complete=transition_complete)
    return walk


def test_a_query_before_financial_transition_is_rerouted_to_csa_caseworkers(demo_db, caseworker):
    walk = start(caseworker, transition_complete=False)
    assert walk.step == "reroute_to_csa"
    # The seed's pointer ("For more information refer to Call - Overview."), a procedure Casework Guide has not.
    assert "published procedure Call - Overview" in walk.view.step.guidance
    assert "not in Casework Guide" in walk.view.step.guidance
    walk.answer()
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert outcome.status == "finished"
    assert (main.process, main.area, main.sub_area) == ("Transition", "CSA Information", "Information Request")
    assert (main.status, main.sub_status, main.resolution_code) == ("Closed", "Complete", "Rerouted")
    assert any("re-routed to CSA caseworkers" in n for n in main.notes)
    assert walk.path() == ["query_received", "reroute_to_csa", "done"]


def test_information_found_on_the_legacy_systems_is_recorded_and_no_segment_move(demo_db, caseworker):
    walk = start(caseworker)
    walk.answer(information_found=True, findings="CSCS shows payments to March 2012")
    assert walk.step == "record_found"
    walk.answer()
    walk.answer(segment_move="No move needed")
    outcome = walk.outcome()
    assert set(outcome.srs) == {"main"}
    assert outcome.srs["main"].resolution_code == "Information Provided"
    assert "Information found on the legacy systems: CSCS shows payments to March 2012" in outcome.srs["main"].notes
    assert walk.path() == ["query_received", "search_legacy", "record_found", "consider_segment", "done"]


def test_a_closed_ccd_case_is_answered_by_the_team_and_never_referred_to_bolton(demo_db, caseworker):
    walk = start(caseworker)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=True)
    assert walk.step == "answer_from_ccd"
    walk.answer(ccd_findings="CCD notes: LO granted 2014")
    walk.answer(segment_move="Complaints - ICE", segment_reason="Escalated to ICE")
    outcome = walk.outcome()
    assert any("not referred to Bolton" in n for n in outcome.srs["main"].notes)
    ice = outcome.srs["segment"]
    assert (ice.process, ice.area, ice.sub_area, ice.status) == ("Escalated Enquiries", "Complaints", "ICE", "Open")
    assert ice.parent_number == outcome.srs["main"].number


def test_information_given_on_the_call_goes_straight_to_the_segment_decision(demo_db, caseworker):
    walk = start(caseworker)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    walk.answer(given_on_call=True, call_findings="Balance confirmed as £1,200.00")
    assert walk.step == "consider_segment"
    walk.answer(segment_move="Complaints - Resolution")
    outcome = walk.outcome()
    assert outcome.deadlines == ()
    assert outcome.srs["segment"].sub_area == "Resolution"
    # without the optional reason the note ends there: no dangling colon (QA)
    assert "Case routed to Complaints - Resolution." in outcome.srs["main"].notes


def test_information_not_given_sets_a_review_date_on_a_working_day_and_waits_for_the_update(demo_db, caseworker):
    walk = start(caseworker)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    saturday = uk_local(utcnow()).date() + timedelta(days=(5 - uk_local(utcnow()).weekday()) % 7 or 7)
    walk.answer(given_on_call=False, review_date=saturday.isoformat())
    assert walk.step == "chase_update"
    outcome = walk.outcome()
    ((kind, due, explanation),) = outcome.deadlines
    assert kind == "review_date"
    assert uk_local(due).date() == next_working_day(saturday, "England")
    assert "moved from" in explanation
    walk.answer(chase_answered=True, update_findings="Update received by email")
    walk.answer(segment_move="Complaints - Review")
    assert walk.outcome().srs["segment"].sub_area == "Review"


def test_back_keeps_answers_and_is_refused_once_effects_are_saved(demo_db, caseworker):
    walk = start(caseworker)
    with pytest.raises(DomainError, match="already saved on the SR"):
        walk.back()
    walk.answer(information_found=False)
    walk.back()
    assert walk.step == "search_legacy"
    assert {f.name: f.value for f in walk.view.step.fields}["information_found"] is False


def test_a_step_cannot_be_skipped_without_its_checklist_and_answers(demo_db, caseworker):
    walk = start(caseworker)
    with pytest.raises(ValidationFailed) as info:
        runs.submit_step(caseworker, walk.view.run_id, {"information_found": True}, expected_version=walk.view.version)
    assert "CSCS checked" in info.value.errors["_checklist"]
    assert info.value.errors["findings"] == "Enter what you found"
    assert walk.step == "search_legacy"


def test_every_step_is_audited(demo_db, caseworker):
    walk = start(caseworker)
    with transaction() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == walk.view.run_id).order_by(AuditEvent.id)
        ).all()
    assert actions == ["run.started", "run.answers", "run.step"]


def test_the_srs_timeline_names_the_runs_steps_by_title_never_by_their_ids(demo_db, caseworker, actor_for):
    """QA found "Procedure step saved: State set to search_legacy; Effects: 2" on the team leader's SR page."""
    walk = start(caseworker)
    walk.answer(information_found=True, findings="CSCS shows payments to March 2012")
    number = walk.outcome().srs["main"].number
    with transaction() as session:
        sr_id = session.scalars(select(ServiceRequest.id).where(ServiceRequest.number == number)).one()
    shown = [entry.text for entry in sr_view.sr_full_view(actor_for("teamleader"), sr_id).timeline]
    assert any('Step "Search the legacy systems" saved; next step "Record what you found"' in t for t in shown), shown
    for state in ("query_received", "search_legacy", "record_found"):
        assert not any(state in text for text in shown), (state, shown)
    assert not any("Effects" in text or "Team id" in text or ": nothing" in text for text in shown), shown


def review_dates_met(walk: Walk) -> list[bool]:
    """Whether each review date on the run's SR is met."""
    with transaction() as session:
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == walk.view.sr_number))
        return list(session.scalars(select(Deadline.done).where(Deadline.sr_id == sr_id).order_by(Deadline.id)))


def test_an_answered_chase_waits_for_check_your_answers_saying_the_review_date_is_met(demo_db, caseworker):
    """The chase that gets the information marks the review date met and notes what was typed: check your answers
    says both before they are recorded, and Back from there leaves the review date open and the notes as they were."""
    walk = start(caseworker)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    walk.answer(given_on_call=False, review_date=uk_local(utcnow()).date().isoformat())
    notes = walk.outcome().srs["main"].notes
    view = walk.checked(chase_answered=True, update_findings="Liability ended 3 March 2019; arrears £1,204.50")
    assert view.deadlines_met == ("Review date: marked met",)
    assert [n.text for n in view.notes] == [
        "Update received from CSA caseworker Sam Patel: Liability ended 3 March 2019; arrears £1,204.50"
    ]
    walk.back_from_check()
    assert walk.step == "chase_update"
    assert walk.outcome().srs["main"].notes == notes
    assert review_dates_met(walk) == [False]
    walk.checked(chase_answered=True, update_findings="Liability ended 3 March 2019; arrears £1,204.50")
    walk.confirm()
    assert walk.step == "consider_segment"
    assert review_dates_met(walk) == [True]
    assert walk.outcome().srs["main"].notes[-1].endswith("arrears £1,204.50")


def test_searching_the_legacy_systems_has_no_check_page(demo_db, caseworker):
    """The step the speed benchmarks time records nothing, so Continue moves straight on (its findings are noted,
    and checked, at "Record what you found")."""
    walk = start(caseworker)
    view = walk.answer(confirm=False, information_found=True, findings="CSCS: liability ended 3 March 2019")
    assert not view.awaiting_confirmation
    assert walk.step == "record_found"
    view = walk.checked()
    assert [n.text for n in view.notes] == [
        "Information found on the legacy systems: CSCS: liability ended 3 March 2019"
    ]
