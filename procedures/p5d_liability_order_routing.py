"""P5d Specialist Services Support Team: Work Routing for Liability Order (seed 004, 14 steps).

A caseworker has asked for a liability order (LO). The SSST gets the hearing date and the court
presenting officer (CPO) from the court presenting team (CPT), prepares the forms and the WinZip
for the CPT shared folder, produces the CMEL9180 cover letter for the paying parent when the CPT
asks for it, does the second potentially violent (PV) check 48 hours before the hearing, and
records the CPO's outcome. Our reading of the seed, where it is silent:

- The SR. The work arrives as an SR of Enforcement / Court Presentation / Magistrates Court (the
  catalogue's inferred values) allocated by the case manager; "Work this SR" binds it as "main"
  (`works_on`, `ssst_court.bind_open_sr`). Started from the case instead, step 1 creates that SR for the
  caseworker, so a run always has its SR, and reads so (`Step.from_case`: no allocated SR to read). P5c
  (commitment) works on the same SR type: the SR's Reason ("Liability Order") says which procedure applies; see the
  report to the lead.
- Activity plan (the seed says only "update the SR Activity Plan" at step 3): "Hearing Date
  Recorded" (Done at step 3, with CMEL7298), "Cover Letter Issued" (Done at step 8) and "Second
  PV Check" (Done at step 10). They are added to the plan as they are done, so an SR allocated
  without them never carries activities it cannot do.
- Step 2 is two wizard steps: the request to the CPT (the drafted email, with the read receipt
  and the follow-up call task every SSST email gets) and the CPT's reply (hearing date and time,
  CPO), which go onto the SR. The hearing and the second PV check (48 hours before it, pulled back
  to the last working moment in the case's region) become deadlines with their explanations.
- Step 4's "details confirming a full PV check" is its own step with a recorded result (PV marker
  found or not, what was checked), then the WinZip: CMEL7298, CMEL7000, the SSST referral form
  (CWGF003) and the PV check record (CWGF004), stored with the SR as "CPT bundle".
- Step 7: the CPT's email subject carries the hearing date. It is entered again (it may differ
  from the date first given); the SR and both deadlines move with it. Costs go onto the SR. The
  CMEL9180 is recorded as due for the paying parent (send as PDF) and added to the bundle.
- Step 8 "call CPT": the call is a checklist item; the drafted "letter ready" email to the CPT
  (hearing date in the subject) confirms it in writing, so the outbox has a record.
- Step 9: the summons issue date goes onto the SR (Summons issue date); it cannot be after the hearing, nor in the
  future (the CPT gives it once they have sent the letter and summons).
- Step 10: the second PV check result, payments that affect the LO schedule and contact from the
  paying parent are emailed to the CPO with the CWGF004 second-check record attached; the second
  PV check deadline is then met.
- Step 11: the CPO may decide not to proceed: the SR is Closed / Cancelled with Resolution Code
  "Not Proceeding" (from the catalogue) and the reason in the Notes; the hearing deadline is met
  (nothing left to chase). Otherwise step 12 records the outcome (choice plus details; only from the hearing's
  day on, ssst_court.hearing_has_taken_place) with the
  outcome PDF linked to the SR (real PDFs only), step 13 forwards the case file (the forms) to the
  ECM so the LO system action can be completed, and step 14 closes the SR Closed / Complete.
- The seed does not ask for clerical files to be deleted on this path (it does for P5b and P5e),
  so the bundle is kept with the SR.

Version 2 (7 December 2026; `PROCEDURE`). Runs started on version 1 (`PROCEDURE_V1`, the steps above) finish on it;
new runs start on version 2, which shares every step but the second PV check and the outcome, and adds the new
hearing date. Our reading again, as the seed names no outcomes and says nothing of an adjournment:

- An adjourned hearing is not over: version 1 took "Hearing adjourned" on to forward the case file and close the SR
  Complete. Now it records the adjournment in the SR Notes with what the CPO said ("Details of the outcome"), leaves
  the SR open and the hearing deadline running, and goes to a step of its own, "Record the new hearing date", then
  back to the second PV check (due 48 hours before the new hearing), "Does the CPO proceed?" and the outcome again,
  as often as the court adjourns. The new date is a step, not fields on the outcome step: the court often adjourns
  without fixing a date at once, so the run waits there for it with the adjournment already on the SR; and a step
  looped back into starts unanswered (services/runs.py), so a date asked on the outcome step would be gone when the
  next outcome is checked against the hearing (`hearing_has_taken_place`). The new date moves the SR's hearing date
  and the hearing deadline, as the CPT's changed date does at the cover letter step (`_hearing_dues`); the first
  second PV check deadline was met, so a new one is set. The seed names no SR update for an adjourned hearing's date,
  so its CMS line is a suggestion, never the cover letter step's sentence. Taken from today on, as every hearing date
  is: the adjourned hearing's day has come (its outcome is recorded only from then), so it cannot be before it.
- No scanned PDF for an adjournment: the seed's PDF is the outcome the CPO sends with the case file once the
  application is decided, and an adjourned case goes on. The upload is asked for every other outcome; the step's
  "Outcome scanned as a PDF" tick is gone, the required upload being that scan.
- An adjournment is recorded, like any outcome, only from the hearing's day on (the CPO reports what the court did).
  A hearing moved before its day is still for the SR Notes and the team leader, as the refusal says (until version 3).
- The second PV check asks "What the second PV check showed" (optional), as P5b's and P5c's do: it goes on the
  CWGF004 second-check record and into the email to the CPO (`ssst_court.pv_result`).
- We take it that the court tells the paying parent of an adjourned hearing's new date: the seed asks the SSST for no
  second CMEL9180, so none is recorded. The forms forwarded to the ECM at the end carry the latest hearing date.

Version 3 (8 December 2026, ninth session; `PROCEDURE`). Runs started on version 2 (`PROCEDURE_V2`) finish on it, and
version 1's on version 1; new runs start on version 3, which differs only at the outcome and the new hearing date. Our
reading, as the seed says nothing of a hearing moved before its day:

- Version 2 refused every outcome until the hearing's day and said to put a moved hearing in the SR Notes and ask the
  team leader. Version 3's outcome has one more answer, "The hearing has moved to another day"
  (`ssst_court.HEARING_MOVED`, the answer P5b's and P5c's version 2 give), taken at any time, before the hearing's
  day too; the others are still refused until then, the refusal naming the new answer. A move asks no details and no
  PDF and records nothing at the outcome (Back from the next step still reaches it); it goes to the step an
  adjournment goes to, "Record the new hearing date", rather than a second step asking the same: the same checks (not
  before today; a caution for a weekend or a bank holiday), the SR's hearing date and the hearing deadline moved, the
  second PV check due again 48 hours before the new day, then back round the second PV check, "Does the CPO proceed?"
  and the outcome. Its note says the hearing moved before it took place (`ssst_court.moved_note`), not that it was
  adjourned.
- Check your answers says the hearing deadline is "moved in your deadlines" at the new hearing date, in every version
  (`ssst_court.hearing_moved`): the deadline is always open there, an adjournment leaving it running.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from statemachine import State, StateMachine

from domain import deadlines, mail, reference
from domain.clock import format_date, format_uk, uk_local
from domain.reference import SRStatus, SubStatus
from domain.values import FieldError, format_money, sentence

from . import seed_sr_updates, ssst_court
from .definition import Ctx, Field, FromCase, Procedure, Step, next_version_steps
from .effects import (
    ACTOR_NAME,
    SR_NUMBER,
    AddNote,
    CompleteDeadlines,
    CreateSR,
    Effect,
    LetterDue,
    MarkActivityDone,
    QueueEmail,
    SetDue,
    SetStatus,
    StoreBundle,
    UpdateSR,
)

# Values the 2012 system uses: exact, from the seed and the SR catalogue.
MAGISTRATES_COURT = reference.full_sr_type("sr.magistrates_court")
REASON = reference.value("reason.liability_order")
NOT_PROCEEDING = reference.value("resolution_code.not_proceeding")
HEARING_RECORDED = reference.value("activity.hearing_date_recorded")
COVER_LETTER_ISSUED = reference.value("activity.cover_letter_issued")
SECOND_PV_CHECK = reference.value("activity.second_pv_check")
BUNDLE = "CPT bundle"
ACTION = "liability order"

ADJOURNED = "Hearing adjourned"
OUTCOMES = (
    "Liability order granted",
    "Liability order refused",
    ADJOURNED,
    "Application withdrawn at the hearing",
)
DECIDED = tuple(o for o in OUTCOMES if o != ADJOURNED)
"""The outcomes that end the application: version 2 asks for the scanned outcome and closes the SR only for these."""
OUTCOMES_V3 = (*OUTCOMES, ssst_court.HEARING_MOVED)
"""Version 3's answers at the outcome: a hearing moved before its day too."""
V1_ADJOURNED = (
    "This run was started before Casework Guide could record an adjourned hearing: recorded here, it would close the "
    "SR as Complete. Leave this step until the CPO sends the outcome of the new hearing, and record that outcome then. "
    "Meanwhile put the adjournment and the new hearing date in the SR's Notes, and do the second PV check 48 hours "
    "before the new hearing."
)
"""Version 1's refusal of an adjournment at its outcome (`P5dMachine.not_adjourned`)."""


