"""P5e Work Routing for Face to Face (seed 004, Specialist Services Support Team).

A caseworker has asked for a face to face visit. The SSST extracts what the visit needs, does a full
PV check, refers the client to the Visiting Service Allocation Team (VSAT) on form CMSF5579, records
the appointment and sends letter CMSL5501, and records how the visit went. Our reading of the seed,
where it is silent:

- The work is on an SR "Face to Face / Visiting Service / Face to Face Visit" (inferred catalogue
  entry), allocated to the SSST caseworker. When it is the child of the initiating caseworker's SR
  (as the demo data has it), that SR is bound as "origin": its owner is the "owning caseworker" who
  gets the emails, the task and the message, with their team leaders. Without one (a run started
  from the case, or an SR allocated with no parent) nobody in Casework Guide is known to have asked,
  so the case's own team is told: its team leaders get the emails, and the task and message go to the
  team, to pass to the caseworker who asked. (Until 7 December 2026 the run's own SR owner was told:
  the SSST caseworker emailed themself.) That stays the case's team when the SSST works a Face to Face
  Visit SR handed over to it by the case's team: seed 004's "owning caseworker and team leader" are the
  asking caseworker and their leader, in the case's team, never the SSST's own leaders. An origin SR
  nobody owns: the team holding it gets the task and message, and its leaders the emails
  (services/run_effects.py).
- The full PV check is a step of its own with a recorded result. Its answer must agree with the PV
  marker on the case record: a check that misses a recorded marker is refused, on the question's own page
  (a field's rule, `Field.check`, as P5b, P5c and P5d refuse theirs) and again at the save.
- CMSF5579 is rendered from the answers, attached to the email to CSA VSAT INTERVIEWS (read receipt,
  follow-up phone task) and kept with the SR as the clerical file ("face-to-face-referral" bundle),
  which is deleted when the visit is recorded (step 6), with an audit row.
- The visit reason chosen for CMSF5579 also chooses the CMSL5501 "What we'll talk about" paragraph
  (exact wording in letters/catalogue.py); "Other" needs the caseworker's free text.
- The appointment (date and time, location) goes onto the SR and is a deadline with its explanation;
  CMSL5501 is recorded as due to the client. A rearranged appointment moves that deadline.
- "Failed to attend the same visit more than twice": the caseworker records how many times the client
  has now failed to attend (never fewer than the misses this run has already recorded plus this one,
  so typing "1" each time cannot keep the visit open for ever);
  1 or 2 means a new appointment (back to step 4), 3 or more closes the SR
  with Resolution Code "Failed To Attend". The seed says only "close": we close it Cancelled (the visit
  did not happen) and send the owning caseworker a message so the case does not stall.
- VSAT rejecting the referral closes the SR Closed / Cancelled with Resolution Code "Referral Rejected".
- What happened at the visit (attended, or failed to attend) is recorded only from the appointment's day on: the
  consultant reports after the interview, and a miss recorded early closed an SR whose visit was still to come.
- A reason whose CMSL5501 paragraph speaks to one parent ("Enforcement (paying parent)", "Enforcement update
  (receiving parent)") is refused for a visit with the other.
- The completed visit: the returned CMSF5579 is uploaded as a PDF (real PDFs only) and linked to the
  SR; the summary goes into SR Notes and Contact Notes; Reason (the visit reasons) and Resolution Code
  ("Completed" or "Information Provided") are chosen; then the SR closes Complete. The task to proceed sends the
  caseworker who asked to the case's Contact Notes on the case page (a caseworker's Start a procedure, a team leader's
  Case page: the task goes to the whole team, so it says "find the case by its SCIN", true on both), which the case's
  team reads whichever team holds the SR; the SR and its SR Notes stay with the SSST (services/contact_notes.py,
  7 December 2026).

Version 2 (7 December 2026, ninth session; `PROCEDURE`). Runs started on version 1 (`PROCEDURE_V1`, the steps above)
finish on it; new runs start on version 2, which shares every step but "Record what the face to face consultant
reported" and adds "Record the new appointment date". Our reading, as the seed says nothing of an appointment moved
before its day:

- Version 1 refused every answer on the outcome step until the appointment's day, and Back stopped at the saved
  appointment, so a moved appointment could only go into the SR Notes by hand. Version 2's outcome step has a third
  answer, "The appointment has moved to another day", taken at any time, before the appointment's day too. It records
  nothing (so Back from the next step still reaches it, should it have been chosen by mistake) and goes to a step of
  its own, "Record the new appointment date", which asks the
  new date and time, checked as the first is (not before today; a caution for a weekend or bank holiday), moves the SR's
  appointment date and the appointment deadline to it (the place stays as recorded), notes it, and goes back to the
  outcome step to wait for the new day, as often as the appointment moves. The new date is a step, not a field of the
  outcome step, for the reason P5d's new hearing date is (p5d_liability_order_routing.py): a step looped back into
  starts unanswered, so a date asked on the outcome step would be gone when the next outcome is checked against it.
- A move is not a miss: it never counts toward "failed to attend the same visit more than twice" (`missed_before`
  counts only the loops back to "Record the appointment and send CMSL5501").
- The seed names no SR update for a moved appointment, so the date's CMS line is a suggestion, never step 4's
  sentence. No new CMSL5501 is recorded: the seed asks for the letter when the consultant first gives the appointment,
  and says nothing of telling the client of a moved one; the step's guidance says so (left to the lead in
  docs/qa-findings.md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, Literal

from statemachine import State, StateMachine

from domain import deadlines, mail, reference
from domain.clock import format_date, format_uk, uk_local
from domain.reference import SRStatus, SubStatus
from domain.values import FieldError, NotYet
from letters.catalogue import CMSL5501_PARAGRAPHS, REASONS

from . import seed_sr_updates, ssst_court
from .definition import Ctx, Field, FromCase, Procedure, StartSR, Step, next_version_steps
from .effects import (
    CASE_TEAM,
    CASE_TEAM_LEADERS,
    SR_OWNER,
    AddNote,
    CompleteDeadlines,
    CreateSR,
    DeleteClericalFiles,
    Effect,
    LetterDue,
    QueueEmail,
    RaiseTask,
    SetDue,
    SetStatus,
    StoreBundle,
    UpdateSR,
)

FACE_TO_FACE_VISIT = reference.full_sr_type("sr.face_to_face_visit")
VSAT = "CSA VSAT INTERVIEWS"
REFERRAL_FORM = "CMSF5579"
APPOINTMENT_LETTER = "CMSL5501"
REFERRAL_BUNDLE = "face-to-face-referral"
REFERRAL_REJECTED = reference.value("resolution_code.referral_rejected")
FAILED_TO_ATTEND = reference.value("resolution_code.failed_to_attend")
READ_REQUEST_TITLE = "Read the visit request and do a full PV check"
APPOINTMENT_TITLE = "Record the appointment and send CMSL5501"
MAX_MISSED = 2  # "more than twice" closes the SR
ROLES = {"Receiving parent": "receiving_parent", "Paying parent": "paying_parent"}
REASON_LABELS = tuple(label for _key, label in REASONS)
REASON_KEYS = {label: key for key, label in REASONS}
OTHER = dict(REASONS)["other"]
VISIT_COMPLETED = "Visit completed"
# The reasons whose CMSL5501 paragraph speaks to one parent only (letters/catalogue.py's wording).
REASON_FOR_ROLE = {
    "enforcement_paying_parent": "paying_parent",
    "enforcement_update_receiving_parent": "receiving_parent",
}
DID_NOT_ATTEND = "Client failed to attend"
MOVED = "The appointment has moved to another day"  # version 2
MOVED_TITLE = "Record the new appointment date"
RESOLUTIONS = (reference.value("resolution_code.completed"), reference.value("resolution_code.information_provided"))
# Seed 004 step 7 says "choose the appropriate values" and names none: the options are suggestions, not CMS values.
NOT_PUBLISHED = (
    "The procedure names no value here: these options are suggestions only. Choose the nearest; the CMS panel then "
    "asks you to key in the value your team uses."
)


# --- Rules ------------------------------------------------------------------------------------------


def role(ctx: Ctx) -> str:
    return ROLES[ctx["client_role"]]


def client(ctx: Ctx) -> tuple[str, str]:
    """The client's name and address from the case record."""
    return ctx.fact(role(ctx)) or "", ctx.fact(f"{role(ctx)}_address") or ""


