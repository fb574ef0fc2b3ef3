"""P5b Work Routing for County Court (seed 004, Specialist Services Support Team).

An enforcement case manager (ECM) asks for action through a county court; the SSST finds the court
presenting officer (CPO), builds the CPO's folder, answers the CPO's second potentially violent (PV)
check before the hearing, records the outcome and hands the file back to the ECM. Our reading of
the seed, where it is silent:

- The SR: Enforcement / Court Presentation / County Court (catalogue, inferred). The run normally
  starts from that SR, allocated by the case manager (My work, `works_on`, `ssst_court.bind_open_sr`); started
  from the case, step 1 creates it allocated to the caseworker, so no path works without an SR.
- Step 2 "contact the court presenting team (CPT)": by email (Casework Guide sends it to the CPT
  mailbox, with a read receipt and a follow-up call task) or by phone (a note of the call).
- Step 3 folder: the SSST CPO referral form (CWGF003) and the full PV check record (CWGF004) are
  rendered and stored with the SR as a zip ("CPO folder"), standing for the folder in the CPO
  Manager Folder. The PV check is a step answer (marker found or not, with what the check showed)
  and goes into the SR Notes and onto both forms (the CPO reads the forms, not the SR Notes); a form
  has no "Notes" heading when there are no notes for the CPO. Screenshots of the SR are asked about
  only for criminal action, because the seed allows them only there.
- Step 5: the CPO's name and, when known, the hearing date and time go onto the SR (cpo_name,
  hearing_at) and into the SR Notes. With the hearing known, the hearing and the second PV check
  (48 hours before it, domain.deadlines.second_pv_check) are recorded as deadlines with their
  explanation. When the hearing date is not known yet, the run waits at "Record the hearing date"
  until the CPO gives it, so the second PV check deadline always exists before it is answered.
- Step 6: the second PV check (marker, payments and contact since) is emailed to the CPO: to the
  address the CPO wrote from when given, else the configured CPO mailbox. The PV check record
  (second check) is attached; the email service raises the follow-up phone call task; the second
  PV check deadline is marked met.
- Step 7: the outcome is recorded only from the hearing's day on (ssst_court.hearing_has_taken_place;
  QA recorded one weeks before the hearing). It is uploaded as a PDF (real PDFs only) and linked to
  the SR; the outcome goes into the SR Notes and onto the SR's resolution; the hearing deadline is marked met.
- Step 8: the case file is forwarded to the ECM by email (case_file_to_ecm) with the outcome.
- Step 9: "once all action is completed, the clerical files must be deleted": the stored CPO folder
  is deleted (audited) when the SR is closed Complete; the SR keeps the outcome PDF.
- The seed has no "CPO decides not to proceed" for the county court (that is P5d step 11), so
  every path here ends Closed / Complete.

Version 2 (8 December 2026, ninth session; `PROCEDURE`). Runs started on version 1 (`PROCEDURE_V1`, the steps above)
finish on it; new runs start on version 2, which shares every step but "Record the outcome" and adds "Record the new
hearing date", as P5e's version 2 does for a moved appointment. Our reading, as the seed says nothing of a hearing
moved before its day:

- Version 1 refused the outcome until the hearing's day and said to put a moved hearing in the SR Notes and ask the
  team leader. Version 2's outcome step first asks "What happened?": "The hearing has taken place" (then the outcome
  and its PDF, still only from the hearing's day on, the refusal naming the other answer) or "The hearing has moved to
  another day" (`ssst_court.HEARING_MOVED`), taken at any time. The move records nothing at the outcome step (Back
  from the next step still reaches it) and goes to "Record the new hearing date", checked as the first date is (not
  before today; a caution for a weekend or a bank holiday in the case's region), which moves the SR's hearing date
  (a suggested CMS line: the seed names no SR update for it) and the hearing deadline, notes it in the words of P5d's
  adjourned hearing, and goes back to the second PV check: the seed has it 48 hours before the hearing, and the one
  done was for the old day, so its deadline is set again for the new one (`ssst_court.hearing_moved`). Then the
  outcome waits for the new day, as often as the hearing moves.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from statemachine import State, StateMachine

from domain import mail, reference
from domain.clock import format_uk
from domain.reference import SRStatus, SubStatus

from . import ssst_court
from .definition import Ctx, Field, FromCase, Procedure, Step
from .effects import (
    SR_NUMBER,
    AddNote,
    CreateSR,
    DeleteClericalFiles,
    Effect,
    QueueEmail,
    SetStatus,
    StoreBundle,
    UpdateSR,
)
from .ssst_court import hearing_effects, pv_record, pv_result

COUNTY_COURT = reference.full_sr_type("sr.county_court")
EMAIL, PHONE = "Email the court presenting team", "Phone the court presenting team"
BUNDLE = "CPO folder"
ACTION = "county court action"


# --- Rules shared by guards and effects ---------------------------------------------------------


def hearing_at(ctx: Ctx) -> Any:
    """The hearing date and time, from whichever step recorded it: a moved hearing's (version 2) once given, else the
    first. A new date replaces the last at the same step, so the latest is the one held."""
    moved = ctx.get("moved_hearing_at")
    if moved is not None:
        return moved
    return ctx["hearing_at"] if ctx["hearing_known"] else ctx["hearing_at_later"]


class _Rules:
    """The guards and validators both versions' machines read."""

    if_moved = ssst_court.IF_MOVED_BY_HAND
    outcome_field = "outcome"

    def hearing_is_known(self, ctx: Ctx) -> bool:
        return bool(ctx["hearing_known"])

    def hearing_has_taken_place(self, ctx: Ctx) -> None:
        ssst_court.hearing_has_taken_place(ctx, hearing_at(ctx), self.outcome_field, if_moved=self.if_moved)


