"""P5c Work Routing for Commitment (seed 004, Specialist Services Support Team).

A caseworker asks for commitment action in a magistrates' court; the SSST checks for a potentially
violent (PV) marker, builds the commitment bundle for the court presenting officer (CPO), completes
the court summons and the cover letters, records the summons issue date, answers the CPO's second
PV check before the hearing, records the outcome and hands the file to the enforcement case manager
(ECM). Our reading of the seed, where it is silent:

- The SR: Enforcement / Court Presentation / Magistrates Court (catalogue, inferred; P5d works on
  the same SR type for liability orders, so My work offers the first registered procedure and the
  caseworker can start the other from the case). Started from the case, step 1 creates the SR.
- Step 1 records the court (name and address), the amount owed (prefilled from the case's arrears
  balance) and who asked for the action: the summons, the referral form and both cover letters are
  filled in from these answers and the case, so nothing is typed twice.
- Step 2: the PV check is a step answer (marker or not, what the check showed) and goes into the SR
  Notes; the PV check record (CWGF004) goes into the bundle.
- Steps 3 and 4: the "WinZip" is the SR's zip bundle "commitment": CMEL7211 part completed (no
  hearing yet), the PV check record and the SSST referral form (CWGF003), rendered from the answers;
  the region of the CPO Manager Folder it is saved in goes into the SR Notes.
- Step 6: the CPO's name and the hearing date and time go onto the SR; the hearing and the second PV
  check (48 hours before, domain.deadlines.second_pv_check) are recorded as deadlines with their
  explanations, and the completed CMEL7211 replaces the part-completed one in the bundle.
- Step 7: the court cover letter (CWGL001) is added to the bundle and recorded as due to the court;
  step 9: the paying parent cover letter (CWGL002) likewise, to the paying parent.
- Step 8 is a wait: the summons goes CPO -> court -> ECM -> CPO -> SSST; the step records that the
  updated summons has come back.
- Step 10: the summons issue date goes onto the SR (summons_issued_on). The CPO reports the summons as issued, so
  the date cannot be in the future nor after the hearing (refused at the field, as P5d's issue date).
- Step 11: the second PV check is emailed to the CPO (their own address when given, else the CPO
  mailbox) with the PV check record attached; the email service raises the follow-up phone call
  task; the deadline is marked met.
- Steps 12-14: the outcome only from the hearing's day on (ssst_court.hearing_has_taken_place, as P5b), its PDF
  linked to the SR, the case file emailed to the ECM, SR Closed / Complete.
  The seed does not say to delete clerical files for commitment (it does for the county court and
  face to face), so the bundle is kept with the SR.

Version 2 (8 December 2026, ninth session; `PROCEDURE`). Runs started on version 1 (`PROCEDURE_V1`, the steps above)
finish on it; new runs start on version 2, which shares every step but "Record the outcome" and adds "Record the new
hearing date", as P5b's version 2 does (p5b_county_court.py says how, in the same words: `ssst_court.HEARING_MOVED`,
`ssst_court.new_hearing_step`). Our reading, as the seed says nothing of a hearing moved before its day. The summons and
both cover letters were made for the first hearing before the second PV check; the seed asks for none again, so none is
remade for a moved hearing (the CPO, who gives the new date, has the court's summons).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from statemachine import State, StateMachine

from domain import deadlines, reference
from domain.clock import format_date, format_uk, uk_local
from domain.reference import SRStatus, SubStatus
from domain.values import format_money

from . import seed_sr_updates, ssst_court
from .definition import Ctx, Field, FromCase, Procedure, Step
from .effects import (
    SR_NUMBER,
    AddNote,
    CreateSR,
    Effect,
    LetterDue,
    SetDue,
    SetStatus,
    StoreBundle,
    UpdateSR,
)
from .ssst_court import pv_record, pv_result

MAGISTRATES_COURT = reference.full_sr_type("sr.magistrates_court")
REASON = reference.value("reason.commitment")  # the SR's Reason when commitment action applies (P5d: liability order)
BUNDLE = "commitment"


# --- Document contexts, from the answers and the case -------------------------------------------


def _lines(address: str | None) -> str:
    """A one-line case address ("1 Demo Street, Town, ZZ1 1XX") as the letter's lines."""
    return "\n".join(part.strip() for part in (address or "").split(",") if part.strip())


def _hearing(ctx: Ctx) -> dict[str, str]:
    local = uk_local(ctx["hearing_at"])
    return {"hearing_date": local.date().isoformat(), "hearing_time": local.strftime("%H:%M")}