# --- Values worked out from the answers ----------------------------------------------------------


def hearing_at(ctx: Ctx) -> datetime:
    """The latest hearing date: the one an adjourned hearing moved to (version 2), else the one in the CPT's cover
    letter request once given, else the first."""
    return ctx.get("new_hearing_at") or ctx.get("confirmed_hearing_at") or ctx["hearing_at"]


def _local_date(moment: datetime) -> str:
    return uk_local(moment).date().isoformat()


def _local_time(moment: datetime) -> str:
    return f"{uk_local(moment):%H:%M}"


def _cmel7298(ctx: Ctx) -> dict[str, Any]:
    moment = hearing_at(ctx)
    return {
        "sr_number": SR_NUMBER,
        "scin": ctx.fact("scin"),
        "paying_parent_name": ctx.fact("paying_parent"),
        "court_name": ctx["court_name"],
        "hearing_date": _local_date(moment),
        "hearing_time": _local_time(moment),
        "cpo_name": ctx["cpo_name"],
    }


def _cmel7000(ctx: Ctx) -> dict[str, Any]:
    return {
        "scin": ctx.fact("scin"),
        "paying_parent_name": ctx.fact("paying_parent"),
        "paying_parent_address": _address(ctx.fact("paying_parent_address")),
        "court_name": ctx["court_name"],
        "hearing_date": _local_date(hearing_at(ctx)),
        "amount_owed": str(ctx["amount_owed"]),
        "arrears_from": ctx["arrears_from"].isoformat(),
        "arrears_to": ctx["arrears_to"].isoformat(),
    }


def _referral(ctx: Ctx) -> dict[str, Any]:
    return {
        "sr_number": SR_NUMBER,
        "scin": ctx.fact("scin"),
        "paying_parent_name": ctx.fact("paying_parent"),
        "action": "liability_order",
        "court_name": ctx["court_name"],
        "hearing_date": _local_date(hearing_at(ctx)),
        "cpo_name": ctx["cpo_name"],
        "ecm_name": ctx["ecm_name"],
        "pv_marker": bool(ctx["pv_marker"]),
        "pv_findings": ctx["pv_detail"] or "",
        "notes": f"Liability order application: {format_money(ctx['amount_owed'])} owed.",
    }