class P5bMachine(_Rules, StateMachine):
    """Version 1. States are the steps of the seed; guards are its branches."""

    sr_allocated = State("The request for county court action", initial=True)
    contact_cpt = State("Contact the court presenting team")
    create_folder = State("Create the CPO folder")
    set_in_progress = State("Set the SR In Progress")
    record_cpo = State("Record the CPO and the hearing")
    record_hearing = State("Record the hearing date")
    second_pv_check = State("Second PV check")
    record_outcome = State("Record the outcome")
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Delete the clerical files and close the SR")
    done = State("Finished", final=True)

    proceed = (
        sr_allocated.to(contact_cpt)
        | contact_cpt.to(create_folder)
        | create_folder.to(set_in_progress)
        | set_in_progress.to(record_cpo)
        | record_cpo.to(second_pv_check, cond="hearing_is_known")
        | record_cpo.to(record_hearing)
        | record_hearing.to(second_pv_check)
        | second_pv_check.to(record_outcome)
        | record_outcome.to(forward_to_ecm, validators="hearing_has_taken_place")
        | forward_to_ecm.to(close_sr)
        | close_sr.to(done)
    )


class P5bMachineV2(_Rules, StateMachine):
    """Version 2: a hearing moved before its day takes its new date and goes round the second PV check again.
    Version 1's states and transitions are written again, not inherited: python-statemachine ties a transition to its
    State objects, so a subclass adding one would change version 1's machine too."""

    if_moved = ssst_court.IF_MOVED
    outcome_field = "hearing_result"

    sr_allocated = State("The request for county court action", initial=True)
    contact_cpt = State("Contact the court presenting team")
    create_folder = State("Create the CPO folder")
    set_in_progress = State("Set the SR In Progress")
    record_cpo = State("Record the CPO and the hearing")
    record_hearing = State("Record the hearing date")
    second_pv_check = State("Second PV check")
    record_outcome = State("Record the outcome")
    new_hearing = State(ssst_court.NEW_HEARING_TITLE)
    forward_to_ecm = State("Forward the case file to the ECM")
    close_sr = State("Delete the clerical files and close the SR")
    done = State("Finished", final=True)

    proceed = (
        sr_allocated.to(contact_cpt)
        | contact_cpt.to(create_folder)
        | create_folder.to(set_in_progress)
        | set_in_progress.to(record_cpo)
        | record_cpo.to(second_pv_check, cond="hearing_is_known")
        | record_cpo.to(record_hearing)
        | record_hearing.to(second_pv_check)
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
        CreateSR("main", *COUNTY_COURT, status_given=False),  # allocated: no Status named
        UpdateSR("main", {"court": ctx["court"]}),
        AddNote(
            "main",
            f"County court action requested by the enforcement case manager {ctx['ecm_name']} at {ctx['court']}"
            + (" (criminal action)." if ctx["criminal_action"] else "."),
            typed=True,
        ),
    ]


def _contact_cpt(ctx: Ctx) -> list[Effect]:
    if ctx["cpt_contact"] == EMAIL:
        draft = mail.cpo_request(
            scin=ctx.fact("scin"), sr_number=SR_NUMBER, court=ctx["court"], hearing_at=None, action=ACTION
        )
        return [
            QueueEmail("main", draft),
            AddNote("main", "Court presenting team emailed to establish the court presenting officer."),
        ]
    return [
        AddNote(
            "main",
            f"Court presenting team phoned to establish the court presenting officer: {ctx['cpt_call']}",
            typed=True,
        )
    ]


