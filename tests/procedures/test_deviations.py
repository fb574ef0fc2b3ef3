"""The deviations from the published procedures found in issue 13 (and issue 15's defaults and dates), each
walked through the run API as a caseworker would meet it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Deadline, ProcedureRun, ServiceRequest, User
from domain.clock import format_date
from domain.deadlines import period_end
from domain.local_values import REPLY_PERIOD_NOTE
from procedures import p4_manage_client_arrears as p4
from procedures import p5e_face_to_face as p5e
from procedures import registry
from procedures.definition import QUESTION_KINDS, Field, Procedure
from services import letter_templates, run_context, run_start, work
from services.actor import Actor
from services.errors import ValidationFailed
from services.transaction import transaction
from services.users import create_user
from tests.procedures.p4_helpers import Clock, p4_case, to_after_window, to_await_response
from tests.procedures.ssst_walks import allocated_sr, set_case
from tests.procedures.test_p3 import check_csa, legacy_case, row
from tests.procedures.walk import Walk, csa_case_to_transition, find_case


@pytest.fixture
def caseworker(actor_for):
    return actor_for("caseworker")


@pytest.fixture
def ssst(actor_for, monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)  # emails wait in the outbox
    return actor_for("ssst.caseworker")


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


def field(walk: Walk, name: str) -> Any:
    return next(f for f in walk.view.step.fields if f.name == name)


# --- Issue 15: no question starts answered ----------------------------------------------------------


def test_no_question_of_any_procedure_starts_answered_from_a_case_fact():
    questions = [
        (p.id, f.name)
        for p in registry.REGISTRY.values()
        for step in p.steps.values()
        for f in (*step.fields, *(c for f in step.fields for c in f.columns))
        if f.kind in QUESTION_KINDS
    ]
    assert ("P1", "financial_transition_complete") in questions
    assert ("P5b", "pv_marker") in questions
    prefilled = [
        (p.id, f.name)
        for p in registry.REGISTRY.values()
        for f in p.field_index.values()
        if f.kind in QUESTION_KINDS and f.default_fact
    ]
    assert prefilled == []
    p1 = registry.get("P1")
    step = p1.steps["query_received"]
    with pytest.raises(ValueError, match="must start unanswered"):
        Procedure(
            **{name: getattr(p1, name) for name in ("id", "version", "title", "seed", "roles", "starts", "machine")},
            steps={
                **p1.steps,
                "query_received": type(step)(
                    step.title, step.guidance, fields=(Field("q", label="Q?", kind="yes_no", default_fact="sensitive"),)
                ),
            },
        )


def test_the_p1_routing_question_starts_unanswered_on_a_transitioned_case(demo_db, caseworker):
    walk = Walk(caseworker, "P1", find_case(caseworker, financial_transition_complete=True))
    assert field(walk, "financial_transition_complete").value is None


def test_the_pv_question_starts_unanswered_on_a_pv_case(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "Magistrates Court")
    set_case(case_id, potentially_violent=True)
    walk = Walk(ssst, "P5c", case_id, sr_id=sr_id)
    walk.answer(court="Demo Magistrates' Court", court_address="1 Court Lane", amount_owed="100.00", requested_by="C")
    assert walk.step == "pv_check"
    assert field(walk, "pv_marker").value is None


# --- Dates: the whole CSA era, limits in the hint; letters already sent ---------------------------------


def test_a_liability_order_granted_in_1995_is_recorded_and_the_hint_states_the_limits(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    (granted,) = (c for c in field(walk, "liability_orders").columns if c.name == "granted_on")
    assert "Dates accepted: from 1993 to today." in granted.help
    with pytest.raises(ValidationFailed) as info:
        walk.answer(liability_orders=[row("Bath Magistrates", "1992-12-31", "800.00", None, False)])
    assert "must be between 1993 and three years from now" in info.value.errors["liability_orders"]
    walk.answer(liability_orders=[row("Bath Magistrates", "1995-06-12", "800.00", "Bailiff", False)])
    assert any("granted 12 June 1995" in note for note in walk.outcome().srs["lo_1"].notes)


def test_p5d_arrears_from_the_1990s_are_accepted(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "Magistrates Court")
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id)
    assert "from 1993" in field(walk, "arrears_from").help
    walk.answer(
        court_name="Exampletown Magistrates' Court",
        ecm_name="Eve Enforcer",
        amount_owed="4321.09",
        arrears_from="1994-04-01",
        arrears_to="2012-10-31",
    )
    assert walk.step == "contact_cpt"
    assert any("for 1 April 1994 to 31 October 2012" in n for n in walk.outcome().srs["main"].notes)


def test_a_letter_sent_a_few_days_ago_can_be_recorded_within_the_limit_in_the_hint(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    walk.answer(stable_balance="1000.00")
    assert "up to 14 days ago" in field(walk, "letter_date").help
    with pytest.raises(ValidationFailed) as info:
        walk.answer(letter_date=(clock.today - timedelta(days=15)).isoformat())
    assert "can be at most 14 days ago" in info.value.errors["letter_date"]
    walk.answer(letter_date=(clock.today - timedelta(days=1)).isoformat())
    assert walk.step == "await_response"


# --- P1: a chase that gets nothing sets a new review date, as often as needed ---------------------------


def test_a_chase_that_gets_nothing_sets_a_new_review_date_and_chases_again(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P1", find_case(caseworker, financial_transition_complete=True))
    walk.answer(query_reason="Complaint", query_summary="Arrears 2010 to 2012", financial_transition_complete=True)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    walk.answer(given_on_call=False, review_date=(clock.today + timedelta(days=7)).isoformat())
    for _chase in (1, 2):
        assert walk.step == "chase_update"
        assert field(walk, "chase_answered").value is None  # the loop starts unanswered
        clock.advance(7)
        walk.answer(chase_answered=False, next_review_date=(clock.today + timedelta(days=7)).isoformat())
    assert walk.step == "chase_update"
    with transaction() as session:
        sr_id = session.get_one(ProcedureRun, walk.view.run_id).sr_refs["main"]
        reviews = session.execute(
            select(Deadline.done).where(Deadline.sr_id == sr_id, Deadline.kind == "review_date").order_by(Deadline.id)
        ).all()
    assert [done for (done,) in reviews] == [True, True, False]  # each chase met its date; one is open
    walk.answer(chase_answered=True, update_findings="Balance confirmed by email")
    assert walk.step == "consider_segment"
    notes = walk.outcome().srs["main"].notes
    assert sum(n.startswith("Chased CSA caseworker Sam Patel") for n in notes) == 2
    assert "Update received from CSA caseworker Sam Patel: Balance confirmed by email" in notes


# --- P3: ongoing enforcement always reaches a team; the sensitive path asks the team's answer ---------------


def test_ongoing_enforcement_with_no_current_lo_goes_to_the_enforcement_team_on_an_sr(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    walk.answer(
        ongoing_enforcement=["Debt collecting agency (DCA)"], enforcement_details="DCA since 2018", urgent=False
    )
    assert walk.step == "no_current_lo"
    walk.answer(confirm=False)
    assert "Allocate the SR to the CMS 2012 Enforcement Team" in [line.text for line in walk.view.cms]
    walk.confirm()
    outcome = walk.outcome()
    main, handed = outcome.srs["main"], outcome.srs["enforcement"]
    assert (handed.process, handed.area, handed.sub_area) == ("Arrears", "Arrears Management", "Arrears Review")
    assert (handed.status, handed.parent_number) == ("Open", main.number)
    assert handed.notes == (
        "For the CMS 2012 Enforcement Team: action the outstanding arrears. Ongoing enforcement found on the CSA "
        "systems with no current liability order: Debt collecting agency (DCA). Details: DCA since 2018",
    )
    with transaction() as session:
        assert session.scalar(select(ServiceRequest.owner_id).where(ServiceRequest.number == handed.number)) is None
    assert (main.status, main.sub_status) == ("Closed", "Complete")


def test_no_enforcement_and_no_lo_creates_no_sr_for_the_enforcement_team(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    walk.answer(urgent=False)
    walk.answer()
    assert set(walk.outcome().srs) == {"main"}


def test_a_current_lo_with_ongoing_enforcement_is_passed_on_to_the_enforcement_team_once_entered(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[row("Bath Magistrates", "2001-03-01", "900.00", "Bailiff", False)])
    walk.answer()
    walk.answer(ongoing_enforcement=["Bailiff"], urgent=False)
    lo = walk.outcome().srs["lo_1"]
    assert (
        "Ongoing enforcement on the case: Bailiff. Once this LO is entered, allocate this SR to the CMS 2012 "
        "Enforcement Team to action the outstanding arrears." in lo.notes
    )


def test_a_sensitive_case_is_asked_what_the_team_said_about_tallyman_not_to_tick_reading_it(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker, sensitive=True))
    walk.answer()
    walk.answer()
    walk.answer()
    walk.answer(
        scr_data_needed=["Tallyman Notes breakdown of enforcement"],
        scr_request_detail="Tallyman breakdown",
        scr_chase_on=run_context.run_today().isoformat(),
    )
    walk.answer(scr_findings="No LO; no enforcement")
    walk.answer()
    walk.answer(liability_orders=[])
    assert walk.step == "identify_enforcement_from_reply"
    assert not any("Tallyman" in item for item in walk.view.step.checklist)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(urgent=False)
    assert "Special Client Records Team said the Tallyman Notes show" in info.value.errors["scr_tallyman"]
    walk.answer(scr_tallyman="Nothing recorded since 2016", urgent=False)
    assert walk.step == "no_current_lo"
    notes = walk.outcome().srs["main"].notes
    assert "Tallyman Notes, as the Special Client Records Team reported them: Nothing recorded since 2016" in notes


# --- P4: disputes at any time before the outcome; the automatic send checked; the local reply period -------


def test_a_dispute_during_the_30_days_gets_its_breakdown_and_the_30_days_go_on(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    to_after_window(walk, clock, "400.00")
    walk.answer(window_outcome=p4.WINDOW_DISPUTE)
    assert walk.step == "paying_parent_dispute"
    walk.answer(
        dispute_explanation="Went through each period",
        breakdown_requested=True,
        breakdown_letter_date=clock.today.isoformat(),
    )
    assert walk.step == "after_window"
    assert field(walk, "window_outcome").value is None
    assert [c for c, recipient, *_ in walk.outcome().letters if c == p4.ACCOUNT_BREAKDOWN] == [p4.ACCOUNT_BREAKDOWN]
    # The 30 days run from the write-off letter, and end on the next working day when the 30th is not one:
    # moved on from the period's own end, not by a fixed 31 days (from 2 December the end is 4 January).
    end, _ = period_end(clock.today, "England")
    clock.advance((end - clock.today).days)
    with pytest.raises(ValidationFailed, match=f"The 30 days end on {format_date(end)}"):
        walk.answer(window_outcome=p4.NO_CHANGE)
    clock.advance(1)
    walk.answer(window_outcome=p4.NO_CHANGE)
    assert walk.step == "record_outcome"


def test_a_dispute_after_the_decision_is_answered_before_the_outcome_which_only_a_check_sends(
    demo_db, caseworker, clock
):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response=p4.PURSUE)
    walk.answer()
    assert walk.step == "record_outcome"
    walk.answer(dispute_before_outcome=True)
    assert walk.step == "paying_parent_dispute"
    walk.answer(
        dispute_explanation="Explained the 2011 period",
        breakdown_requested=True,
        breakdown_letter_date=clock.today.isoformat(),
    )
    assert walk.step == "record_outcome"
    assert not any(n.startswith("Outcome recorded") for n in walk.outcome().srs["main"].notes)
    walk.answer(dispute_before_outcome=False)
    assert walk.step == "send_to_cmg"
    assert walk.view.step.title == "Check the outcome went to CMG for financial transition"
    assert walk.view.step.checklist == ("The CSA systems show the outcome was sent to CMG automatically",)
    walk.answer()
    notes = walk.outcome().srs["main"].notes
    assert "Checked: the CSA systems sent the outcome to CMG automatically for financial transition: " in notes[-1]
    assert [c for c, *_ in walk.outcome().letters].count(p4.ACCOUNT_BREAKDOWN) == 1


def test_the_reply_period_is_a_local_unconfirmed_value_and_says_so_in_the_wizard_and_the_studio(
    demo_db, caseworker, actor_for, clock
):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    walk.answer(stable_balance="1000.00")
    assert REPLY_PERIOD_NOTE in walk.view.step.guidance
    assert "not yet confirmed by policy staff" in REPLY_PERIOD_NOTE
    walk.answer(letter_date=clock.today.isoformat())
    ((kind, due, explanation),) = [d for d in walk.outcome().deadlines if d[0] == p4.REPLY_DEADLINE]
    assert explanation.endswith(REPLY_PERIOD_NOTE)
    (template,) = [t for t in letter_templates.list_templates(actor_for("policy")) if t.code == p4.STABLE_BALANCE]
    assert next(f for f in template.fields if f.name == "reply_by").help == REPLY_PERIOD_NOTE


# --- P5a: the fee is paid after two days, never before ------------------------------------------------


def test_paying_the_court_fee_before_the_two_days_is_refused_at_the_field(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "Court Fee Payment")
    walk = Walk(ssst, "P5a", case_id, sr_id=sr_id)
    scin = walk.view.case.scin
    walk.answer(email_received_at="2025-12-23 16:45", client_name="Sam Sample", scin=scin, court="Bath", fee="75.50")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(paid_on="2025-12-24", payment_reference="CF-1")
    assert info.value.errors["paid_on"].startswith(
        "The procedure says to pay the court after two days: not before 29 December 2025."
    )
    assert walk.step == "pay_court"
    walk.answer(paid_on="2025-12-29", payment_reference="CF-1")
    assert walk.step == "confirm_to_ecm"


# --- P5b/c/d: a PV check that misses the case's marker is refused, as in P5e ----------------------------


PV_REFUSED = "The case record shows a PV marker."


def test_p5b_and_p5c_refuse_a_pv_check_that_misses_the_cases_marker(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    set_case(case_id, potentially_violent=True)
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    walk.answer(cpt_contact="Email the court presenting team")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(pv_marker=False, pv_details="", referral_notes="")
    assert info.value.errors["pv_marker"].startswith(PV_REFUSED)
    assert walk.step == "create_folder"

    case_id, sr_id = allocated_sr(ssst, "Magistrates Court")
    set_case(case_id, potentially_violent=True)
    walk = Walk(ssst, "P5c", case_id, sr_id=sr_id)
    walk.answer(court="Demo Magistrates' Court", court_address="1 Court Lane", amount_owed="100.00", requested_by="C")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(pv_marker=False, pv_details="")
    assert info.value.errors["pv_marker"].startswith(PV_REFUSED)
    walk.answer(pv_marker=True, pv_details="Marker from 2020")
    assert walk.step == "build_bundle"


def test_p5d_refuses_a_full_pv_check_that_misses_the_cases_marker(demo_db, ssst):
    from tests.procedures.test_p5d import start, walk_to

    walk, case_id, _sr_id = start(ssst)
    set_case(case_id, potentially_violent=True)
    walk_to(walk, "full_pv_check")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(pv_marker=False, pv_detail="")
    assert info.value.errors["pv_marker"].startswith(PV_REFUSED)


def test_p5b_notes_screenshots_only_as_answered(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    set_case(case_id, potentially_violent=False)
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=True)
    walk.answer(cpt_contact="Email the court presenting team")
    walk.answer(pv_marker=False, pv_details="", screenshots_saved=False, referral_notes="")
    notes = walk.outcome().srs["main"].notes
    assert any("Screenshots of the SR not saved (criminal action)." in n for n in notes)
    assert not any("Screenshots of the SR saved" in n for n in notes)


# --- P2: whose step each is; the CMS owner picks up the hand-over ------------------------------------


def test_the_cms_owner_picks_up_the_csa_caseworkers_hand_over_from_my_work(demo_db, caseworker):
    with transaction() as session:
        create_user(
            session,
            None,
            username="kim.lee",
            display_name="Kim Lee",
            role="caseworker",
            password=None,
            team="CSA Rules Reassessment Team",
        )
    with transaction() as session:
        owner = Actor.of(session.scalars(select(User).where(User.username == "kim.lee")).one())
    case_id = csa_case_to_transition(caseworker)
    walk = Walk(caseworker, "P2", case_id)
    assert walk.view.step.who.startswith("the CSA caseworker")
    walk.answer(csa_caseworker="Alex Reed", outstanding_actions="DEO to vary", can_finish_in_timeframe=False)
    assert "CMS client helpline" in walk.view.step.guidance
    assert walk.view.step.who.startswith("the CSA caseworker")
    walk.answer(owner_name="Kim Lee", owner_available=True)
    walk.answer(confirm=False)
    assert "Allocate the SR to Kim Lee" in [line.text for line in walk.view.cms]
    walk.confirm()
    assert walk.step == "update_notes"
    assert walk.view.step.who == "the CMS owning caseworker"

    mine = work.my_work(owner).service_requests
    (handover,) = [sr for sr in mine if sr.number == walk.view.sr_number]
    assert [p.id for p in run_start.procedures_for_sr("Transition", "CSA Information", "Update CMS")] == ["P2"]
    with transaction() as session:
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == handover.number))
    picked = Walk(owner, "P2", case_id, sr_id=sr_id)
    assert picked.view.run_id == walk.view.run_id
    assert picked.step == "update_notes"
    picked.answer(information_received="DEO variation due 1 December")
    picked.answer(routes=[])
    outcome = picked.outcome()
    assert outcome.status == "finished"
    notes = outcome.srs["main"].notes
    assert notes[0].startswith("Outstanding CSA actions advised by Alex Reed to Kim Lee: DEO to vary.")
    assert "Information received from CSA (Alex Reed): DEO variation due 1 December" in notes


# --- A letter value with an old term is refused at the input it came from --------------------------------


def test_an_old_term_in_a_letter_value_is_refused_at_the_field_with_its_label(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    walk = Walk(ssst, "P5e", case_id, sr_id=sr_id)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="Checked.")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_reason=p5e.OTHER, reason_details="Talk about the parent with care's request")
    message = info.value.errors["reason_details"]
    assert message.startswith("What the visit is about: letters say 'receiving parent' and 'paying parent'")
    assert "parent with care" in message
    assert "other_details" not in message
    assert walk.step == "vsat_referral"
    assert not run_context.view_run(ssst, walk.view.run_id).awaiting_confirmation