def reason_key(ctx: Ctx) -> str:
    return REASON_KEYS[ctx["visit_reason"]]


def talk_about(ctx: Ctx) -> str:
    """The CMSL5501 paragraph for the visit reason (exact wording), or the caseworker's own text."""
    return ctx["reason_details"] if reason_key(ctx) == "other" else CMSL5501_PARAGRAPHS[reason_key(ctx)]


def missed_before(ctx: Ctx) -> int:
    """How many times this run has already sent the visit back for a new appointment (a recorded miss each)."""
    history = tuple(ctx.fact("run_history") or ())
    return sum(1 for a, b in zip(history, history[1:], strict=False) if (a, b) == ("visit_outcome", "appointment"))


def current_appointment(ctx: Ctx) -> datetime:
    """The appointment the visit now waits for: the later given of the booked one ("appointment_at") and a moved one
    ("moved_appointment_at", version 2). Each step's answers stay until the run loops back into it, so the step
    visited last in the run's history holds the current date."""
    history = tuple(ctx.fact("run_history") or ())
    for state in reversed(history):
        if state == "appointment_moved" and ctx["moved_appointment_at"] is not None:
            return ctx["moved_appointment_at"]
        if state == "appointment":
            break
    return ctx["appointment_at"]


# Who a step's email goes to, in its guidance: the run reads one (Step.without_origin), as its effects choose.
TO_OWNING = "the owning caseworker and their team leader"
TO_CASE_TEAM_LEADERS = "the team leaders of the case's team, to pass on to the caseworker who asked"
WHY_THE_TEAM = " No SR of the caseworker who asked is linked to this one, so Casework Guide cannot tell them itself."