def _create_folder(ctx: Ctx) -> list[Effect]:
    marker = bool(ctx["pv_marker"])
    referral = {
        "sr_number": SR_NUMBER,
        "scin": ctx.fact("scin"),
        "paying_parent_name": ctx.fact("paying_parent"),
        "action": "county_court",
        "court_name": ctx["court"],
        "ecm_name": ctx["ecm_name"],
        "pv_marker": marker,
        "pv_findings": ctx["pv_details"] or "",  # the CPO reads what the check found on the form (QA)
        "notes": ctx.get("referral_notes", ""),
    }
    screenshots = ""
    if ctx["criminal_action"]:  # the seed allows screenshots only for criminal action; note what was answered
        saved = "saved" if ctx["screenshots_saved"] else "not saved"
        screenshots = f" Screenshots of the SR {saved} (criminal action)."
    return [
        StoreBundle(
            "main", BUNDLE, documents=(("CWGF003", referral), pv_record(ctx, "first", marker, ctx["pv_details"]))
        ),
        AddNote(
            "main",
            f"Full PV check on the 2012 system: {pv_result(marker, ctx['pv_details'])}. CPO folder created with "
            f"the SSST CPO referral form and the PV check record.{screenshots}",
            typed=bool(ctx["pv_details"]),
        ),
    ]


def _record_cpo(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = [UpdateSR("main", {"cpo_name": ctx["cpo_name"]})]
    if ctx["hearing_known"]:
        effects += hearing_effects(ctx, ctx["hearing_at"])
        hearing = f"hearing date {format_uk(ctx['hearing_at'])}"
    else:
        hearing = "hearing date not known yet"
    effects.append(AddNote("main", f"Court presenting officer: {ctx['cpo_name']}; {hearing}.", typed=True))
    return effects


def _record_hearing(ctx: Ctx) -> list[Effect]:
    when = ctx["hearing_at_later"]
    return [*hearing_effects(ctx, when), AddNote("main", f"Hearing date given by the CPO: {format_uk(when)}.")]


def _second_pv_check(ctx: Ctx) -> list[Effect]:
    return ssst_court.second_pv_check(ctx, hearing_at(ctx))


def _close_sr(ctx: Ctx) -> list[Effect]:
    return [
        DeleteClericalFiles("main", "County court action completed: clerical files deleted as the procedure says."),
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.COMPLETE,
            resolution_code=reference.value("resolution_code.completed"),
            status_given=True,  # step 9: "Close and Complete the SR"
        ),
    ]


# --- Steps ---------------------------------------------------------------------------------------

COURT = Field("court", label="Court", help="The county court the enforcement case manager named.")
# Why the question is asked (QA, seventh session: a new caseworker met it with no word of what it changes). The seed:
# "Screen shots are only to be used for Criminal Action" (step 3); nothing else in P5b turns on it.
CRIMINAL_ACTION_WHY = (
    "It decides one thing: the procedure allows screenshots of the SR in the CPO folder only for criminal action, so "
    "the folder step asks about screenshots only then."
)

OUTCOME_GUIDANCE = (
    "The CPO emails the outcome to the SSST. Record it on the SR and scan the outcome as a PDF: it is "
    "linked to the SR (see Scanning Local)."
)