def _pv_record(ctx: Ctx, *, second: bool) -> dict[str, Any]:
    context: dict[str, Any] = {
        "checked_by": ACTOR_NAME,
        "sr_number": SR_NUMBER,
        "scin": ctx.fact("scin"),
        "client_name": ctx.fact("paying_parent"),
        "check": "second" if second else "first",
        "pv_marker": bool(ctx["second_pv_marker"] if second else ctx["pv_marker"]),
        # Version 1's second check asks no details: its record has no findings line.
        "pv_findings": (ctx["second_pv_details"] if second else ctx["pv_detail"]) or "",
    }
    if second:
        context |= {"payments_since": ctx["lo_schedule_payments"], "contact_since": ctx["paying_parent_contact"]}
    return context


def _cmel9180(ctx: Ctx) -> dict[str, Any]:
    moment = hearing_at(ctx)
    return {
        "recipient_name": ctx.fact("paying_parent"),
        "recipient_address": _address(ctx.fact("paying_parent_address")),
        "scin": ctx.fact("scin"),
        "court_name": ctx["court_name"],
        "court_address": ctx["court_address"],
        "hearing_date": _local_date(moment),
        "hearing_time": _local_time(moment),
        "amount_owed": str(ctx["amount_owed"]),
        "costs": str(ctx["costs"]),
    }


def _address(text: str | None) -> str:
    """The case holds an address on one line, comma separated; letters show one part per line."""
    return "\n".join(part.strip() for part in (text or "").split(",") if part.strip()) or "Address not held"


def _pv_text(marker: bool) -> str:
    return "a PV marker is recorded" if marker else "no PV marker recorded"


class _Rules:
    """The guards and validators both versions' machines read."""

    def cpo_stops(self, ctx: Ctx) -> bool:
        return ctx["cpo_proceeds"] is False

    # Validators: each raises FieldError naming the input the caseworker must change.
    def arrears_period_is_in_order(self, ctx: Ctx) -> None:
        if ctx["arrears_to"] < ctx["arrears_from"]:
            raise FieldError("arrears_to", "The end of the arrears period must be on or after its start.")

    if_moved = ssst_court.IF_MOVED_BY_HAND  # version 3: choose the moved hearing's answer

    def hearing_has_taken_place(self, ctx: Ctx) -> None:
        ssst_court.hearing_has_taken_place(ctx, hearing_at(ctx), if_moved=self.if_moved)

    def issued_before_hearing(self, ctx: Ctx) -> None:
        ssst_court.issued_before_hearing(ctx, hearing_at(ctx))


class P5dMachine(_Rules, StateMachine):
    """Version 1. States are the steps; guards are the seed's rules; validators refuse impossible dates."""

    allocated = State("The request for a liability order", initial=True)
    contact_cpt = State("Ask the CPT for the hearing date and CPO")
    cpt_reply = State("Record the hearing date and CPO")
    create_cmel7298 = State("Create CMEL7298 and update the activity plan")
    full_pv_check = State("Full PV check")
    cpt_bundle = State("Save the WinZip in the CPT shared folder")
    set_in_progress = State("Set the SR In Progress")
    cover_letter = State("CPT asks for the CMEL9180 cover letter")
    call_cpt = State("Tell the CPT the letter is ready")
    issue_date = State("Record the issue date")
    second_pv_check = State("Second PV check, 48 hours before the hearing")
    cpo_decision = State("Does the CPO proceed?")
    record_outcome = State("Record the outcome from the CPO")
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Close and Complete the SR")
    done = State("Finished", final=True)

    proceed = (
        allocated.to(contact_cpt, validators="arrears_period_is_in_order")
        | contact_cpt.to(cpt_reply)
        | cpt_reply.to(create_cmel7298)
        | create_cmel7298.to(full_pv_check)
        | full_pv_check.to(cpt_bundle)
        | cpt_bundle.to(set_in_progress)
        | set_in_progress.to(cover_letter)
        | cover_letter.to(call_cpt)
        | call_cpt.to(issue_date)
        | issue_date.to(second_pv_check, validators="issued_before_hearing")
        | second_pv_check.to(cpo_decision)
        | cpo_decision.to(done, cond="cpo_stops")
        | cpo_decision.to(record_outcome)
        | record_outcome.to(forward_to_ecm, validators=["hearing_has_taken_place", "not_adjourned"])
        | forward_to_ecm.to(close_sr)
        | close_sr.to(done)
    )

    def not_adjourned(self, ctx: Ctx) -> None:
        """Version 1 would close the SR Complete on an adjournment (its steps stay as they were for the runs on it):
        refused instead, saying what to do until the new hearing's outcome comes."""
        if ctx["outcome"] == ADJOURNED:
            raise FieldError("outcome", V1_ADJOURNED)


