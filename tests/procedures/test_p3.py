"""P3 Enforcement/Liability Order Actions - Check CSA: every branch, walked headlessly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Case, ProcedureRun, ServiceRequest
from domain.clock import next_working_day, uk_local, utcnow
from services import run_outcomes, run_start, runs
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from tests.procedures.walk import Walk, find_case

FINALISE_CASE = ("Transition", "Legacy Case Data", "Finalise Case")
SET_UP_LEGACY_LO = ("Transition", "Set Up/Amend Residual Arrears", "Set Up Legacy LO")
START_PATH = ["contact_summary", "create_finalise_sr", "set_in_progress"]


@pytest.fixture
def caseworker(actor_for):
    return actor_for("caseworker")


def legacy_case(actor, **changes: Any) -> int:
    """A case of the actor's team with the indicator and no Manual Handling SR, changed as asked."""
    with transaction() as session:
        has_manual_handling = select(ServiceRequest.case_id).where(ServiceRequest.process == "Manual Handling")
        case = session.scalars(
            select(Case)
            .where(Case.team_id == actor.team_id, Case.legacy_ongoing_enforcement, Case.id.not_in(has_manual_handling))
            .order_by(Case.id)
        ).first()
        assert case is not None
        for name, value in {"sensitive": False, "segment": 2, **changes}.items():
            setattr(case, name, value)
        return case.id


def manual_handling_sr(actor) -> tuple[int, int, int]:
    """The demo's system Manual Handling SR: (case id, its id, its Finalise Case child's id)."""
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.process == "Manual Handling", ServiceRequest.children.any())
        ).one()
        (child,) = sr.children
        return sr.case_id, sr.id, child.id


def value(walk: Walk, name: str) -> Any:
    return next(f.value for f in walk.view.step.fields if f.name == name)


def check_csa(walk: Walk) -> None:
    """Steps 1 to 5 on a case that is not sensitive."""
    walk.answer()
    walk.answer()
    walk.answer()
    assert walk.step == "access_legacy_system"
    walk.answer(findings="Tallyman Notes: LO granted, bailiff instructed 2019; CSCS shows no further action")
    assert walk.step == "enforcement_actions_tab"
    walk.answer()
    assert walk.step == "liability_orders"


def row(court: str, granted_on: str, amount: str, enforcement: str | None, discharged: bool) -> dict[str, Any]:
    return {
        "court": court,
        "granted_on": granted_on,
        "amount": amount,
        "enforcement": enforcement,
        "discharged": discharged,
    }


def activities(sr: run_outcomes.SROutcome) -> dict[str, tuple[bool, str | None]]:
    return {name: (done, outcome) for name, done, outcome in sr.activities}


def audit_actions(sr_number: str) -> list[str]:
    with transaction() as session:
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == sr_number))
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.sr_id == sr_id).order_by(AuditEvent.id)))


def test_a_case_without_the_indicator_is_refused_with_the_reason(demo_db, caseworker):
    case_id = find_case(caseworker, legacy_ongoing_enforcement=False)
    with pytest.raises(DomainError, match="does not have the Legacy Ongoing Enforcement Indicator"):
        run_start.start_run(caseworker, "P3", case_id=case_id)
    with transaction() as session:
        assert (
            session.scalar(select(func.count()).select_from(ProcedureRun).where(ProcedureRun.case_id == case_id)) == 0
        )