STEPS = {
    "sr_allocated": Step(
        title="The request for county court action",
        guidance=(
            "Your case manager has allocated you an SR: an enforcement case manager (ECM) wants action through a "
            'county court (the procedure\'s guide for this SR is "Court Presentation - County Court"). Read the '
            "SR and note who the ECM is and which court it is."
        ),
        checklist=("SR read: the ECM's request for action through a county court",),
        from_case=FromCase(
            "An enforcement case manager (ECM) wants action through a county court. You started this from the case, "
            "so there is no SR for it yet: once you have answered, 'What to enter in CMS' says how to create it (the "
            'procedure\'s guide for this SR is "Court Presentation - County Court"). Note who the ECM is and which '
            "court it is.",
            ("Request read: the ECM's request for action through a county court",),
        ),
        fields=(
            COURT,
            Field("ecm_name", label="Enforcement case manager who asked for the action"),
            Field(
                "criminal_action",
                label="Is this criminal action?",
                kind="yes_no",
                help=CRIMINAL_ACTION_WHY,
            ),
        ),
        effects=_sr_allocated,
        warnings=ssst_court.open_sr_already(COUNTY_COURT),
    ),
    "contact_cpt": Step(
        title="Contact the court presenting team",
        guidance=(
            "Contact the relevant court presenting team (CPT) to establish who the court presenting officer (CPO) "
            "will be. If you email, Casework Guide sends it with a read receipt and gives you a task to phone "
            "them to follow it up."
        ),
        fields=(
            Field(
                "cpt_contact", label="How you contact the court presenting team", kind="choice", options=(EMAIL, PHONE)
            ),
            Field(
                "cpt_call", label="What the court presenting team said", kind="long_text", when=("cpt_contact", PHONE)
            ),
        ),
        depends_on=("court",),
        effects=_contact_cpt,
    ),
    "create_folder": Step(
        title="Create the CPO folder",
        guidance=(
            "Create a folder in the relevant CPO Manager Folder. It holds any supporting documents, the SSST CPO "
            "referral form and the potentially violent (PV) check on the 2012 system (step 4 of Contact Summary). "
            "Screenshots of the SR are only for criminal action. Casework Guide fills in the referral form and "
            "the PV check record from your answers and stores them with the SR."
        ),
        checklist=("Folder created in the relevant CPO Manager Folder", "Supporting documents saved in the folder"),
        fields=(
            Field(
                "pv_marker",
                label="Is a PV marker recorded against the client?",
                kind="yes_no",
                check=ssst_court.PV_CHECK_AGREES_WITH_THE_CASE,
            ),
            Field("pv_details", label="What the PV check showed", kind="long_text", required=False),
            Field(
                "screenshots_saved",
                label="Screenshots of the SR saved in the folder?",
                kind="yes_no",
                when=("criminal_action", True),
            ),
            Field("referral_notes", label="Notes for the CPO on the referral form", kind="long_text", required=False),
        ),
        depends_on=("court", "ecm_name", "criminal_action"),
        effects=_create_folder,
    ),
    "set_in_progress": ssst_court.set_in_progress_step(),
    "record_cpo": Step(
        title="Record the CPO and the hearing",
        guidance=(
            "Enter the name of the CPO and the hearing date, if known, in the SR Notes. Casework Guide puts them "
            "on the SR and works out when the second PV check is due: 48 hours before the hearing, or the last "
            "working moment before that. Until the court presenting team tells you the CPO, you can leave this "
            "procedure: it waits at this step in My work, under Procedures in progress, and Carry on there brings "
            "you back here."
        ),
        fields=(
            *ssst_court.CPO_FIELDS,
            Field("hearing_known", label="Is the hearing date known?", kind="yes_no"),
            Field(
                "hearing_at",
                label="Hearing date and time",
                kind="datetime",
                when=("hearing_known", True),
                min_date="today",
            ),
        ),
        depends_on=("court",),
        warnings=ssst_court.not_a_working_day("hearing_at", given_by=ssst_court.GIVEN_BY_CPO),
        effects=_record_cpo,
    ),
    "record_hearing": Step(
        title="Record the hearing date",
        guidance=(
            "The hearing date was not known. When the CPO gives it, record it here: it goes on the SR and the "
            "second PV check becomes due 48 hours before it. Until the CPO gives it, you can leave this procedure: "
            "it waits at this step in My work, under Procedures in progress, and Carry on there brings you back "
            "here."
        ),
        fields=(Field("hearing_at_later", label="Hearing date and time", kind="datetime", min_date="today"),),
        depends_on=("court",),
        warnings=ssst_court.not_a_working_day("hearing_at_later", given_by=ssst_court.GIVEN_BY_CPO),
        effects=_record_hearing,
    ),
    "second_pv_check": ssst_court.second_pv_check_step(
        _second_pv_check, ("hearing_at", "hearing_at_later", "cpo_email", "cpo_name"), hearing_at, "create_folder"
    ),
    "record_outcome": ssst_court.record_outcome_step(OUTCOME_GUIDANCE),
    "forward_to_ecm": ssst_court.FORWARD_TO_ECM,
    "close_sr": Step(
        title="Delete the clerical files and close the SR",
        guidance=(
            "Once all action is completed the clerical files must be deleted. Casework Guide deletes the stored "
            "CPO folder (the SR keeps the outcome PDF). Then Close and Complete the SR."
        ),
        checklist=("All action on the county court case completed", "Clerical files deleted"),
        effects=_close_sr,
    ),
    "done": Step(
        title="Finished",
        guidance="The county court action is recorded, the file is with the ECM and the SR is closed.",
        final=True,
    ),
}


PROCEDURE_V1 = Procedure(
    id="P5b",
    version="1",
    title="Work Routing for County Court",
    seed="004_a8ae07a86098a507.txt",
    roles=("caseworker",),
    starts=(
        "Your case manager allocates you an SR: an enforcement case manager has asked for action through a "
        "county court."
    ),
    machine=P5bMachine,
    steps=STEPS,
    bind_start=ssst_court.bind_open_sr(COUNTY_COURT),
    works_on=(COUNTY_COURT,),
    glossary_terms=("SR", "CPO", "CPT", "ECM", "PV", "SSST"),
    main_sr=COUNTY_COURT,
)


# --- Version 2 -----------------------------------------------------------------------------------

PROCEDURE = replace(
    PROCEDURE_V1, version="2", machine=P5bMachineV2, steps=ssst_court.with_moved_hearing(STEPS, OUTCOME_GUIDANCE)
)
"""Version 2, the one new runs start on (`registry.get("P5b")`)."""