class P5dMachineV2(_Rules, StateMachine):
    """Version 2: an adjourned hearing takes a new date and goes round the second PV check and the outcome again.

    Version 1's states and transitions are written again, not inherited: python-statemachine ties a transition to
    its State objects, so a subclass adding one would change version 1's machine too, and version 1 must stay as the
    runs on it started."""

    allocated = State("The request for a liability order", initial=True)
    contact_cpt = State("Ask the CPT for the hearing date and CPO")
    cpt_reply = State("Record the hearing date and CPO")
    create_cmel7298 = State("Create CMEL7298 and update the activity plan")
    full_pv_check = State("Full PV check")
    cpt_bundle = State("Save the WinZip in the CPT shared folder")
    set_in_progress = State("Set the SR In Progress")
    cover_letter = State("CPT asks for the CMEL9180 cover letter")
    call_cpt = State("Tell the CPT the letter is ready")
    issue_date = State("Record the issue date")
    second_pv_check = State("Second PV check, 48 hours before the hearing")
    cpo_decision = State("Does the CPO proceed?")
    record_outcome = State("Record the outcome from the CPO")
    new_hearing = State("Record the new hearing date")
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Close and Complete the SR")
    done = State("Finished", final=True)

    proceed = (
        allocated.to(contact_cpt, validators="arrears_period_is_in_order")
        | contact_cpt.to(cpt_reply)
        | cpt_reply.to(create_cmel7298)
        | create_cmel7298.to(full_pv_check)
        | full_pv_check.to(cpt_bundle)
        | cpt_bundle.to(set_in_progress)
        | set_in_progress.to(cover_letter)
        | cover_letter.to(call_cpt)
        | call_cpt.to(issue_date)
        | issue_date.to(second_pv_check, validators="issued_before_hearing")
        | second_pv_check.to(cpo_decision)
        | cpo_decision.to(done, cond="cpo_stops")
        | cpo_decision.to(record_outcome)
        | record_outcome.to(new_hearing, cond="hearing_adjourned", validators="hearing_has_taken_place")
        | record_outcome.to(forward_to_ecm, validators="hearing_has_taken_place")
        | new_hearing.to(second_pv_check)
        | forward_to_ecm.to(close_sr)
        | close_sr.to(done)
    )

    def hearing_adjourned(self, ctx: Ctx) -> bool:
        return bool(ctx["outcome"] == ADJOURNED)


class P5dMachineV3(_Rules, StateMachine):
    """Version 3: a hearing moved before its day goes, at any time, to the new hearing date an adjournment goes to.
    Version 2's states and transitions are written again, not inherited, for the reason `P5dMachineV2` gives."""

    if_moved = ssst_court.IF_MOVED

    allocated = State("The request for a liability order", initial=True)
    contact_cpt = State("Ask the CPT for the hearing date and CPO")
    cpt_reply = State("Record the hearing date and CPO")
    create_cmel7298 = State("Create CMEL7298 and update the activity plan")
    full_pv_check = State("Full PV check")
    cpt_bundle = State("Save the WinZip in the CPT shared folder")
    set_in_progress = State("Set the SR In Progress")
    cover_letter = State("CPT asks for the CMEL9180 cover letter")
    call_cpt = State("Tell the CPT the letter is ready")
    issue_date = State("Record the issue date")
    second_pv_check = State("Second PV check, 48 hours before the hearing")
    cpo_decision = State("Does the CPO proceed?")
    record_outcome = State("Record the outcome from the CPO")
    new_hearing = State("Record the new hearing date")
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Close and Complete the SR")
    done = State("Finished", final=True)

    proceed = (
        allocated.to(contact_cpt, validators="arrears_period_is_in_order")
        | contact_cpt.to(cpt_reply)
        | cpt_reply.to(create_cmel7298)
        | create_cmel7298.to(full_pv_check)
        | full_pv_check.to(cpt_bundle)
        | cpt_bundle.to(set_in_progress)
        | set_in_progress.to(cover_letter)
        | cover_letter.to(call_cpt)
        | call_cpt.to(issue_date)
        | issue_date.to(second_pv_check, validators="issued_before_hearing")
        | second_pv_check.to(cpo_decision)
        | cpo_decision.to(done, cond="cpo_stops")
        | cpo_decision.to(record_outcome)
        | record_outcome.to(new_hearing, cond="hearing_has_moved")  # before its day too
        | record_outcome.to(new_hearing, cond="hearing_adjourned", validators="hearing_has_taken_place")
        | record_outcome.to(forward_to_ecm, validators="hearing_has_taken_place")
        | new_hearing.to(second_pv_check)
        | forward_to_ecm.to(close_sr)
        | close_sr.to(done)
    )

    def hearing_has_moved(self, ctx: Ctx) -> bool:
        return bool(ctx["outcome"] == ssst_court.HEARING_MOVED)

    def hearing_adjourned(self, ctx: Ctx) -> bool:
        return bool(ctx["outcome"] == ADJOURNED)


# --- Effects -------------------------------------------------------------------------------------


def _allocated(ctx: Ctx) -> list[Effect]:
    return [
        CreateSR("main", *MAGISTRATES_COURT, reason=REASON, status_given=False),  # allocated: no Status named
        UpdateSR("main", {"court": ctx["court_name"]}),
        AddNote(
            "main",
            f"Liability order requested by {ctx['ecm_name']} (enforcement case manager) at {ctx['court_name']}: "
            f"{format_money(ctx['amount_owed'])} owed for {format_date(ctx['arrears_from'])} to "
            f"{format_date(ctx['arrears_to'])}.",
            typed=True,
        ),
    ]


def _contact_cpt(ctx: Ctx) -> list[Effect]:
    draft = mail.cpo_request(
        scin=ctx.fact("scin"),
        sr_number=SR_NUMBER,
        court=ctx["court_name"],
        hearing_at=None,
        action=ACTION,
        ask_hearing_date=True,  # step 2: "to obtain a hearing date and the name of the assigned CPO"
    )
    return [
        QueueEmail("main", draft),
        AddNote("main", "Court presenting team asked for the hearing date and the court presenting officer."),
    ]


def _hearing_dues(ctx: Ctx, moment: datetime) -> list[Effect]:
    return [
        SetDue("main", deadlines.hearing(moment, ctx["court_name"])),
        SetDue("main", ssst_court.second_pv_due(ctx, moment)),
    ]


def _cpt_reply(ctx: Ctx) -> list[Effect]:
    moment = ctx["hearing_at"]
    return [
        UpdateSR("main", {"hearing_at": moment, "cpo_name": ctx["cpo_name"]}),
        AddNote(
            "main",
            f"Court presenting officer: {ctx['cpo_name']}. Hearing at {ctx['court_name']}, {format_uk(moment)}.",
            typed=True,
        ),
        *_hearing_dues(ctx, moment),
    ]