def _asked_from(ctx: Ctx) -> bool:
    """Is the SR of the caseworker who asked for the visit bound to the run (as "origin")?"""
    return "origin" in (ctx.fact("run_sr_refs") or ())


def _email_owning(ctx: Ctx, draft: Any) -> QueueEmail:
    """An email for the owning caseworker and their team leader; with no SR of theirs, for the case's team leaders."""
    if _asked_from(ctx):
        return QueueEmail("main", draft, to="owner_and_team_leader", owner_ref="origin")
    return QueueEmail("main", draft, to=CASE_TEAM_LEADERS)


def _tell_owning(ctx: Ctx, text: str, *, kind: Literal["task", "message"], off_case: str | None = None) -> RaiseTask:
    """A task or message for the owning caseworker; with no SR of theirs, for the case's team to pass on. `off_case`:
    the words for an owning caseworker outside the case's team, who cannot open the case's page."""
    if _asked_from(ctx):
        return RaiseTask(text, ref="origin", to=SR_OWNER, kind=kind, off_case=off_case)
    return RaiseTask(text, ref="main", to=CASE_TEAM, kind=kind)


def _told(ctx: Ctx) -> str:
    """Who a note says was told, in the SR Notes' words."""
    return "Owning caseworker and team leader" if _asked_from(ctx) else "The case's team leaders"


def _rejected(told: str) -> str:
    return (
        f"The visit will not happen. Casework Guide emails {told} (read receipt, follow-up phone task) and closes "
        f"the SR Cancelled with Resolution Code {REFERRAL_REJECTED}."
    )


def _failed_to_attend_guidance(told: str) -> str:
    return (
        "The client has failed to attend the same visit more than twice. The SR closes with Resolution Code "
        f"{FAILED_TO_ATTEND} and {told}."
    )


def _visit_recorded(told: str) -> str:
    return (
        "Upload the CMSF5579 the consultant returned, and summarise the visit: it goes into the SR Notes and "
        f"Contact Notes. Casework Guide sends the standard email to {told} (read receipt, follow-up phone task) "
        "and deletes the clerical files."
    )


class _Rules:
    """The guards and validators both versions' machines read."""

    # What the outcome step says when the appointment's day has not come: how a move is recorded in this version.
    if_moved = (
        "If the appointment has moved, add the new date to the SR Notes and ask your team leader: the appointment "
        f"was saved at '{APPOINTMENT_TITLE}' and cannot be changed here."
    )

    def accepted(self, ctx: Ctx) -> bool:
        return bool(ctx["vsat_accepted"])

    def visit_done(self, ctx: Ctx) -> bool:
        return bool(ctx["visit_result"] == VISIT_COMPLETED)

    def missed_more_than_twice(self, ctx: Ctx) -> bool:
        return int(ctx["missed_count"]) > MAX_MISSED

    def appointment_has_passed(self, ctx: Ctx) -> None:
        """What happened at a visit is known once its day has come: QA recorded "failed to attend" (closing the SR)
        eight days before the appointment. Never "go back and change the appointment": the appointment step saves it
        on the SR with the letter, so Back is refused here (QA, eighth session), as for a hearing (ssst_court)."""
        day = uk_local(current_appointment(ctx)).date()
        if day > ctx.today:
            raise NotYet(
                "visit_result",
                f"The appointment is on {format_date(day)}. Record what happened once it has taken place. "
                + self.if_moved,
                until=day,
            )

    def missed_at_least_once(self, ctx: Ctx) -> None:
        if ctx["visit_result"] != DID_NOT_ATTEND:
            return
        before = missed_before(ctx)
        if int(ctx["missed_count"]) <= before:  # the field itself refuses fewer than 1
            raise FieldError(
                "missed_count",
                f"Enter {before + 1} or more: this run has already recorded {before} missed appointment(s) for this "
                "visit, and the client has missed it again.",
            )

    def reason_fits_the_client(self, ctx: Ctx) -> None:
        """A reason meant for one parent never goes to the other: it chooses the CMSL5501 paragraph the client reads
        ("Why we have taken action against you" is for the paying parent alone). QA found it accepted."""
        meant_for = REASON_FOR_ROLE.get(reason_key(ctx))
        if meant_for is not None and meant_for != role(ctx):
            other = "paying parent" if meant_for == "paying_parent" else "receiving parent"
            # Not "go back and change who the visit is with": that answer is saved on the SR with the first step,
            # so Back is refused here (QA, eighth session).
            raise FieldError(
                "visit_reason",
                f"This reason is for a visit with the {other}, and this visit is with the "
                f"{ctx['client_role'].lower()}, as saved at '{READ_REQUEST_TITLE}'. Choose another reason. If the "
                f"visit is in fact with the {other}, note that on the SR and ask your team leader.",
            )