def summons(ctx: Ctx, *, completed: bool) -> tuple[str, dict[str, Any]]:
    """CMEL7211: part completed at step 3, completed with the hearing and the CPO at step 6."""
    context: dict[str, Any] = {
        "scin": ctx.fact("scin"),
        "paying_parent_name": ctx.fact("paying_parent"),
        "paying_parent_address": _lines(ctx.fact("paying_parent_address")),
        "court_name": ctx["court"],
        "court_address": ctx["court_address"],
        "amount_owed": str(ctx["amount_owed"]),
    }
    if completed:
        context |= {**_hearing(ctx), "cpo_name": ctx["cpo_name"]}
    return ("CMEL7211", context)


def referral(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    return (
        "CWGF003",
        {
            "sr_number": SR_NUMBER,
            "scin": ctx.fact("scin"),
            "paying_parent_name": ctx.fact("paying_parent"),
            "action": "commitment",
            "court_name": ctx["court"],
            "ecm_name": ctx["requested_by"],
            "pv_marker": bool(ctx["pv_marker"]),
            "pv_findings": ctx["pv_details"] or "",
            "notes": ctx.get("referral_notes", ""),
        },
    )


def court_letter(ctx: Ctx) -> dict[str, Any]:
    return {
        "court_name": ctx["court"],
        "court_address": ctx["court_address"],
        "scin": ctx.fact("scin"),
        "paying_parent_name": ctx.fact("paying_parent"),
        "amount_owed": str(ctx["amount_owed"]),
        "cpo_name": ctx["cpo_name"],
        **_hearing(ctx),
    }


def paying_parent_letter(ctx: Ctx) -> dict[str, Any]:
    return {
        "recipient_name": ctx.fact("paying_parent"),
        "recipient_address": _lines(ctx.fact("paying_parent_address")),
        "scin": ctx.fact("scin"),
        "court_name": ctx["court"],
        "court_address": ctx["court_address"],
        "amount_owed": str(ctx["amount_owed"]),
        **_hearing(ctx),
    }


def hearing_at(ctx: Ctx) -> Any:
    """The hearing the SR waits for: a moved hearing's (version 2) once given, else the one the CPO first gave."""
    moved = ctx.get("moved_hearing_at")
    return ctx["hearing_at"] if moved is None else moved


class _Rules:
    """The validators both versions' machines read."""

    if_moved = ssst_court.IF_MOVED_BY_HAND
    outcome_field = "outcome"

    def hearing_has_taken_place(self, ctx: Ctx) -> None:
        ssst_court.hearing_has_taken_place(ctx, hearing_at(ctx), self.outcome_field, if_moved=self.if_moved)

    def issued_before_hearing(self, ctx: Ctx) -> None:
        ssst_court.issued_before_hearing(ctx, hearing_at(ctx))


class P5cMachine(_Rules, StateMachine):
    """Version 1. States are the 14 steps of the seed, in order."""

    sr_allocated = State("The request for commitment action", initial=True)
    pv_check = State("PV check")
    build_bundle = State("Build the commitment bundle")
    save_bundle = State("Save the bundle in the CPO Manager Folder")
    set_in_progress = State("Set the SR In Progress")
    cpo_assigned = State("CPO and hearing date: complete the summons")
    court_cover_letter = State("Court cover letter")
    summons_returned = State("Summons back from the CPO")
    paying_parent_cover_letter = State("Paying parent cover letter")
    summons_issued = State("Summons issue date")
    second_pv_check = State("Second PV check")
    record_outcome = State("Record the outcome")
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Close the SR")
    done = State("Finished", final=True)

    proceed = (
        sr_allocated.to(pv_check)
        | pv_check.to(build_bundle)
        | build_bundle.to(save_bundle)
        | save_bundle.to(set_in_progress)
        | set_in_progress.to(cpo_assigned)
        | cpo_assigned.to(court_cover_letter)
        | court_cover_letter.to(summons_returned)
        | summons_returned.to(paying_parent_cover_letter)
        | paying_parent_cover_letter.to(summons_issued)
        | summons_issued.to(second_pv_check, validators="issued_before_hearing")
        | second_pv_check.to(record_outcome)
        | record_outcome.to(forward_to_ecm, validators="hearing_has_taken_place")
        | forward_to_ecm.to(close_sr)
        | close_sr.to(done)
    )


class P5cMachineV2(_Rules, StateMachine):
    """Version 2: a hearing moved before its day takes its new date and goes round the second PV check again.
    Version 1's states and transitions are written again, not inherited: python-statemachine ties a transition to its
    State objects, so a subclass adding one would change version 1's machine too."""

    if_moved = ssst_court.IF_MOVED
    outcome_field = "hearing_result"

    sr_allocated = State("The request for commitment action", initial=True)
    pv_check = State("PV check")
    build_bundle = State("Build the commitment bundle")
    save_bundle = State("Save the bundle in the CPO Manager Folder")
    set_in_progress = State("Set the SR In Progress")
    cpo_assigned = State("CPO and hearing date: complete the summons")
    court_cover_letter = State("Court cover letter")
    summons_returned = State("Summons back from the CPO")
    paying_parent_cover_letter = State("Paying parent cover letter")
    summons_issued = State("Summons issue date")
    second_pv_check = State("Second PV check")
    record_outcome = State("Record the outcome")
    new_hearing = State(ssst_court.NEW_HEARING_TITLE)
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Close the SR")
    done = State("Finished", final=True)

    proceed = (
        sr_allocated.to(pv_check)
        | pv_check.to(build_bundle)
        | build_bundle.to(save_bundle)
        | save_bundle.to(set_in_progress)
        | set_in_progress.to(cpo_assigned)
        | cpo_assigned.to(court_cover_letter)
        | court_cover_letter.to(summons_returned)
        | summons_returned.to(paying_parent_cover_letter)
        | paying_parent_cover_letter.to(summons_issued)
        | summons_issued.to(second_pv_check, validators="issued_before_hearing")
        | second_pv_check.to(record_outcome)
        | record_outcome.to(new_hearing, cond="hearing_has_moved")  # before its day too
        | record_outcome.to(forward_to_ecm, validators="hearing_has_taken_place")
        | new_hearing.to(second_pv_check)
        | forward_to_ecm.to(close_sr)
        | close_sr.to(done)
    )

    def hearing_has_moved(self, ctx: Ctx) -> bool:
        return bool(ctx["hearing_result"] == ssst_court.HEARING_MOVED)


# --- Effects -------------------------------------------------------------------------------------


def _sr_allocated(ctx: Ctx) -> list[Effect]:
    return [
        # allocated: no Status named. Started from the case, the new SR carries the Reason that says commitment
        # applies, as P5d's says liability order (both work this SR type; `works_on_reasons`).
        CreateSR("main", *MAGISTRATES_COURT, reason=REASON, status_given=False),
        UpdateSR("main", {"court": ctx["court"]}),
        AddNote(
            "main",
            f"Commitment action requested by {ctx['requested_by']} at {ctx['court']}; amount owed "
            f"{format_money(ctx['amount_owed'])}.",
            typed=True,
        ),
    ]


def _pv_check(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            f"PV check on the 2012 system: {pv_result(bool(ctx['pv_marker']), ctx['pv_details'])}.",
            typed=bool(ctx["pv_details"]),
        )
    ]