def _create_cmel7298(ctx: Ctx) -> list[Effect]:
    return [
        LetterDue("main", "CMEL7298", "file", _cmel7298(ctx)),
        MarkActivityDone("main", HEARING_RECORDED),
    ]


def _full_pv_check(ctx: Ctx) -> list[Effect]:
    detail = f" {ctx['pv_detail']}" if ctx["pv_detail"] else ""
    return [
        AddNote("main", f"Full PV check on the 2012 system: {_pv_text(ctx['pv_marker'])}.{detail}", typed=bool(detail))
    ]


def _cpt_bundle(ctx: Ctx) -> list[Effect]:
    return [
        StoreBundle(
            "main",
            BUNDLE,
            documents=(
                ("CMEL7298", _cmel7298(ctx)),
                ("CMEL7000", _cmel7000(ctx)),
                ("CWGF003", _referral(ctx)),
                ("CWGF004", _pv_record(ctx, second=False)),
            ),
        ),
        AddNote(
            "main",
            "WinZip of CMEL7298, CMEL7000 LO application, SSST referral form and full PV check confirmation "
            "saved in the CPT shared folder.",
        ),
    ]


def _cover_letter(ctx: Ctx) -> list[Effect]:
    moment = hearing_at(ctx)
    extra = f" {ctx['cpt_information']}" if ctx["cpt_information"] else ""
    return [
        UpdateSR(
            "main",
            {"hearing_at": moment, "costs": ctx["costs"]},
            said=dict.fromkeys(("hearing_at", "costs"), seed_sr_updates.P5D_HEARING_DATE_AND_COSTS),
        ),
        *_hearing_dues(ctx, moment),
        LetterDue("main", "CMEL9180", "paying_parent", _cmel9180(ctx)),
        StoreBundle("main", BUNDLE, documents=(("CMEL9180", _cmel9180(ctx)),)),
        AddNote(
            "main",
            f"CPT asked for the CMEL9180 cover letter: hearing {format_uk(moment)}, costs "
            f"{format_money(ctx['costs'])}.{extra} CMEL9180 created and added to the WinZip in the CPT shared folder.",
            typed=bool(extra),
        ),
    ]


def _call_cpt(ctx: Ctx) -> list[Effect]:
    draft = mail.cpt_letter_ready(
        scin=ctx.fact("scin"), sr_number=SR_NUMBER, hearing_at=hearing_at(ctx), court=ctx["court_name"]
    )
    return [
        QueueEmail("main", draft),
        MarkActivityDone("main", COVER_LETTER_ISSUED),
        AddNote(
            "main", "CPT called: the CMEL9180 letter is ready; they send the letter and summons on the date recorded."
        ),
    ]


def _issue_date(ctx: Ctx) -> list[Effect]:
    day = ctx["summons_issued_on"]
    return [
        UpdateSR("main", {"summons_issued_on": day}, said={"summons_issued_on": seed_sr_updates.P5D_ISSUE_DATE}),
        AddNote("main", f"CPT sent the CMEL9180 letter and the summons on {format_date(day)}."),
    ]


def _second_pv_check(ctx: Ctx) -> list[Effect]:
    """Version 1's: the check's result alone (no findings asked)."""
    return _second_pv_check_sent(ctx, _pv_text(ctx["second_pv_marker"]))


def _second_pv_check_v2(ctx: Ctx) -> list[Effect]:
    """Version 2's, with what the check showed on the CWGF004 record and in the email (`_pv_record` reads it)."""
    return _second_pv_check_sent(ctx, ssst_court.pv_result(bool(ctx["second_pv_marker"]), ctx["second_pv_details"]))


def _second_pv_check_sent(ctx: Ctx, result: str) -> list[Effect]:
    """The check emailed to the CPO with the CWGF004 record, the activity marked, its deadline met, noted."""
    draft = mail.second_pv_check(
        scin=ctx.fact("scin"),
        sr_number=SR_NUMBER,
        hearing_at=hearing_at(ctx),
        pv_result=result,
        payments=ctx["lo_schedule_payments"],
        contact=ctx["paying_parent_contact"],
        liability_order=True,
    )
    # After an adjournment (version 2) the activity is Done already, from the first check: the CMS panel would have
    # said to mark it Done again (QA, fifth session). A new hearing date is on the run only after an adjournment.
    again = ctx.get("new_hearing_at") is not None
    return [
        QueueEmail("main", draft, documents=(("CWGF004", _pv_record(ctx, second=True)),)),
        *([] if again else [MarkActivityDone("main", SECOND_PV_CHECK)]),
        CompleteDeadlines("main", (deadlines.SECOND_PV_CHECK,)),
        AddNote(
            "main",
            f"Second PV check emailed to the CPO: {result}; payments affecting the LO schedule: "
            f"{ctx['lo_schedule_payments']}; contact from the paying parent: {sentence(ctx['paying_parent_contact'])}",
            typed=True,
        ),
    ]


def _cpo_decision(ctx: Ctx) -> list[Effect]:
    if ctx["cpo_proceeds"]:
        return []
    return [
        AddNote("main", f"The CPO decided not to proceed: {ctx['not_proceeding_reason']}", typed=True),
        CompleteDeadlines("main", (deadlines.HEARING,)),
        # step 11: "Close and Cancel the SR"
        SetStatus("main", SRStatus.CLOSED, SubStatus.CANCELLED, resolution_code=NOT_PROCEEDING, status_given=True),
    ]


def _record_outcome(ctx: Ctx) -> list[Effect]:
    pdf = ctx["outcome_pdf"]
    return [
        AddNote(
            "main",
            f"Outcome from the CPO: {ctx['outcome']}. {sentence(ctx['outcome_detail'])} "
            f"(outcome scanned as PDF and linked to the SR: {pdf['file_name']}).",
            typed=True,
        ),
        CompleteDeadlines("main", (deadlines.HEARING,)),
    ]