class P5eMachine(_Rules, StateMachine):
    """Version 1. States are the seed's steps; guards are VSAT's decision and how the visit went."""

    pv_check = State("Read the visit request and do a full PV check", initial=True)
    vsat_referral = State("Send CMSF5579 to CSA VSAT INTERVIEWS")
    set_in_progress = State("Set the SR In Progress")
    vsat_decision = State("Record VSAT's decision")
    referral_rejected = State("Referral rejected: close the SR")
    appointment = State("Record the appointment and send CMSL5501")
    visit_outcome = State("Record what the face to face consultant reported")
    failed_to_attend = State("Failed to attend: close the SR")
    record_visit = State("Update the SR and Contact Notes")
    reason_and_resolution = State("Choose the Reason and Resolution Code")
    close_sr = State("Close and complete the SR")
    done = State("Finished", final=True)

    proceed = (
        pv_check.to(vsat_referral)
        | vsat_referral.to(set_in_progress, validators="reason_fits_the_client")
        | set_in_progress.to(vsat_decision)
        | vsat_decision.to(appointment, cond="accepted")
        | vsat_decision.to(referral_rejected)
        | referral_rejected.to(done)
        | appointment.to(visit_outcome)
        | visit_outcome.to(record_visit, cond="visit_done", validators="appointment_has_passed")
        | visit_outcome.to(failed_to_attend, cond="missed_more_than_twice", validators="appointment_has_passed")
        | visit_outcome.to(appointment, validators=["appointment_has_passed", "missed_at_least_once"])
        | failed_to_attend.to(done)
        | record_visit.to(reason_and_resolution)
        | reason_and_resolution.to(close_sr)
        | close_sr.to(done)
    )


class P5eMachineV2(_Rules, StateMachine):
    """Version 2: an appointment moved to another day takes its new date and waits for it, at any time before the
    visit's outcome. Version 1's states and transitions are written again, not inherited: python-statemachine ties a
    transition to its State objects, so a subclass adding one would change version 1's machine too."""

    if_moved = f"If the appointment has moved, choose '{MOVED}'."

    pv_check = State("Read the visit request and do a full PV check", initial=True)
    vsat_referral = State("Send CMSF5579 to CSA VSAT INTERVIEWS")
    set_in_progress = State("Set the SR In Progress")
    vsat_decision = State("Record VSAT's decision")
    referral_rejected = State("Referral rejected: close the SR")
    appointment = State("Record the appointment and send CMSL5501")
    visit_outcome = State("Record what the face to face consultant reported")
    appointment_moved = State(MOVED_TITLE)
    failed_to_attend = State("Failed to attend: close the SR")
    record_visit = State("Update the SR and Contact Notes")
    reason_and_resolution = State("Choose the Reason and Resolution Code")
    close_sr = State("Close and complete the SR")
    done = State("Finished", final=True)

    proceed = (
        pv_check.to(vsat_referral)
        | vsat_referral.to(set_in_progress, validators="reason_fits_the_client")
        | set_in_progress.to(vsat_decision)
        | vsat_decision.to(appointment, cond="accepted")
        | vsat_decision.to(referral_rejected)
        | referral_rejected.to(done)
        | appointment.to(visit_outcome)
        | visit_outcome.to(appointment_moved, cond="appointment_has_moved")  # before its day too
        | visit_outcome.to(record_visit, cond="visit_done", validators="appointment_has_passed")
        | visit_outcome.to(failed_to_attend, cond="missed_more_than_twice", validators="appointment_has_passed")
        | visit_outcome.to(appointment, validators=["appointment_has_passed", "missed_at_least_once"])
        | appointment_moved.to(visit_outcome)
        | failed_to_attend.to(done)
        | record_visit.to(reason_and_resolution)
        | reason_and_resolution.to(close_sr)
        | close_sr.to(done)
    )

    def appointment_has_moved(self, ctx: Ctx) -> bool:
        return bool(ctx["visit_result"] == MOVED)


PV_CHECK_AGREES_WITH_THE_CASE = ssst_court.pv_marker_on_record(
    "The case record shows a PV marker. Do the full PV check again: the visiting officer must be told."
)
"""The full PV check's answer against the case record (`Field.check`: refused on its own page and at the save)."""


# --- Effects ------------------------------------------------------------------------------------------


def _pv_check(ctx: Ctx) -> list[Effect]:
    found = "a PV marker is recorded" if ctx["pv_marker"] else "no PV marker recorded"
    return [
        CreateSR("main", *FACE_TO_FACE_VISIT, status_given=False),  # allocated: no Status named
        AddNote(
            "main",
            f"Full PV check on the 2012 system for the {ctx['client_role'].lower()}: {found}. {ctx['pv_details']}",
            typed=True,
        ),
    ]