def _build_bundle(ctx: Ctx) -> list[Effect]:
    documents = (
        summons(ctx, completed=False),
        pv_record(ctx, "first", bool(ctx["pv_marker"]), ctx["pv_details"]),
        referral(ctx),
    )
    return [
        StoreBundle("main", BUNDLE, documents=documents),
        AddNote(
            "main", "Commitment bundle made: CMEL7211 court summons (part completed), PV check, SSST referral form."
        ),
    ]


def _save_bundle(ctx: Ctx) -> list[Effect]:
    return [
        AddNote("main", f"Commitment bundle saved in the CPO Manager Folder for {ctx['summons_region']}.", typed=True)
    ]


def _cpo_assigned(ctx: Ctx) -> list[Effect]:
    when = ctx["hearing_at"]
    return [
        UpdateSR("main", {"cpo_name": ctx["cpo_name"], "hearing_at": when}),
        SetDue("main", deadlines.hearing(when, ctx["court"])),
        SetDue("main", ssst_court.second_pv_due(ctx, when)),
        StoreBundle("main", BUNDLE, documents=(summons(ctx, completed=True),)),
        AddNote(
            "main",
            f"Court presenting officer: {ctx['cpo_name']}; hearing date {format_uk(when)}. CMEL7211 court summons "
            "completed.",
            typed=True,
        ),
    ]