def _record_outcome_v2(ctx: Ctx) -> list[Effect]:
    """An adjournment goes into the Notes and leaves the hearing deadline running for the new date to move."""
    if ctx["outcome"] != ADJOURNED:
        return _record_outcome(ctx)
    return [
        AddNote(
            "main",
            f"Outcome from the CPO: {ADJOURNED}. {sentence(ctx['outcome_detail'])} The SR stays open for the new "
            "hearing.",
            typed=True,
        )
    ]


def _record_outcome_v3(ctx: Ctx) -> list[Effect]:
    """A hearing moved before its day records nothing yet: its new date is the next step's."""
    return [] if ctx["outcome"] == ssst_court.HEARING_MOVED else _record_outcome_v2(ctx)


def _new_hearing(ctx: Ctx) -> list[Effect]:
    """The new date after an adjournment (version 2) or a move before the day (version 3). No `said` on the SR's
    hearing date: the seed names no SR update for either. The hearing deadline is open here, so it is moved."""
    moment = ctx["new_hearing_at"]
    court = ctx["court_name"]
    if ctx["outcome"] == ssst_court.HEARING_MOVED:
        return [*ssst_court.hearing_moved(ctx, moment, court), ssst_court.moved_note(court, moment)]
    return [
        *ssst_court.hearing_moved(ctx, moment, court),
        AddNote(
            "main",
            f"Hearing adjourned: the new hearing is at {court}, {format_uk(moment)}. The second PV check "
            "is due again 48 hours before it.",
            typed=True,  # the court, as typed
        ),
    ]


def _forward_to_ecm(ctx: Ctx) -> list[Effect]:
    draft = mail.case_file_to_ecm(
        scin=ctx.fact("scin"),
        sr_number=SR_NUMBER,
        outcome=f"{ctx['outcome']}. {ctx['outcome_detail']}",
        next_step="the LO system action can be completed",
        attached=True,  # the forms below
    )
    documents = (
        ("CMEL7298", _cmel7298(ctx)),
        ("CMEL7000", _cmel7000(ctx)),
        ("CWGF003", _referral(ctx)),
    )
    return [
        QueueEmail("main", draft, documents=documents),
        AddNote("main", "Case file forwarded to the ECM so that the LO system action can be completed."),
    ]


def _close_sr(ctx: Ctx) -> list[Effect]:
    return [SetStatus("main", SRStatus.CLOSED, SubStatus.COMPLETE, status_given=True)]  # step 14


# --- Steps ---------------------------------------------------------------------------------------