def _referral_form(ctx: Ctx) -> dict[str, Any]:
    name, address = client(ctx)
    return {
        "referral_date": ctx.today,
        "scin": ctx.fact("scin"),
        "client_name": name,
        "client_address": address,
        "client_role": role(ctx),
        "reason": reason_key(ctx),
        "other_details": ctx["reason_details"] or "",
        "pv_marker": bool(ctx["pv_marker"]),
        "pv_checked_on": ctx.today,
        "pv_findings": ctx["pv_details"] or "",  # the visiting officer's safety needs what was found, not only a yes
        "referred_by": "Specialist Services Support Team",
        "details": ctx["referral_details"] or "",
    }


def visit_reason(ctx: Ctx) -> str:
    """The reason as the service names it (for VSAT and the SR Notes): its label, or the caseworker's own words for
    "Other". Not the CMSL5501 paragraph, which speaks to the client ("...made in your case")."""
    return ctx["reason_details"] if reason_key(ctx) == "other" else ctx["visit_reason"]


def _vsat_referral(ctx: Ctx) -> list[Effect]:
    form = _referral_form(ctx)
    reason = visit_reason(ctx)
    draft = partial(mail.vsat_referral, scin=ctx.fact("scin"), client_role=ctx["client_role"].lower(), reason=reason)
    return [
        StoreBundle("main", REFERRAL_BUNDLE, documents=((REFERRAL_FORM, form),)),
        QueueEmail("main", draft, documents=((REFERRAL_FORM, form),)),
        AddNote(
            "main",
            f"{REFERRAL_FORM} completed and emailed to {VSAT} (read receipt requested). Reason: {reason}",
            typed=reason_key(ctx) == "other",  # the reason as typed, else the option chosen
        ),
    ]


def _vsat_decision(ctx: Ctx) -> list[Effect]:
    if ctx["vsat_accepted"]:
        return [AddNote("main", "VSAT accepted the face to face referral.")]
    return [AddNote("main", f"VSAT rejected the face to face referral: {ctx['rejection_reason']}", typed=True)]


def _referral_rejected(ctx: Ctx) -> list[Effect]:
    draft = partial(mail.vsat_rejected, scin=ctx.fact("scin"), reason=ctx["rejection_reason"])
    return [
        _email_owning(ctx, draft),
        AddNote("main", f"{_told(ctx)} told that the referral was rejected."),
        SetStatus(  # step 3: "Close and Cancel the SR"
            "main", SRStatus.CLOSED, SubStatus.CANCELLED, resolution_code=REFERRAL_REJECTED, status_given=True
        ),
    ]


def _appointment(ctx: Ctx) -> list[Effect]:
    at: datetime = ctx["appointment_at"]
    local = uk_local(at)
    name, address = client(ctx)
    letter = {
        "letter_date": ctx.today,
        "recipient_name": name,
        "recipient_address": address,
        "scin": ctx.fact("scin"),
        "appointment_date": local.date(),
        "appointment_time": f"{local:%H:%M}",
        "appointment_location": ctx["appointment_location"],
        "reason": reason_key(ctx),
        **({"other_details": ctx["reason_details"]} if reason_key(ctx) == "other" else {}),
    }
    return [
        UpdateSR(
            "main",
            {"appointment_at": at, "appointment_location": ctx["appointment_location"]},
            said=dict.fromkeys(("appointment_at", "appointment_location"), seed_sr_updates.P5E_APPOINTMENT),
        ),
        # After a miss the first appointment's deadline is still open (a miss meets nothing) and this one replaces
        # it: check your answers says it is moved, not added beside it (lead's decision, 8 December).
        SetDue("main", deadlines.appointment(at, ctx["appointment_location"]), moves=missed_before(ctx) > 0),
        LetterDue("main", APPOINTMENT_LETTER, role(ctx), letter),
        AddNote(
            "main",
            f"Face to face appointment {format_uk(at)} at {ctx['appointment_location']}. "
            f"{APPOINTMENT_LETTER} (f2f Appointment Confirmation) sent to the {ctx['client_role'].lower()}.",
            typed=True,  # the location, as typed
        ),
    ]


def _visit_outcome(ctx: Ctx) -> list[Effect]:
    if ctx["visit_result"] == VISIT_COMPLETED:
        return [
            AddNote("main", "The face to face consultant reports the visit is completed."),
            CompleteDeadlines("main", (deadlines.APPOINTMENT,)),
        ]
    missed = int(ctx["missed_count"])
    then = "closing the SR" if missed > MAX_MISSED else "a new appointment is needed"
    times = "once" if missed == 1 else f"{missed} times"
    return [AddNote("main", f"The client failed to attend the visit ({times} in all): {then}.")]