def _court_cover_letter(ctx: Ctx) -> list[Effect]:
    context = court_letter(ctx)
    return [
        StoreBundle("main", BUNDLE, documents=(("CWGL001", context),)),
        LetterDue("main", "CWGL001", "court", context),
        AddNote("main", "Court cover letter added to the commitment bundle with the completed court summons."),
    ]


def _summons_returned(ctx: Ctx) -> list[Effect]:
    return [AddNote("main", "Updated court summons received back from the CPO (court, ECM, CPO).")]


def _paying_parent_cover_letter(ctx: Ctx) -> list[Effect]:
    context = paying_parent_letter(ctx)
    return [
        StoreBundle("main", BUNDLE, documents=(("CWGL002", context),)),
        LetterDue("main", "CWGL002", "paying_parent", context),
        AddNote("main", "Paying parent cover letter made for the CPO and saved with the commitment bundle."),
    ]


def _summons_issued(ctx: Ctx) -> list[Effect]:
    day = ctx["summons_issued_on"]
    return [
        UpdateSR("main", {"summons_issued_on": day}, said={"summons_issued_on": seed_sr_updates.P5C_ISSUE_DATE}),
        AddNote("main", f"The CPO confirmed the letter and summons were issued on {format_date(day)}."),
    ]


def _second_pv_check(ctx: Ctx) -> list[Effect]:
    return ssst_court.second_pv_check(ctx, hearing_at(ctx))


def _close_sr(ctx: Ctx) -> list[Effect]:
    return [
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.COMPLETE,
            resolution_code=reference.value("resolution_code.completed"),
            status_given=True,  # step 14: "Close and Complete the SR"
        )
    ]


# --- Steps ---------------------------------------------------------------------------------------

OUTCOME_GUIDANCE = (
    "The CPO sends the case file to the SSST. Record the outcome on the SR and scan it as a PDF: it is "
    "linked to the SR (see Scanning Local)."
)