# Version 1's steps; version 2 shares all but the second PV check and the outcome, and adds the new hearing date.
STEPS = {
    "allocated": Step(
        title="The request for a liability order",
        guidance=(
            "A caseworker has asked for a liability order and your case manager has allocated you the SR (the "
            'procedure\'s guide for it is "Court Presentation - Magistrates Court"). Read it and note the '
            "court, who the enforcement case manager is, and the arrears the application covers: the forms use them."
        ),
        checklist=("SR read: it asks for a liability order",),
        from_case=FromCase(
            "A caseworker has asked for a liability order. You started this from the case, so there is no SR for it "
            "yet: once you have answered, 'What to enter in CMS' says how to create it (the procedure's guide for it "
            'is "Court Presentation - Magistrates Court"). Note the court, who the enforcement case manager is, and '
            "the arrears the application covers: the forms use them.",
            ("Request read: it asks for a liability order",),
        ),
        fields=(
            Field("court_name", label="Magistrates' court for the application"),
            Field("ecm_name", label="Enforcement case manager"),
            Field(
                "amount_owed", label="Amount owed", kind="money", default_fact="arrears_balance", more_than_zero=True
            ),
            Field("arrears_from", label="Arrears from", kind="date"),
            Field("arrears_to", label="Arrears to", kind="date"),
        ),
        effects=_allocated,
        warnings=ssst_court.open_sr_already(MAGISTRATES_COURT),
    ),
    "contact_cpt": Step(
        title="Ask the CPT for the hearing date and CPO",
        guidance=(
            "The court presenting team (CPT) for the court arranges the hearing and assigns a court presenting "
            "officer (CPO). Casework Guide emails them for both with a read receipt, and gives you a task to "
            "phone them to follow it up."
        ),
        checklist=("Right CPT for this court identified",),
        depends_on=("court_name",),
        effects=_contact_cpt,
    ),
    "cpt_reply": Step(
        title="Record the hearing date and CPO",
        guidance=(
            "When the CPT replies, record the hearing date and time and the CPO's name. They go onto the SR, and "
            "the second PV check is scheduled 48 hours before the hearing (earlier if that falls outside working "
            "hours). Until the CPT replies, you can leave this procedure: it waits at this step in My work, under "
            "Procedures in progress, and Carry on there brings you back here."
        ),
        fields=(
            Field("hearing_at", label="Hearing date and time", kind="datetime", min_date="today", help="UK time."),
            Field("cpo_name", label="Court presenting officer"),
        ),
        warnings=ssst_court.not_a_working_day("hearing_at", given_by="the court presenting team"),
        effects=_cpt_reply,
    ),
    "create_cmel7298": Step(
        title="Create CMEL7298 and update the activity plan",
        guidance=(
            "Create the enforcement form CMEL7298 with the hearing date on it, and update the SR's activity plan "
            "to show the hearing date is recorded. Casework Guide records the form as due with the values below."
        ),
        checklist=("Hearing date entered on CMEL7298", "SR activity plan updated"),
        depends_on=("hearing_at", "cpo_name", "court_name"),
        effects=_create_cmel7298,
    ),
    "full_pv_check": Step(
        title="Full PV check",
        guidance=(
            "Before anything goes to the CPT, do a full potentially violent (PV) check on the 2012 system (see "
            "step 4 of Contact Summary). The CPO needs to know before they meet the paying parent."
        ),
        checklist=("Full PV check done on the 2012 system",),
        fields=(
            Field(
                "pv_marker",
                label="Is a PV marker recorded on the case?",
                kind="yes_no",
                check=ssst_court.PV_CHECK_AGREES_WITH_THE_CASE,
            ),
            Field("pv_detail", label="What the PV check found", kind="long_text", required=False),
        ),
        effects=_full_pv_check,
    ),
    "cpt_bundle": Step(
        title="Save the WinZip in the CPT shared folder",
        guidance=(
            "Compile one WinZip of the CMEL7298, the CMEL7000 LO application, the SSST referral form and the "
            "confirmation of the full PV check. Casework Guide builds it from what you recorded and keeps it with "
            "the SR; save a copy in the CPT shared folder for the court."
        ),
        checklist=("WinZip saved in the CPT shared folder",),
        depends_on=("hearing_at", "cpo_name", "court_name", "ecm_name", "amount_owed", "pv_marker"),
        effects=_cpt_bundle,
    ),
    "set_in_progress": ssst_court.set_in_progress_step(
        "The file is with the CPT. Set the SR's Status to In Progress while you wait for the court."
    ),
    "cover_letter": Step(
        title="CPT asks for the CMEL9180 cover letter",
        guidance=(
            "Once the CPT has paid for the court appearance and has the summons, they email you for the CMEL9180 "
            "cover letter to the paying parent. The hearing date is in the email's subject: enter it (it may "
            "differ from the date first given) with the costs. Create the CMEL9180 as a PDF and add it to the "
            "WinZip in the CPT shared folder."
        ),
        checklist=("CMEL9180 created as a PDF", "CMEL9180 added to the WinZip in the CPT shared folder"),
        fields=(
            Field(
                "confirmed_hearing_at",
                label="Hearing date and time in the email subject",
                kind="datetime",
                min_date="today",
            ),
            Field("costs", label="Court costs", kind="money"),
            Field(
                "court_address",
                label="Court address",
                kind="long_text",
                max_chars=500,
                help="One line each, under the court's name: the letters print the name above the address.",
            ),
            Field("cpt_information", label="Anything else the CPT told you", kind="long_text", required=False),
        ),
        depends_on=("court_name", "amount_owed"),
        effects=_cover_letter,
    ),
    "call_cpt": Step(
        title="Tell the CPT the letter is ready",
        guidance=(
            "Phone the CPT to say the letter is ready. The letter and summons must be sent by the CPT on the date "
            "recorded. Casework Guide also emails them (hearing date in the subject) so there is a written record."
        ),
        checklist=(
            "CPT phoned: the letter is ready",
            "CPT reminded to send the letter and summons on the date recorded",
        ),
        depends_on=("confirmed_hearing_at", "court_name"),
        effects=_call_cpt,
    ),
    "issue_date": Step(
        title="Record the issue date",
        guidance="When the CPT has sent the letter and summons they tell you the date of issue: record it on the SR.",
        fields=(
            # Reported once sent: never a day to come (QA, 7 December: one was taken).
            Field("summons_issued_on", label="Date the letter and summons were issued", kind="date", latest="today"),
        ),
        depends_on=("confirmed_hearing_at",),
        effects=_issue_date,
    ),
    "second_pv_check": Step(
        title="Second PV check, 48 hours before the hearing",
        guidance=(
            "The CPO asks for a second PV check on the 2012 system 48 hours before the hearing, with any payments "
            "that would change an entry on the LO schedule and any contact from the paying parent. Casework Guide "
            "emails the CPO your answers with a read receipt and gives you a task to phone them."
        ),
        checklist=("Second PV check done on the 2012 system", "Payments and contact since the first check looked at"),
        fields=(
            Field(
                "second_pv_marker",
                label="Is a PV marker recorded now?",
                kind="yes_no",
                check=ssst_court.PV_CHECK_AGREES_WITH_THE_CASE,
            ),
            Field(
                "lo_schedule_payments",
                label="Payments that affect the LO schedule",
                kind="long_text",
                help="'None' if none.",
            ),
            Field(
                "paying_parent_contact",
                label="Contact from the paying parent",
                kind="long_text",
                help="'None' if none.",
            ),
        ),
        depends_on=("confirmed_hearing_at",),
        effects=_second_pv_check,
        warnings=ssst_court.all_of(
            ssst_court.second_pv_check_not_due_yet(hearing_at),  # answered weeks early it is stale (QA)
            ssst_court.second_pv_check_disagrees("full_pv_check", "in the SR Notes"),  # version 1: no details field
        ),
    ),
    "cpo_decision": Step(
        title="Does the CPO proceed?",
        guidance=(
            "With the second check the CPO may decide not to go on with the application. If so the SR is closed "
            "and cancelled; otherwise wait for the CPO's outcome after the hearing."
        ),
        fields=(
            Field("cpo_proceeds", label="Is the CPO going ahead with the hearing?", kind="yes_no"),
            Field(
                "not_proceeding_reason",
                label="Why the CPO is not proceeding",
                kind="long_text",
                when=("cpo_proceeds", False),
            ),
        ),
        effects=_cpo_decision,
    ),
    "record_outcome": Step(
        title="Record the outcome from the CPO",
        guidance=(
            "The CPO emails you the case file. Record the outcome and upload the scanned outcome as a PDF: it is "
            "linked to the SR (see Scanning Local)."
        ),
        checklist=("Outcome scanned as a PDF",),
        fields=(
            Field("outcome", label="Outcome of the hearing", kind="choice", options=OUTCOMES),
            Field("outcome_detail", label="Details of the outcome", kind="long_text"),
            Field("outcome_pdf", label="Scanned outcome", kind="pdf", help="A PDF file."),
        ),
        effects=_record_outcome,
    ),
    "forward_to_ecm": Step(
        title="Forward the case file to the ECM",
        guidance=(
            "Forward the case file to the enforcement case manager so that the LO system action can be completed. "
            "Casework Guide emails it with the forms attached, a read receipt and a follow-up call task."
        ),
        checklist=("Case file forwarded to the ECM",),
        depends_on=("outcome", "outcome_detail"),
        effects=_forward_to_ecm,
    ),
    "close_sr": Step(
        title="Close and Complete the SR",
        guidance="The work for this liability order is done: Close the SR with Sub Status Complete.",
        checklist=("SR Status Closed, Sub Status Complete",),
        effects=_close_sr,
    ),
    "done": Step(
        title="Finished",
        guidance="The liability order routing is recorded and the SR is closed.",
        final=True,
    ),
}