def _visit_outcome_v2(ctx: Ctx) -> list[Effect]:
    """A moved appointment records nothing yet: its new date is the next step's, and with nothing saved the
    caseworker can still go Back from there to this answer if it was chosen by mistake."""
    return [] if ctx["visit_result"] == MOVED else _visit_outcome(ctx)


def _appointment_moved(ctx: Ctx) -> list[Effect]:
    at: datetime = ctx["moved_appointment_at"]
    location = ctx["appointment_location"]
    return [
        # No `said`: the seed names no SR update for a moved appointment (its step 4 is the appointment first given).
        UpdateSR("main", {"appointment_at": at}),
        SetDue("main", deadlines.appointment(at, location), moves=True),  # the open appointment deadline
        AddNote(
            "main",
            f"Face to face appointment moved to {format_uk(at)} at {location}.",
            typed=True,  # the location, as typed
        ),
    ]


def _failed_to_attend(ctx: Ctx) -> list[Effect]:
    return [
        _tell_owning(
            ctx,
            f"Face to face visit not carried out: the client failed to attend {ctx['missed_count']} times. "
            "The SR is closed with Resolution Code Failed To Attend; decide the next action on the case.",
            kind="message",
        ),
        CompleteDeadlines("main", (deadlines.APPOINTMENT,)),
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.CANCELLED,
            resolution_code=FAILED_TO_ATTEND,
            sub_status_need=FAILED_TO_ATTEND_SUB_STATUS,
            status_given=True,  # step 5: "close the SR"
        ),
    ]


# Seed 004 step 5 says only "update the SR Resolution Code to Failed To Attend and close the SR": no Sub Status, and
# not "Close and Cancel" (its words for a rejected referral). Cancelled is our reading: the visit did not happen.
FAILED_TO_ATTEND_SUB_STATUS = (
    "choose the Sub Status your team uses when a visit did not happen; the procedure says only 'close the SR' here"
)


def _record_visit(ctx: Ctx) -> list[Effect]:
    draft = partial(
        mail.visit_completed,
        scin=ctx.fact("scin"),
        appointment_at=current_appointment(ctx),
        summary=ctx["visit_summary"],
    )
    return [
        AddNote("main", f"Face to face visit completed: {ctx['visit_summary']}", typed=True),
        AddNote("main", f"Face to face visit completed: {ctx['visit_summary']}", kind="contact", typed=True),
        _email_owning(ctx, draft),
        DeleteClericalFiles("main", "Face to face visit completed: the clerical files must be deleted."),
    ]


# Seed 004 step 7: "a task instructing the initiating caseworker to proceed". The SR and its SR Notes are the SSST's,
# which the caseworker who asked cannot open; the case's Contact Notes are on the case page (services/contact_notes.py),
# which only the case's team opens: one outside it (an SR of theirs on another team's case) has step 6's email.
PROCEED = (
    "The face to face visit is completed: proceed with the case (read the visit summary in the case's Contact Notes: "
    "find the case by its SCIN)."
)
PROCEED_OFF_CASE = (
    "The face to face visit is completed: proceed with the case (the visit summary is in the email 'Face to face "
    "visit completed' to the owning caseworker and team leader)."
)


def _reason_and_resolution(ctx: Ctx) -> list[Effect]:
    return [
        UpdateSR("main", {"reason": ctx["sr_reason"], "resolution_code": ctx["resolution_code"]}),
        _tell_owning(ctx, PROCEED, kind="task", off_case=PROCEED_OFF_CASE),
        _tell_owning(
            ctx,
            "The face to face visit on your case is completed.",
            kind="message",
            off_case="The face to face visit you asked for is completed.",  # the case is another team's, not theirs
        ),
    ]


def _close_sr(ctx: Ctx) -> list[Effect]:
    """Closing only: the Reason and Resolution Code were keyed at the step before (QA: CMS lines said them twice)."""
    return [SetStatus("main", SRStatus.CLOSED, SubStatus.COMPLETE, status_given=True)]  # step 8


# --- Steps --------------------------------------------------------------------------------------------