def test_the_finalise_case_sr_is_created_in_progress_with_its_activity_plan(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    walk.answer()
    walk.answer(confirm=False)
    assert walk.view.awaiting_confirmation
    texts = [line.text for line in walk.view.cms]
    assert texts[:4] == [
        "Create a new SR and select from the drop down lists:",
        "Process = Transition",
        "Area = Legacy Case Data",
        "Sub Area = Finalise Case",
    ]
    assert all(line.suggestion is None for line in walk.view.cms[:4])  # published by seed 002: instructions
    walk.confirm()
    main = walk.outcome().srs["main"]
    assert ((main.process, main.area, main.sub_area), main.status, main.parent_number) == (FINALISE_CASE, "Open", None)
    (in_progress,) = [line for line in walk.view.cms if line.text.endswith("Status = In Progress")]
    assert in_progress.source == (  # step 3 of seed 002, P3's own procedure
        "Published procedure \u201cEnforcement/Liability Order Actions - Check CSA\u201d: "
        "\u201cupdate the SR Status to In Progress\u201d"
    )
    walk.answer()
    main = walk.outcome().srs["main"]
    assert (main.status, main.sub_status) == ("In Progress", None)
    assert main.activities == (("Access Legacy System", False, None), ("Identify Ongoing Enforcement", False, None))
    assert walk.step == "access_legacy_system"
    assert "CSCS checked (always: the enforcement flag covers CS2 only)" in walk.view.step.checklist
    assert "Tallyman and Tallyman Notes checked" in walk.view.step.checklist
    # A step saved without a confirmation page records its answers inside its run.step event.
    assert audit_actions(main.number) == ["sr.created", "note.sr", "run.step", "sr.status", "run.step"]


def test_back_is_allowed_before_the_finalise_case_sr_is_created_and_refused_after(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    walk.answer()
    walk.answer(confirm=False)
    walk.back()
    assert walk.step == "contact_summary"
    assert walk.outcome().srs == {}
    walk.answer()
    walk.answer()
    assert walk.step == "set_in_progress"
    with pytest.raises(DomainError, match="already saved on the SR"):
        walk.back()
    assert walk.view.back_refusal
    assert "Create the Finalise Case SR" in walk.view.back_refusal
    assert walk.step == "set_in_progress"


def test_one_current_lo_gets_one_set_up_legacy_lo_sr_associated_with_the_finalise_case_sr(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    prefilled = value(walk, "liability_orders")
    current = [lo for lo in prefilled if not lo["discharged"]]
    assert len(current) == 1
    walk.answer(liability_orders=current)
    assert walk.step == "lo_activity_done"
    walk.answer()
    walk.answer(ongoing_enforcement=["Bailiff"], enforcement_details="Bailiff instructed 2019", urgent=False)
    assert walk.step == "enforcement_actions_input"
    walk.answer(closing_note="LO entered on the 2012 system")
    outcome = walk.outcome()
    main, lo = outcome.srs["main"], outcome.srs["lo_1"]
    assert set(outcome.srs) == {"main", "lo_1"}
    assert ((lo.process, lo.area, lo.sub_area), lo.status, lo.parent_number) == (SET_UP_LEGACY_LO, "Open", main.number)
    assert any(current[0]["court"] in note for note in lo.notes)
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    assert activities(main) == {
        "Access Legacy System": (True, None),
        "Identify Ongoing Enforcement": (True, "No Enforcement Action Recorded"),
        "Set Up Legacy LO": (True, None),
    }
    assert any(
        n.startswith("Access Legacy System (CSA systems and Tallyman checked): Tallyman Notes") for n in main.notes
    )
    assert any(
        "LO set up through Enforcement Actions (CSA) - Input. LO entered on the 2012 system" in n for n in main.notes
    )
    assert outcome.status == "finished"
    assert outcome.tasks == ()
    assert walk.path() == [
        *START_PATH,
        "access_legacy_system",
        "enforcement_actions_tab",
        "liability_orders",
        "lo_activity_done",
        "identify_enforcement",
        "enforcement_actions_input",
        "done",
    ]


def test_the_lo_sr_is_for_the_financial_transition_team_and_unallocated(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    with transaction() as session:
        lo = session.get(ServiceRequest, session.get(ProcedureRun, walk.view.run_id).sr_refs["lo_1"])
        assert (lo.team.name, lo.owner_id) == ("Financial Transition Team", None)
    assert audit_actions(walk.outcome().srs["lo_1"].number) == ["sr.created", "note.sr"]


def test_several_los_get_one_sr_each_and_a_discharged_lo_gets_none(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    prefilled = value(walk, "liability_orders")
    assert [lo["discharged"] for lo in prefilled] == [False, True]
    with transaction() as session:
        on_record = session.get(ProcedureRun, walk.view.run_id).case.liability_orders
        assert [(lo.court, lo.granted_on.isoformat(), str(lo.amount)) for lo in on_record] == [
            (lo["court"], lo["granted_on"], lo["amount"]) for lo in prefilled
        ]
    added = [
        row("Leeds Magistrates' Court", "2016-05-03", "2,400.00", "charging order", False),
        row("Hull Magistrates' Court", "2017-09-12", "£310.55", None, False),
    ]
    walk.answer(liability_orders=prefilled + added)
    walk.answer()
    walk.answer(ongoing_enforcement=["Charging order"], urgent=False)
    walk.answer()
    outcome = walk.outcome()
    los = [outcome.srs[ref] for ref in ("lo_1", "lo_2", "lo_3")]
    assert set(outcome.srs) == {"main", "lo_1", "lo_2", "lo_3"}
    assert all((lo.process, lo.area, lo.sub_area) == SET_UP_LEGACY_LO for lo in los)
    assert all(lo.parent_number == outcome.srs["main"].number for lo in los)
    discharged_court = prefilled[1]["court"]
    assert not any(discharged_court in note for lo in los for note in lo.notes)
    assert "Leeds Magistrates' Court, granted 3 May 2016, £2,400.00; moved on to charging order" in los[1].notes[0]
    assert "Hull Magistrates' Court, granted 12 September 2017, £310.55" in los[2].notes[0]
    summary = next(n for n in outcome.srs["main"].notes if n.startswith("Liability orders found"))
    assert "3 not fully discharged" in summary
    assert f"1 fully discharged, not entered: {discharged_court}" in summary


def test_no_lo_and_nothing_urgent_closes_with_no_enforcement_action_recorded(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    assert walk.step == "identify_enforcement"
    walk.answer(urgent=False)
    assert walk.step == "no_current_lo"
    walk.answer()
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert set(outcome.srs) == {"main"}
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    assert activities(main) == {
        "Access Legacy System": (True, None),
        "Identify Ongoing Enforcement": (True, "No Enforcement Action Recorded"),
    }
    assert "No liability orders found on the CSA systems." in main.notes
    assert any("managed through the arrears management process" in n for n in main.notes)
    assert walk.path()[-4:] == ["liability_orders", "identify_enforcement", "no_current_lo", "done"]


def test_only_discharged_los_need_no_sr_and_take_the_no_current_lo_path(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[lo for lo in value(walk, "liability_orders") if lo["discharged"]])
    walk.answer(urgent=False)
    walk.answer()
    outcome = walk.outcome()
    assert set(outcome.srs) == {"main"}
    assert outcome.status == "finished"
    assert "Set Up Legacy LO" not in activities(outcome.srs["main"])


def test_a_sensitive_case_goes_to_the_special_client_records_team_instead(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker, sensitive=True))
    walk.answer()
    walk.answer()
    walk.answer()
    assert walk.step == "request_special_client_records"
    assert "Request emailed to CM 2012 SCHEME Special Client Records" in walk.view.step.checklist
    today = uk_local(utcnow()).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    walk.answer(
        scr_data_needed=["Liability orders: court, date granted, amount", "Tallyman Notes breakdown of enforcement"],
        scr_request_detail="All LOs with discharge status and any bailiff action",
        scr_chase_on=saturday.isoformat(),
    )
    assert walk.step == "record_special_client_records_reply"
    walk.answer(scr_findings="One LO, bailiff action ongoing since 2019")
    assert walk.step == "enforcement_actions_tab"
    walk.answer()
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    assert walk.step == "identify_enforcement_from_reply"
    assert walk.view.step.checklist == ()  # never asked to tick that they read Tallyman themselves
    walk.answer(scr_tallyman="Bailiff instructed 2019 on the one LO", ongoing_enforcement=["Bailiff"], urgent=False)
    walk.answer()
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert "access_legacy_system" not in walk.path()
    assert walk.path()[3:6] == [
        "request_special_client_records",
        "record_special_client_records_reply",
        "enforcement_actions_tab",
    ]
    request = next(n for n in main.notes if n.startswith("Sensitive case"))
    assert "CSA systems were not accessed by the caseworker" in request
    assert (
        "emailed to CM 2012 SCHEME Special Client Records for: Liability orders: court, date granted, amount; "
        in request
    )
    assert (
        "Special Client Records Team reply (CSA systems and Tallyman): One LO, bailiff action ongoing since 2019"
        in main.notes
    )
    ((kind, due, explanation),) = outcome.deadlines
    assert kind == "review_date"
    assert uk_local(due).date() == next_working_day(saturday, "Wales")
    assert "Special Client Records" in explanation
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    assert activities(main)["Access Legacy System"] == (True, None)


def test_urgent_enforcement_is_fast_tracked_to_2012_scheme_enforcement(demo_db, caseworker):
    """Version 2: the caseworker tells the enforcement team themselves (there is no such team in Casework Guide, and
    version 1's message for it came to the caseworker's own team); the step says so and asks a tick for it."""
    case_id = legacy_case(caseworker)
    walk = Walk(caseworker, "P3", case_id)
    assert walk.view.procedure_version == "2"
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Charging order"], urgent=True, urgent_reason="Paying parent is selling the house")
    assert walk.step == "fast_track"
    step = walk.view.step
    assert step.checklist == (
        "LO details input through Liability Order (CSA) - Input",
        "Case fast tracked through Fast Track Legacy Arrears to CMS System",
        "CMS 2012 Enforcement Team told of the urgent enforcement, as Fast Track Legacy Arrears to CMS System says",
    )
    assert "Casework Guide does not tell that team for you: tell them yourself" in step.guidance
    assert "messages" not in step.guidance
    walk.answer()
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    assert activities(main)["Identify Ongoing Enforcement"] == (True, "Enforcement Action Recorded")
    assert outcome.tasks == ()  # no message: the caseworker told the team
    assert "message.raised" not in audit_actions(main.number)
    assert main.notes[-1] == (
        "Urgent enforcement: Paying parent is selling the house. LO details input through Liability Order (CSA) - "
        "Input and the case fast tracked to 2012 scheme enforcement (Fast Track Legacy Arrears to CMS System). CMS "
        "2012 Enforcement Team told by the caseworker."
    )


def test_the_fast_track_is_refused_until_the_enforcement_team_is_ticked_as_told(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Bailiff"], urgent=True, urgent_reason="Selling the house")
    notes = walk.outcome().srs["main"].notes
    told = walk.view.step.checklist[-1]
    with pytest.raises(ValidationFailed) as info:
        runs.submit_step(
            caseworker,
            walk.view.run_id,
            {"_checklist": list(walk.view.step.checklist[:-1])},
            expected_version=walk.view.version,
        )
    assert told in info.value.errors["_checklist"]
    assert walk.step == "fast_track"
    outcome = walk.outcome()
    assert (outcome.srs["main"].status, outcome.srs["main"].notes, outcome.tasks) == ("In Progress", notes, ())


def test_a_run_started_on_version_1_still_messages_the_enforcement_team_at_the_fast_track(demo_db, caseworker):
    """Runs started before version 2 finish on version 1: its fast track as it was, message and all."""
    case_id = legacy_case(caseworker)
    walk = Walk(caseworker, "P3", case_id, version="1")
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Charging order"], urgent=True, urgent_reason="Paying parent is selling the house")
    assert (walk.view.procedure_version, len(walk.view.step.checklist)) == ("1", 2)  # the registry has version 2 again
    walk.answer()
    outcome = walk.outcome()
    ((kind, text, assignee, team),) = outcome.tasks
    assert (kind, assignee, team) == ("message", None, caseworker.team_id)
    assert text.startswith("For the CMS 2012 Enforcement Team: fast track")
    assert outcome.srs["main"].notes[-1].endswith("the case fast tracked to 2012 scheme enforcement.")


def test_an_urgent_reason_ending_with_a_full_stop_is_not_given_a_second_one(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    walk.answer(ongoing_enforcement=["Bailiff"], urgent=True, urgent_reason="Selling the house next week.")
    walk.answer()
    note = walk.outcome().srs["main"].notes[-1]
    assert note.startswith("Urgent enforcement: Selling the house next week. LO details input through")
    assert walk.path()[-3:] == ["identify_enforcement", "fast_track", "done"]


def test_urgent_answer_needs_its_reason_and_nothing_is_recorded_without_it(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    notes_before = len(walk.outcome().srs["main"].notes)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(urgent=True)
    assert info.value.errors == {"urgent_reason": "Enter why it is urgent"}
    assert walk.step == "identify_enforcement"
    assert len(walk.outcome().srs["main"].notes) == notes_before


def test_a_bad_lo_row_is_refused_at_the_field_naming_the_row_and_creates_nothing(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    bad = [*value(walk, "liability_orders"), row("Leeds Magistrates' Court", "2016-05-03", "-5", None, False)]
    with pytest.raises(ValidationFailed) as info:
        walk.answer(liability_orders=bad)
    assert info.value.errors["liability_orders"].startswith("Row 3, Amount:")
    missing_date = [row("Leeds Magistrates' Court", "", "100.00", None, False)]
    with pytest.raises(ValidationFailed) as info:
        walk.answer(liability_orders=missing_date)
    assert info.value.errors["liability_orders"] == "Row 1, Date granted: Enter date granted"
    assert walk.step == "liability_orders"
    assert set(walk.outcome().srs) == {"main"}


@pytest.mark.parametrize("urgent", [False, True], ids=["not urgent", "urgent"])
def test_a_segment_5_committal_case_is_prioritised_and_the_aft_team_told_after_the_lo_is_entered(
    demo_db, caseworker, urgent
):
    case_id = legacy_case(caseworker, segment=5)
    walk = Walk(caseworker, "P3", case_id)
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    reason = {"urgent_reason": "Paying parent is disposing of assets"} if urgent else {}
    walk.answer(ongoing_enforcement=["Bailiff", "Suspended committal order"], urgent=urgent, **reason)
    lo = walk.outcome().srs["lo_1"]
    assert any(n.startswith("Priority case: segment 5 case micro managed") for n in lo.notes)
    walk.answer()
    assert walk.step == "tell_aft_team"
    main = walk.outcome().srs["main"]
    assert main.status == "In Progress"  # the SR stays open until the AFT team is told
    step = walk.view.step
    assert step.checklist[-1] == "AFT Team told to expect an Action Missed Payment SR and to prioritise the case"
    assert "Casework Guide does not tell that team for you: tell them yourself" in step.guidance
    assert "the Communications Matrix in Enforcement Transition Part 2 (Fundamentals)" in step.guidance
    walk.answer()
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (outcome.status, main.status, main.sub_status) == ("finished", "Closed", "Complete")
    # Version 2: no message "For the AFT Team" (it landed on the case's own team); the caseworker told them.
    assert outcome.tasks == ()
    assert "message.raised" not in audit_actions(main.number)
    assert main.notes[-1] == (
        "AFT Team told by the caseworker to expect an Action Missed Payment SR and to prioritise the case (the "
        "Communications Matrix in Enforcement Transition Part 2 (Fundamentals))."
    )
    assert walk.view.told_by_you[-1] == (  # after the fast track's, when urgent
        "You told the AFT Team yourself to expect an Action Missed Payment SR and to prioritise the case, by the "
        "Communications Matrix in Enforcement Transition Part 2 (Fundamentals): Casework Guide sent them nothing."
    )
    assert walk.path()[-2:] == ["tell_aft_team", "done"]


def test_a_run_started_on_version_1_still_messages_the_aft_team(demo_db, caseworker):
    """Runs started before version 2 finish on version 1: "Tell the AFT team" as it was, message and all."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker, segment=5), version="1")
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Suspended committal order"], urgent=False)
    walk.answer()
    assert walk.step == "tell_aft_team"
    walk.answer()
    ((kind, text, _assignee, team),) = walk.outcome().tasks
    assert (kind, team) == ("message", caseworker.team_id)
    assert text.startswith("For the AFT Team: expect an Action Missed Payment SR")


@pytest.mark.parametrize(
    ("segment", "actions"),
    [(5, ["Bailiff"]), (4, ["Committal order"])],
    ids=["segment 5 without committal", "committal outside segment 5"],
)
def test_no_aft_message_unless_segment_5_with_a_priority_action(demo_db, caseworker, segment, actions):
    walk = Walk(caseworker, "P3", legacy_case(caseworker, segment=segment))
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=actions, urgent=False)
    walk.answer()
    outcome = walk.outcome()
    assert outcome.status == "finished"
    assert outcome.tasks == ()
    assert "tell_aft_team" not in walk.path()


def test_starting_from_the_manual_handling_sr_works_its_finalise_case_child_and_closes_both(demo_db, caseworker):
    case_id, manual_id, child_id = manual_handling_sr(caseworker)
    walk = Walk(caseworker, "P3", case_id, sr_id=manual_id)
    with transaction() as session:
        run = session.get(ProcedureRun, walk.view.run_id)
        assert (run.sr_refs, run.sr_id) == ({"manual_handling": manual_id, "main": child_id}, child_id)
        srs_before = session.scalar(select(func.count()).select_from(ServiceRequest))
    walk.answer()
    walk.answer()  # the child already exists: nothing to create, no confirmation needed
    assert walk.step == "set_in_progress"
    assert Walk(caseworker, "P3", case_id, sr_id=manual_id).view.run_id == walk.view.run_id  # resumes
    walk.answer()
    outcome = walk.outcome()
    assert (outcome.srs["main"].status, outcome.srs["manual_handling"].status) == ("In Progress", "In Progress")
    walk.answer(findings="CSCS and Tallyman: one LO with bailiff action")
    walk.answer()
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Bailiff"], urgent=False)
    walk.answer()
    outcome = walk.outcome()
    main, manual, lo = outcome.srs["main"], outcome.srs["manual_handling"], outcome.srs["lo_1"]
    assert ((main.process, main.area, main.sub_area), main.parent_number) == (FINALISE_CASE, manual.number)
    assert lo.parent_number == main.number
    assert (main.status, main.sub_status, manual.status, manual.sub_status) == (
        "Closed",
        "Complete",
        "Closed",
        "Complete",
    )
    assert any("created by the system with a Manual Handling SR" in n for n in main.notes)
    assert any(n.startswith("Actioned: CSA enforcement and liability order check complete") for n in manual.notes)
    assert activities(main) == {
        "Access Legacy System": (True, None),
        "Set Up Legacy LO": (True, None),
        "Identify Ongoing Enforcement": (True, "No Enforcement Action Recorded"),
    }
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == srs_before + 1  # only the LO SR


def test_starting_from_the_finalise_case_child_binds_its_manual_handling_parent(demo_db, caseworker):
    case_id, manual_id, child_id = manual_handling_sr(caseworker)
    walk = Walk(caseworker, "P3", case_id, sr_id=child_id)
    with transaction() as session:
        assert session.get(ProcedureRun, walk.view.run_id).sr_refs == {"main": child_id, "manual_handling": manual_id}


def test_a_manual_handling_sr_without_a_finalise_case_child_gets_one_created_under_it(demo_db, caseworker):
    case_id, manual_id, child_id = manual_handling_sr(caseworker)
    with transaction() as session:
        session.get(ServiceRequest, child_id).parent_id = None
        old_child = session.get(ServiceRequest, child_id).number
    walk = Walk(caseworker, "P3", case_id, sr_id=manual_id)
    walk.answer()
    walk.answer()
    outcome = walk.outcome()
    assert outcome.srs["main"].parent_number == outcome.srs["manual_handling"].number
    assert outcome.srs["main"].number != old_child
    with transaction() as session:
        assert session.get(ProcedureRun, walk.view.run_id).sr_id == session.scalar(
            select(ServiceRequest.id).where(ServiceRequest.number == outcome.srs["main"].number)
        )
    assert Walk(caseworker, "P3", case_id, sr_id=manual_id).view.run_id == walk.view.run_id


def test_starting_from_an_unrelated_sr_is_refused(demo_db, caseworker):
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.process == "Escalated Enquiries",
                ServiceRequest.status == "Open",
                ServiceRequest.team_id == caseworker.team_id,
            )
        ).first()
        assert sr is not None
        sr.case.legacy_ongoing_enforcement = True
        case_id, sr_id = sr.case_id, sr.id
    with pytest.raises(DomainError, match="starts from the case, a Manual Handling SR"):
        run_start.start_run(caseworker, "P3", case_id=case_id, sr_id=sr_id)


def test_every_step_is_audited_with_its_answers(demo_db, caseworker):
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    with transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == walk.view.run_id).order_by(AuditEvent.id)
        ).all()
        actions = [e.action for e in events]
        steps = [e for e in events if e.action == "run.step"]
        # Answers go in a run.answers event when a confirmation page follows, else inside run.step.
        answered = [e for e in events if e.action == "run.answers" or "answers" in (e.after or {})]
    assert actions[0] == "run.started"
    assert len(steps) == 5
    assert all(e.action in ("run.answers", "run.step") for e in events[1:])
    assert len(answered) == 5


def test_a_note_for_the_finalise_case_sr_names_it_where_the_step_also_creates_another_sr(demo_db, caseworker):
    """QA (Chromium): at "Liability orders found" the panel said "Create a new SR ... Add to SR Notes of the new Set Up
    Legacy LO SR: ..." then "Add to SR Notes: Liability orders found ...": read in CMS on the new SR just made, a new
    caseworker put the Finalise Case SR's summary on the LO SR. Where a step creates another SR, a note for the run's
    own SR names it, as its Status lines do; the saved lines (and so the run's record) say the same."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    current = [lo for lo in value(walk, "liability_orders") if not lo["discharged"]]
    walk.answer(liability_orders=current, confirm=False)
    number = walk.view.sr_number
    texts = [line.text for line in walk.view.cms]
    assert any(
        t.startswith(f"Add to SR Notes of the Finalise Case SR ({number}): Liability orders found") for t in texts
    )
    assert not any(t.startswith("Add to SR Notes: ") for t in texts)
    assert any(t.startswith("Add to SR Notes of the new Set Up Legacy LO SR: CSA liability order") for t in texts)
    walk.confirm()
    (saved,) = [s for s in walk.view.cms_saved if s.step_title == "Liability orders found"]
    assert any(line.text.startswith(f"Add to SR Notes of the Finalise Case SR ({number}):") for line in saved.lines)


def test_a_note_in_a_step_that_creates_no_other_sr_stays_short(demo_db, caseworker):
    """Naming the SR is for telling two SRs apart: a step that works on the run's SR alone keeps "Add to SR Notes"."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    walk.answer()
    walk.answer()
    walk.answer()
    line = "Add to SR Notes: Access Legacy System (CSA systems and Tallyman checked): CSCS: nothing further"
    view = walk.answer(findings="CSCS: nothing further", confirm=False)  # a typed note: check your answers first
    assert view.awaiting_confirmation
    assert [cms.text for cms in view.cms] == [line]
    walk.confirm()
    (saved,) = [s for s in walk.view.cms_saved if s.step_title == "Check the CSA systems and Tallyman"]
    assert [cms.text for cms in saved.lines] == [line]


def test_closing_after_creating_the_arrears_review_sr_says_which_sr_each_line_is_for(demo_db, caseworker):
    """No current LO, ongoing enforcement: the step creates the enforcement team's Arrears Review SR, then notes,
    marks the activity Done and closes the Finalise Case SR; each of those lines names the Finalise Case SR."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    walk.answer(ongoing_enforcement=["Debt collecting agency (DCA)"], urgent=False)
    assert walk.step == "no_current_lo"
    walk.answer(confirm=False)
    finalise = f"the Finalise Case SR ({walk.view.sr_number})"
    texts = [line.text for line in walk.view.cms]
    assert any(t.startswith(f"Add to SR Notes of {finalise}: No current LO") for t in texts)
    assert any(t.startswith(f"On {finalise}, mark Done the Activity") for t in texts)  # a suggestion: seed names none
    assert any(
        t.startswith("Add to SR Notes of the new Arrears Review SR: For the CMS 2012 Enforcement Team") for t in texts
    )


def test_priority_notes_for_two_srs_name_each(demo_db, caseworker):
    """A segment 5 committal case: step 8 notes the priority on the Finalise Case SR and on each LO SR; each line
    says which SR it is for."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker, segment=5))
    check_csa(walk)
    walk.answer(liability_orders=[lo for lo in value(walk, "liability_orders") if not lo["discharged"]])
    walk.answer()
    walk.answer(ongoing_enforcement=["Committal order"], urgent=False)
    (saved,) = [s for s in walk.view.cms_saved if s.step_title == "Identify ongoing enforcement action"]
    texts = [line.text for line in saved.lines]
    assert (
        f"Add to SR Notes of the Finalise Case SR ({walk.view.sr_number}): Priority case: segment 5 case"
        in " ".join(texts)
    )
    assert any(t.startswith("Add to SR Notes of the Set Up Legacy LO SR (") for t in texts)
    assert not any(t.startswith("Add to SR Notes: ") for t in texts)


def test_identify_enforcement_and_a_priority_fast_track_wait_for_check_your_answers_with_their_notes(
    demo_db, caseworker
):
    """QA, 7 December: "Identify ongoing enforcement" and a priority case's fast track put what the caseworker typed
    into the SR Notes at Continue, and the fast track messaged the enforcement team. Each now waits for check your
    answers, which shows the notes as they will be saved; Back from there records nothing."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker, segment=5))
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    notes = {ref: sr.notes for ref, sr in walk.outcome().srs.items()}
    reason = "Paying parent is disposing of assets"
    view = walk.checked(ongoing_enforcement=["Bailiff", "Suspended committal order"], urgent=True, urgent_reason=reason)
    assert view.notes[0].text == (
        f"Ongoing enforcement action on the CSA systems: Bailiff, Suspended committal order (urgent: {reason})."
    )
    assert view.notes[0].where.startswith("SR Notes of the Finalise Case SR (")  # the step notes two SRs
    assert any(n.text.endswith("Enter this LO first.") for n in view.notes)
    assert {ref: sr.notes for ref, sr in walk.outcome().srs.items()} == notes
    walk.back_from_check()
    assert walk.step == "identify_enforcement"
    assert {ref: sr.notes for ref, sr in walk.outcome().srs.items()} == notes
    walk.checked(ongoing_enforcement=["Bailiff", "Suspended committal order"], urgent=True, urgent_reason=reason)
    walk.confirm()
    assert walk.step == "fast_track"

    notes = {ref: sr.notes for ref, sr in walk.outcome().srs.items()}
    view = walk.checked()
    assert [n.text for n in view.notes] == [
        f"Urgent enforcement: {reason}. LO details input through Liability Order (CSA) - Input and the case fast "
        "tracked to 2012 scheme enforcement (Fast Track Legacy Arrears to CMS System). CMS 2012 Enforcement Team "
        "told by the caseworker."
    ]
    assert walk.outcome().tasks == ()
    walk.back_from_check()
    assert walk.step == "fast_track"
    assert walk.outcome().tasks == ()
    assert {ref: sr.notes for ref, sr in walk.outcome().srs.items()} == notes
    walk.checked()
    walk.confirm()
    assert walk.step == "tell_aft_team"
    assert walk.outcome().tasks == ()  # version 2: the caseworker told the enforcement team themselves
    assert walk.outcome().srs["main"].notes[-1].startswith(f"Urgent enforcement: {reason}.")


def test_identify_enforcement_with_nothing_typed_still_saves_on_continue(demo_db, caseworker):
    """A note made only of the options chosen is saved on Continue: nothing typed to reread."""
    walk = Walk(caseworker, "P3", legacy_case(caseworker))
    check_csa(walk)
    walk.answer(liability_orders=[])
    view = walk.answer(confirm=False, ongoing_enforcement=["Bailiff"], urgent=False, enforcement_details="")
    assert not view.awaiting_confirmation
    assert walk.step == "no_current_lo"
    assert walk.outcome().srs["main"].notes[-1] == (
        "Ongoing enforcement action on the CSA systems: Bailiff (nothing urgent)."
    )