PROCEDURE_V1 = Procedure(
    id="P5d",
    version="1",
    title="Work Routing for Liability Order",
    seed="004_a8ae07a86098a507.txt",
    roles=("caseworker",),
    starts=("A caseworker has asked for a liability order and your case manager has allocated you the SR."),
    machine=P5dMachine,
    steps=STEPS,
    bind_start=ssst_court.bind_open_sr(MAGISTRATES_COURT),
    glossary_terms=("SSST", "CPT", "CPO", "ECM", "PV", "LO", "SR"),
    works_on=(MAGISTRATES_COURT,),
    works_on_reasons=(REASON,),
    main_sr=MAGISTRATES_COURT,
)


# --- Version 2 -----------------------------------------------------------------------------------

_V2_STEPS: dict[str, Step] = {
    "second_pv_check": replace(
        STEPS["second_pv_check"],
        fields=(STEPS["second_pv_check"].fields[0], ssst_court.SECOND_PV_DETAILS, *STEPS["second_pv_check"].fields[1:]),
        depends_on=("confirmed_hearing_at", "new_hearing_at"),
        effects=_second_pv_check_v2,
        warnings=ssst_court.all_of(
            ssst_court.second_pv_check_not_due_yet(hearing_at),
            ssst_court.second_pv_check_disagrees("full_pv_check"),  # version 2 asks what the check showed
        ),
    ),
    "record_outcome": Step(
        title="Record the outcome from the CPO",
        guidance=(
            "After the hearing the CPO tells you the outcome. When the court decided the application, the CPO emails "
            "you the case file: record the outcome and upload the scanned outcome as a PDF, which is linked to the SR "
            "(see Scanning Local). When the court adjourned the hearing, record that and what the CPO said: the SR "
            "stays open, and next you record the new hearing date."
        ),
        fields=(
            Field("outcome", label="Outcome of the hearing", kind="choice", options=OUTCOMES),
            Field(
                "outcome_detail",
                label="Details of the outcome",
                kind="long_text",
                help="What the CPO told you. For an adjournment: why, and anything the court directed.",
            ),
            Field("outcome_pdf", label="Scanned outcome", kind="pdf", help="A PDF file.", when=("outcome", DECIDED)),
        ),
        effects=_record_outcome_v2,
    ),
    "new_hearing": Step(
        title="Record the new hearing date",
        guidance=(
            "The court adjourned the hearing. Record the date and time it was adjourned to, as the CPO or the court "
            "presenting team gives it: the SR's hearing date and the hearing deadline move to it, and the second PV "
            "check is due again 48 hours before it. If no date was fixed at the hearing, come back to this step when "
            "the court presenting team gives one: until then the procedure waits at this step in My work, under "
            "Procedures in progress, and Carry on there brings you back here."
        ),
        fields=(
            Field(
                "new_hearing_at", label="New hearing date and time", kind="datetime", min_date="today", help="UK time."
            ),
        ),
        depends_on=("court_name",),
        warnings=ssst_court.not_a_working_day("new_hearing_at", given_by="the CPO or the court presenting team"),
        effects=_new_hearing,
    ),
}


PROCEDURE_V2 = replace(
    PROCEDURE_V1,
    version="2",
    machine=P5dMachineV2,
    steps=next_version_steps(STEPS, _V2_STEPS, adds="new_hearing", after="record_outcome"),
)
"""Version 2: runs started on it before version 3 finish on it."""


# --- Version 3 -----------------------------------------------------------------------------------

_V2_OUTCOME = _V2_STEPS["record_outcome"]

_V3_STEPS: dict[str, Step] = {
    "record_outcome": replace(
        _V2_OUTCOME,
        guidance=(
            f"{_V2_OUTCOME.guidance} If the hearing has moved to another day before it took place, say so here at any "
            "time, before its day too: next you record the new date."
        ),
        fields=(
            replace(_V2_OUTCOME.fields[0], options=OUTCOMES_V3),
            replace(_V2_OUTCOME.fields[1], when=("outcome", OUTCOMES)),  # a move asks no details
            *_V2_OUTCOME.fields[2:],
        ),
        effects=_record_outcome_v3,
    ),
    "new_hearing": replace(
        _V2_STEPS["new_hearing"],
        guidance=(
            "The court adjourned the hearing, or it moved to another day before it took place. Record the date and "
            "time of the new hearing, as the CPO or the court presenting team gives it: the SR's hearing date and "
            "the hearing deadline move to it, and the second PV check is due again 48 hours before it. If no date "
            "is fixed yet, come back to this step when the court presenting team gives one: until then the "
            "procedure waits at this step in My work, under Procedures in progress, and Carry on there brings you "
            "back here."
        ),
        depends_on=("court_name", "outcome"),
    ),
}

PROCEDURE = replace(PROCEDURE_V2, version="3", machine=P5dMachineV3, steps={**PROCEDURE_V2.steps, **_V3_STEPS})
"""Version 3, the one new runs start on (`registry.get("P5d")`)."""