STEPS = {
    "pv_check": Step(
        title=READ_REQUEST_TITLE,
        guidance=(
            "You have been allocated the SR and sent a CMSF5579 by email. Read the SR for who the visit is "
            "with and why, then do a full potentially violent (PV) check on the 2012 system (step 4 of "
            "Contact Summary). The visiting officer relies on this check."
        ),
        checklist=("SR details read", "Full PV check done on the 2012 system"),
        from_case=FromCase(
            "A caseworker has asked for a face to face visit and sent you a CMSF5579 by email. You started this from "
            "the case, so there is no SR for the visit yet: once you have answered, 'What to enter in CMS' says how "
            "to create it. Read the CMSF5579 for who the visit is with and why, then do a full potentially violent "
            "(PV) check on the 2012 system (step 4 of Contact Summary). The visiting officer relies on this check.",
            ("CMSF5579 read", "Full PV check done on the 2012 system"),
        ),
        fields=(
            Field("client_role", label="Who is the visit with?", kind="choice", options=tuple(ROLES)),
            Field(
                "pv_marker",
                label="Does the full PV check show a PV marker?",
                kind="yes_no",
                check=PV_CHECK_AGREES_WITH_THE_CASE,
            ),
            Field("pv_details", label="What the PV check found", kind="long_text"),
        ),
        effects=_pv_check,
        warnings=ssst_court.open_sr_already(FACE_TO_FACE_VISIT),
    ),
    "vsat_referral": Step(
        title="Send CMSF5579 to CSA VSAT INTERVIEWS",
        guidance=(
            f"Casework Guide completes the Visiting Service referral form ({REFERRAL_FORM}) from your answers "
            f"and emails it to {VSAT} with a read receipt request; phone them afterwards (a task is raised). "
            "The reason you choose also sets what the appointment letter says the meeting is about."
        ),
        checklist=("Referral details checked against the SR",),
        fields=(
            Field("visit_reason", label="Reason for the visit", kind="choice", options=REASON_LABELS),
            Field("reason_details", label="What the visit is about", kind="long_text", when=("visit_reason", OTHER)),
            Field(
                "referral_details",
                label="Anything else the visiting officer should know",
                kind="long_text",
                required=False,
            ),
        ),
        depends_on=("client_role", "pv_marker"),
        effects=_vsat_referral,
    ),
    "set_in_progress": ssst_court.set_in_progress_step(
        "The referral is with VSAT. Set the SR Status to In Progress while they decide."
    ),
    "vsat_decision": Step(
        title="Record VSAT's decision",
        guidance="VSAT decides whether to accept the referral and tells the SSST. Record what they decided.",
        fields=(
            Field("vsat_accepted", label="Did VSAT accept the referral?", kind="yes_no"),
            Field("rejection_reason", label="Why VSAT rejected it", kind="long_text", when=("vsat_accepted", False)),
        ),
        effects=_vsat_decision,
    ),
    "referral_rejected": Step(
        title="Referral rejected: close the SR",
        guidance=_rejected(TO_OWNING),
        without_origin=_rejected(TO_CASE_TEAM_LEADERS) + WHY_THE_TEAM,
        checklist=("SR updated with VSAT's reason",),
        depends_on=("rejection_reason",),
        effects=_referral_rejected,
    ),
    "appointment": Step(
        title=APPOINTMENT_TITLE,
        guidance=(
            "The face to face consultant gives the date, time and location. They go onto the SR, and the "
            f"client gets {APPOINTMENT_LETTER} (Letter Name: f2f Appointment Confirmation). Review the letter "
            "before it goes."
        ),
        checklist=("Appointment details copied from the consultant's email",),
        fields=(
            Field("appointment_at", label="Appointment date and time", kind="datetime", min_date="today"),
            Field("appointment_location", label="Appointment location"),
        ),
        depends_on=("client_role", "visit_reason", "reason_details"),
        warnings=ssst_court.not_a_working_day("appointment_at", given_by="the face to face consultant"),
        effects=_appointment,
    ),
    "visit_outcome": Step(
        title="Record what the face to face consultant reported",
        guidance=(
            "After the interview the consultant sends CMSF5579 back, and any supporting documents go to the "
            "postal contractor for scanning. If the client did not attend, record how many times they have "
            "now missed this same visit: more than twice closes the SR as Failed To Attend; otherwise arrange "
            "a new appointment."
        ),
        fields=(
            Field("visit_result", label="What happened?", kind="choice", options=(VISIT_COMPLETED, DID_NOT_ATTEND)),
            Field(
                "missed_count",
                label="How many times has the client now failed to attend this visit?",
                kind="integer",
                minimum=1,  # one message for every count too low: "0" and "-1" alike (QA saw two)
                when=("visit_result", DID_NOT_ATTEND),
            ),
        ),
        effects=_visit_outcome,
    ),
    "failed_to_attend": Step(
        title="Failed to attend: close the SR",
        guidance=_failed_to_attend_guidance("the owning caseworker gets a message to decide what happens next"),
        without_origin=_failed_to_attend_guidance(
            "the case's team gets a message to pass on to the caseworker who asked, who decides what happens next"
        )
        + WHY_THE_TEAM,
        checklist=("Consultant's report read",),
        depends_on=("missed_count",),
        effects=_failed_to_attend,
    ),
    "record_visit": Step(
        title="Update the SR and Contact Notes",
        guidance=_visit_recorded(TO_OWNING),
        without_origin=_visit_recorded(TO_CASE_TEAM_LEADERS) + WHY_THE_TEAM,
        checklist=("Supporting documents sent to the postal contractor for scanning",),
        fields=(
            Field("returned_form", label="The CMSF5579 the consultant returned", kind="pdf"),
            Field("visit_summary", label="Summary of the visit", kind="long_text"),
        ),
        depends_on=("appointment_at",),
        effects=_record_visit,
    ),
    "reason_and_resolution": Step(
        title="Choose the Reason and Resolution Code",
        guidance=(
            "Choose the Reason and Resolution Code that record the face to face as completed. The initiating "
            "caseworker gets a task to proceed and a message (the case's team gets them when no SR of theirs is "
            "linked to this one)."
        ),
        fields=(
            Field("sr_reason", label="Reason", kind="choice", options=REASON_LABELS, help=NOT_PUBLISHED),
            Field("resolution_code", label="Resolution Code", kind="choice", options=RESOLUTIONS, help=NOT_PUBLISHED),
        ),
        effects=_reason_and_resolution,
    ),
    "close_sr": Step(
        title="Close and complete the SR",
        guidance="Everything is recorded: close and complete the SR.",
        checklist=("SR Status Closed, Sub Status Complete",),
        depends_on=("sr_reason", "resolution_code"),
        effects=_close_sr,
    ),
    "done": Step(
        title="Finished",
        guidance="The face to face referral is finished and its SR is closed.",
        final=True,
    ),
}