STEPS = {
    "sr_allocated": Step(
        title="The request for commitment action",
        guidance=(
            "Your case manager has allocated you an SR: a caseworker has asked for commitment action (the "
            'procedure\'s guide for this SR is "Court Presentation - Magistrates Court"). Read the SR for the '
            "court and the amount owed; they fill "
            "in the court summons and the cover letters."
        ),
        checklist=("SR read: the request for commitment action",),
        from_case=FromCase(
            "A caseworker has asked for commitment action. You started this from the case, so there is no SR for it "
            "yet: once you have answered, 'What to enter in CMS' says how to create it (the procedure's guide for "
            'this SR is "Court Presentation - Magistrates Court"). Note the court and the amount owed; they fill in '
            "the court summons and the cover letters.",
            ("Request read: it asks for commitment action",),
        ),
        fields=(
            Field("court", label="Court", help="The magistrates' court for the commitment hearing."),
            Field(
                "court_address",
                label="Court address",
                kind="long_text",
                max_chars=300,
                help="One line each, under the court's name: the letters print the name above the address.",
            ),
            Field(
                "amount_owed", label="Amount owed", kind="money", default_fact="arrears_balance", more_than_zero=True
            ),
            Field("requested_by", label="Caseworker who asked for commitment action"),
        ),
        effects=_sr_allocated,
        warnings=ssst_court.open_sr_already(MAGISTRATES_COURT),
    ),
    "pv_check": Step(
        title="PV check",
        guidance=(
            "Check whether a potentially violent (PV) marker is recorded against the case (step 4 of Contact "
            "Summary). The result goes into the SR Notes and onto the PV check record in the bundle."
        ),
        checklist=("PV check done on the 2012 system",),
        fields=(
            Field(
                "pv_marker",
                label="Is a PV marker recorded against the client?",
                kind="yes_no",
                check=ssst_court.PV_CHECK_AGREES_WITH_THE_CASE,
            ),
            Field("pv_details", label="What the PV check showed", kind="long_text", required=False),
        ),
        effects=_pv_check,
    ),
    "build_bundle": Step(
        title="Build the commitment bundle",
        guidance=(
            "Combine the CMEL7211 court summons (partly completed for now), the PV check and the SSST referral "
            "form into one zip. Casework Guide fills them in and stores the zip with the SR."
        ),
        fields=(
            Field("referral_notes", label="Notes for the CPO on the referral form", kind="long_text", required=False),
        ),
        depends_on=("court", "court_address", "amount_owed", "requested_by", "pv_marker"),
        effects=_build_bundle,
    ),
    "save_bundle": Step(
        title="Save the bundle in the CPO Manager Folder",
        guidance="Identify the region for the court summons and save the zip in that region's CPO Manager Folder.",
        checklist=("Zip saved in the region's CPO Manager Folder",),
        fields=(Field("summons_region", label="Region of the court summons"),),
        effects=_save_bundle,
    ),
    "set_in_progress": ssst_court.set_in_progress_step(),
    "cpo_assigned": Step(
        title="CPO and hearing date: complete the summons",
        guidance=(
            "The CPO emails the SSST with their name and the hearing date. Casework Guide puts them on the SR, "
            "completes the court summons in the bundle and works out when the second PV check is due: 48 hours "
            "before the hearing, or the last working moment before that."
        ),
        fields=(
            *ssst_court.CPO_FIELDS,
            Field("hearing_at", label="Hearing date and time", kind="datetime", min_date="today"),
        ),
        depends_on=("court", "court_address", "amount_owed"),
        warnings=ssst_court.not_a_working_day("hearing_at", given_by=ssst_court.GIVEN_BY_CPO),
        effects=_cpo_assigned,
    ),
    "court_cover_letter": Step(
        title="Court cover letter",
        guidance=(
            "Generate the cover letter for the court and put it in the zip with the completed court summons, "
            "saved in the CPO Manager Folder."
        ),
        checklist=("Zip with the cover letter and completed summons saved in the CPO Manager Folder",),
        depends_on=("court", "court_address", "amount_owed", "cpo_name", "hearing_at"),
        effects=_court_cover_letter,
    ),
    "summons_returned": Step(
        title="Summons back from the CPO",
        guidance=(
            "The CPO sends the cover letter and summons to the court; the court updates the summons and sends it "
            "to the ECM, who forwards it to the CPO, who sends it to the SSST with a request for the paying parent "
            "cover letter. Continue when it has arrived."
        ),
        checklist=("Updated summons received from the CPO",),
        effects=_summons_returned,
    ),
    "paying_parent_cover_letter": Step(
        title="Paying parent cover letter",
        guidance=(
            "Generate the paying parent cover letter for the CPO with the hearing details and save it in the "
            "correct folder."
        ),
        checklist=("Paying parent cover letter saved in the correct folder",),
        depends_on=("court", "court_address", "amount_owed", "hearing_at"),
        effects=_paying_parent_cover_letter,
    ),
    "summons_issued": Step(
        title="Summons issue date",
        guidance="The CPO emails to confirm the letter and summons have been issued, with the date: update the SR.",
        # The CPO reports the summons issued: never a day to come, nor after the hearing (QA, 7 December).
        fields=(Field("summons_issued_on", label="Date the summons was issued", kind="date", latest="today"),),
        effects=_summons_issued,
    ),
    "second_pv_check": ssst_court.second_pv_check_step(
        _second_pv_check, ("hearing_at", "cpo_email", "cpo_name"), hearing_at, "pv_check"
    ),
    "record_outcome": ssst_court.record_outcome_step(OUTCOME_GUIDANCE),
    "forward_to_ecm": ssst_court.FORWARD_TO_ECM,
    "close_sr": Step(
        title="Close the SR",
        guidance="Close and Complete the SR.",
        checklist=("All action on the commitment completed",),
        effects=_close_sr,
    ),
    "done": Step(
        title="Finished",
        guidance="The commitment action is recorded, the file is with the ECM and the SR is closed.",
        final=True,
    ),
}


PROCEDURE_V1 = Procedure(
    id="P5c",
    version="1",
    title="Work Routing for Commitment",
    seed="004_a8ae07a86098a507.txt",
    roles=("caseworker",),
    starts=("Your case manager allocates you an SR: a caseworker has asked for commitment action."),
    machine=P5cMachine,
    steps=STEPS,
    bind_start=ssst_court.bind_open_sr(MAGISTRATES_COURT),
    works_on=(MAGISTRATES_COURT,),
    works_on_reasons=(REASON,),
    glossary_terms=("SR", "CPO", "CPT", "ECM", "PV", "SSST"),
    main_sr=MAGISTRATES_COURT,
)


# --- Version 2 -----------------------------------------------------------------------------------

PROCEDURE = replace(
    PROCEDURE_V1, version="2", machine=P5cMachineV2, steps=ssst_court.with_moved_hearing(STEPS, OUTCOME_GUIDANCE)
)
"""Version 2, the one new runs start on (`registry.get("P5c")`)."""