def _bind_start(sr: StartSR) -> dict[str, int] | str:
    """The allocated Face to Face Visit SR; its parent (the initiating caseworker's SR) as "origin"."""
    if sr.status == SRStatus.CLOSED:
        return f"SR {sr.number} is closed; there is nothing left to do on it."
    if sr.is_(*FACE_TO_FACE_VISIT):
        refs = {"main": sr.id}
        if sr.parent is not None:
            refs["origin"] = sr.parent.id
        return refs
    label = " / ".join(p for p in (sr.process, sr.area, sr.sub_area) if p)
    return f"This procedure works on SRs of type {' / '.join(FACE_TO_FACE_VISIT)}; SR {sr.number} is {label}."


PROCEDURE_V1 = Procedure(
    id="P5e",
    version="1",
    title="Face to face visit (Visiting Service)",
    seed="004_a8ae07a86098a507.txt",
    roles=("caseworker",),
    starts="A caseworker has asked for a face to face visit: the SSST is allocated the SR and sent a CMSF5579.",
    machine=P5eMachine,
    steps=STEPS,
    bind_start=_bind_start,
    glossary_terms=("SSST", "VSAT", "PV", "SR", "SCIN"),
    works_on=(FACE_TO_FACE_VISIT,),
    main_sr=FACE_TO_FACE_VISIT,
)


# --- Version 2 -----------------------------------------------------------------------------------

_V2_STEPS: dict[str, Step] = {
    "visit_outcome": replace(
        STEPS["visit_outcome"],
        guidance=(
            "After the interview the consultant sends CMSF5579 back, and any supporting documents go to the "
            "postal contractor for scanning. If the client did not attend, record how many times they have "
            "now missed this same visit: more than twice closes the SR as Failed To Attend; otherwise arrange "
            "a new appointment. If the appointment has moved to another day, say so here at any time, before its "
            "day too: next you record the new date."
        ),
        fields=(
            Field(
                "visit_result",
                label="What happened?",
                kind="choice",
                options=(VISIT_COMPLETED, DID_NOT_ATTEND, MOVED),
            ),
            STEPS["visit_outcome"].fields[1],
        ),
        effects=_visit_outcome_v2,
    ),
    "appointment_moved": Step(
        title=MOVED_TITLE,
        guidance=(
            "The appointment has moved to another day. Record the new date and time the face to face consultant gives: "
            "the SR's appointment date and the appointment deadline move to it; the place stays as recorded. The "
            "procedure then waits for the new day before what happened at the visit can be recorded. If the new date "
            "is not known yet, come back when it is: Carry on in My work, under Procedures in progress, brings you "
            f"back here. No new {APPOINTMENT_LETTER} is sent for a moved appointment: the procedure names the letter "
            "only for the appointment as first given. If the client has not been told of the new day, ask your team "
            "leader."
        ),
        fields=(
            Field(
                "moved_appointment_at",
                label="New appointment date and time",
                kind="datetime",
                min_date="today",
                help="UK time.",
            ),
        ),
        depends_on=("appointment_location",),
        warnings=ssst_court.not_a_working_day("moved_appointment_at", given_by="the face to face consultant"),
        effects=_appointment_moved,
    ),
    "record_visit": replace(STEPS["record_visit"], depends_on=("appointment_at", "moved_appointment_at")),
}


PROCEDURE = replace(
    PROCEDURE_V1,
    version="2",
    machine=P5eMachineV2,
    steps=next_version_steps(STEPS, _V2_STEPS, adds="appointment_moved", after="visit_outcome"),
)
"""Version 2, the one new runs start on (`registry.get("P5e")`)."""
