"""P3 Enforcement/Liability Order Actions - Check CSA (seed 002).

The 1993/2003 rules reassessment team checks the CSA systems of a transitioned case for ongoing
enforcement and liability orders (LOs), records what it finds on a Transition / Legacy Case Data /
Finalise Case SR, and creates one Transition / Set Up/Amend Residual Arrears / Set Up Legacy LO SR
per LO whose debt is not fully discharged. Our reading of the seed, where it is silent:

- Trigger. A run needs the Legacy Ongoing Enforcement Indicator on the case (`can_start`). It
  starts either from the case (the caseworker found the indicator after Arrears (CSA) - Manually
  Add/Correct Balance) or from the system's Manual Handling SR. The Manual Handling SR is only the
  prompt; its child SR *is* the step 2 Finalise Case SR, created by the system. Starting from the
  Manual Handling SR (or from that child) binds the child as "main" and the Manual Handling SR as
  "manual_handling" (`_bind_start`); step 2 then checks the child instead of creating a second
  Finalise Case SR. A Manual Handling SR without an open Finalise Case child gets one created as
  its child. The Manual Handling SR is set In Progress with the Finalise Case SR and closed
  Complete with it, with a note, so the prompt never stays open after the work is done. The seed
  names no Status for it, so the CMS panel only suggests those (`status_given=False`).
- Steps 2 and 3 stay two steps as in the seed: the SR is created Open, then set In Progress.
- Activity plan (the seed names only "Access Legacy System"): "Access Legacy System" (Done at step
  5, after More Tabs > Enforcement Actions) and "Identify Ongoing Enforcement" (step 8's "next
  activity"; its outcome is "No Enforcement Action Recorded" when nothing is urgent, "Enforcement
  Action Recorded" on the fast track). "Set Up Legacy LO" is the step 7 activity, added and marked
  Done only where LO SRs were created, so a case without LOs never carries an activity it cannot do.
- Sensitive case (the case's Special Client Records flag): a different path. The caseworker does
  not look at the CSA systems; they list every item of data needed first, email CM 2012 SCHEME
  Special Client Records, set a review date to chase (next working day in the case's region), then
  record the team's reply in SR Notes before step 5.
- LOs: the step 6 table is prefilled from the LOs on record (`liability_orders` fact); the
  caseworker confirms or corrects it against the CSA systems and Tallyman. Every row not fully
  discharged, whatever enforcement it moved on to (bailiff, charging order, EJO, DCA, ...), gets its
  own Set Up Legacy LO SR: unallocated, for the Financial Transition Team, associated with the
  Finalise Case SR, with the LO's details in its Notes. Fully discharged LOs get no SR; they are
  listed in the Finalise Case SR Notes.
- Urgent enforcement (e.g. the paying parent is about to dispose of assets): the caseworker goes to
  Liability Order (CSA) - Input and fast tracks the case; the product sends a message to the 2012
  scheme enforcement team ("CMS 2012 Enforcement Team") and records "Enforcement Action Recorded".
- "Create an SR to action the outstanding arrears, which should then be allocated to the enforcement
  team" (the seed's overview) and step 6's "create an SR for the financial transition team" are read
  together (README, decisions): the SR that enters each LO is step 6's Set Up Legacy LO SR, for the
  Financial Transition Team; where enforcement is ongoing on the case, each LO SR gets a note that, once
  the LO is entered, it goes on to the enforcement team to action the outstanding arrears. Ongoing
  enforcement with no current LO has no LO SR to carry it, so an Arrears / Arrears Management /
  Arrears Review SR (the enforcement segment's SR in seed 001; "the arrears management process" of
  this seed) is created unallocated for the enforcement team, associated with the Finalise Case SR,
  with the enforcement found in its Notes: it reaches a team, never nobody.
- Not urgent with a current LO: step 10 as written. Not urgent and no current LO: the case is left
  to the arrears management process; the SR closes with "No Enforcement Action Recorded".
- Sensitive case: the caseworker never reads Tallyman themselves, so the step that identifies the
  ongoing enforcement asks what the Special Client Records Team's reply says the Tallyman Notes show
  instead of asking them to tick that they read the notes.
- Priority: a segment 5 case with an ongoing committal order (including a suspended one or a
  driving licence suspension), an order for sale or a sisted case, and a current LO. At step 8 every
  LO SR and the Finalise Case SR get a priority note; once the LO is entered (after step 9 or 10)
  the run goes to "Tell the AFT team", which sends the AFT team a message to expect an Action
  Missed Payment SR and to prioritise the case, and only then closes the SR.
- Messages for teams that have no Casework Guide account (the AFT team, the 2012 enforcement team)
  are addressed by name; until such a team exists the engine leaves the message with the case's
  team, and the text says who it is for. The caseworker also confirms the contact in the checklist.
- Every path ends with the Finalise Case SR Closed / Complete after its mandatory activities are
  Done, so the run finishes exactly when its SR closes.

Version 2 (7 December 2026, ninth session; `PROCEDURE`). Runs started on version 1 (`PROCEDURE_V1`, the steps above)
finish on it; new runs start on version 2, which differs only in the fast track step and "Tell the AFT team":

- Version 1 said "Casework Guide messages the CMS 2012 Enforcement Team", but Casework Guide has no such team, so the
  message went to the case's own team (`services/run_effects._team_id`), the caseworker's, who had not been asked to
  pass it on. The seed says the case is "fast tracked to 2012 scheme enforcement teams" and gives the route by name
  only: "For more information on fast track arrears refer to Fast Track Legacy Arrears to CMS System" (not among the
  seeds, so Casework Guide names it and says no more of it). As at "Tell the AFT team", the caseworker now tells the
  enforcement team themselves by that route and ticks that they have; the guidance says Casework Guide does not tell
  them. The message is gone: the seed gives no purpose for telling the case's own team. The SR Notes say the team was
  told by the caseworker, and the finish page says so (`Step.told_by_you`). "CMS 2012 Enforcement Team" is our name
  for the seed's "2012 scheme enforcement teams", as on the Arrears Review SR made for them.
- "Tell the AFT team" (changed in version 2 before its release, 8 December): version 1 raised a message "For the AFT
  Team" that, with no AFT team in Casework Guide, landed on the case's own team, while its tick said the caseworker had
  told them. Seed 002 says the 1993/2003 Rules Reassessment team "will contact the AFT team" and names the route only:
  "the Communications Matrix refer to Enforcement Transition Part 2 in Fundamentals" (not among the seeds). As at the
  fast track, the caseworker tells them by that route and ticks it; no message is raised, the SR Notes say the
  caseworker told them, and the finish page says "Told by you".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from statemachine import State, StateMachine

from domain import reference
from domain.clock import format_date, next_working_day
from domain.reference import SRStatus, SubStatus
from domain.values import format_money, sentence

from .definition import Ctx, Field, Procedure, StartSR, Step
from .effects import AddNote, CreateSR, Effect, MarkActivityDone, NamedTeam, RaiseTask, SetReviewDate, SetStatus

# Values the 2012 system uses: exact, from the seed and the SR catalogue.
FINALISE_CASE = reference.full_sr_type("sr.finalise_case")
SET_UP_LEGACY_LO = reference.sr_type("sr.set_up_legacy_lo")
MANUAL_HANDLING = reference.value("process.manual_handling")
ACCESS_LEGACY_SYSTEM = reference.value("activity.access_legacy_system")
IDENTIFY_ENFORCEMENT = reference.value("activity.identify_ongoing_enforcement")
LO_ACTIVITY = reference.value("activity.set_up_legacy_lo")
ARREARS_REVIEW = reference.full_sr_type("sr.arrears_review")  # seed 001: the enforcement segment's SR
ACTIVITY_PLAN = (ACCESS_LEGACY_SYSTEM, IDENTIFY_ENFORCEMENT)
NO_ENFORCEMENT_RECORDED = reference.value("outcome.no_enforcement_action_recorded")
ENFORCEMENT_RECORDED = reference.value("outcome.enforcement_action_recorded")
SPECIAL_CLIENT_RECORDS = "CM 2012 SCHEME Special Client Records"
FINANCIAL_TRANSITION_TEAM = "Financial Transition Team"
ENFORCEMENT_TEAM = "CMS 2012 Enforcement Team"
AFT_TEAM = "AFT Team"
FAST_TRACK_ROUTE = "Fast Track Legacy Arrears to CMS System"  # seed 002's link, by its name
# Seed 002's route to the AFT team: "the Communications Matrix refer to Enforcement Transition Part 2 in Fundamentals".
AFT_ROUTE = "the Communications Matrix in Enforcement Transition Part 2 (Fundamentals)"
ACTION_MISSED_PAYMENT = reference.value("process.action_missed_payment")

ENFORCEMENT_ACTIONS = (
    "Bailiff",
    "Charging order",
    "Enforcement of judgments office (EJO)",
    "Debt collecting agency (DCA)",
    "Committal order",
    "Suspended committal order",
    "Driving licence suspension",
    "Order for sale",
    "Sisted case",
    "Other",
)
PRIORITY_ACTIONS = (
    "Committal order",
    "Suspended committal order",
    "Driving licence suspension",
    "Order for sale",
    "Sisted case",
)
PRIORITY_SEGMENT = 5

DATA_FOR_SPECIAL_CLIENT_RECORDS = (
    "Liability orders: court, date granted, amount",
    "Whether each LO's debt is fully discharged",
    "Ongoing enforcement (bailiff, charging order, EJO, DCA, committal, order for sale)",
    "Tallyman Notes breakdown of enforcement",
    "CSCS enforcement records",
    "CSA 2003 free text, CCD notes, CSA notepad and case files",
)


# --- Rules, shared by the guards and the effects so both always agree ---------------------------


def liability_orders(ctx: Ctx) -> list[dict[str, Any]]:
    return list(ctx.get("liability_orders", []))


def current_los(ctx: Ctx) -> list[dict[str, Any]]:
    """LOs whose debt is not fully discharged: each one is entered on the 2012 system."""
    return [lo for lo in liability_orders(ctx) if not lo["discharged"]]


def priority_actions(ctx: Ctx) -> list[str]:
    return [a for a in ctx.get("ongoing_enforcement", []) if a in PRIORITY_ACTIONS]


def is_priority(ctx: Ctx) -> bool:
    """Segment 5, micro managed between systems, with a current LO to enter."""
    return ctx.fact("segment") == PRIORITY_SEGMENT and bool(priority_actions(ctx)) and bool(current_los(ctx))


def _has(ctx: Ctx, ref: str) -> bool:
    return ref in (ctx.fact("run_sr_refs") or ())


class P3Machine(StateMachine):
    """States are the steps; guards are the seed's rules."""

    contact_summary = State("Open the Contact Summary", initial=True)
    create_finalise_sr = State("Create the Finalise Case SR")
    set_in_progress = State("Link the SR and set it In Progress")
    access_legacy_system = State("Check the CSA systems and Tallyman")
    request_special_client_records = State("Ask the Special Client Records Team")
    record_special_client_records_reply = State("Record the Special Client Records Team's reply")
    enforcement_actions_tab = State("Mark the activities Done")
    liability_orders = State("Liability orders found")
    lo_activity_done = State("Complete the Set Up Legacy LO activity")
    identify_enforcement = State("Identify ongoing enforcement action")
    identify_enforcement_from_reply = State("Identify ongoing enforcement from the team's reply")
    fast_track = State("Fast track to 2012 scheme enforcement")
    enforcement_actions_input = State("Set up the LO and close the SR")
    no_current_lo = State("No current LO: close the SR")
    tell_aft_team = State("Tell the AFT team")
    done = State("Finished", final=True)

    proceed = (
        contact_summary.to(create_finalise_sr)
        | create_finalise_sr.to(set_in_progress)
        | set_in_progress.to(request_special_client_records, cond="case_is_sensitive")
        | set_in_progress.to(access_legacy_system)
        | request_special_client_records.to(record_special_client_records_reply)
        | record_special_client_records_reply.to(enforcement_actions_tab)
        | access_legacy_system.to(enforcement_actions_tab)
        | enforcement_actions_tab.to(liability_orders)
        | liability_orders.to(lo_activity_done, cond="any_current_lo")
        | liability_orders.to(identify_enforcement_from_reply, cond="case_is_sensitive")
        | liability_orders.to(identify_enforcement)
        | lo_activity_done.to(identify_enforcement_from_reply, cond="case_is_sensitive")
        | lo_activity_done.to(identify_enforcement)
        | identify_enforcement.to(fast_track, cond="enforcement_is_urgent")
        | identify_enforcement.to(enforcement_actions_input, cond="any_current_lo")
        | identify_enforcement.to(no_current_lo)
        | identify_enforcement_from_reply.to(fast_track, cond="enforcement_is_urgent")
        | identify_enforcement_from_reply.to(enforcement_actions_input, cond="any_current_lo")
        | identify_enforcement_from_reply.to(no_current_lo)
        | fast_track.to(tell_aft_team, cond="priority_case")
        | fast_track.to(done)
        | enforcement_actions_input.to(tell_aft_team, cond="priority_case")
        | enforcement_actions_input.to(done)
        | tell_aft_team.to(done)
        | no_current_lo.to(done)
    )

    def case_is_sensitive(self, ctx: Ctx) -> bool:
        return bool(ctx.fact("sensitive"))

    def any_current_lo(self, ctx: Ctx) -> bool:
        return bool(current_los(ctx))

    def enforcement_is_urgent(self, ctx: Ctx) -> bool:
        return bool(ctx["urgent"])

    def priority_case(self, ctx: Ctx) -> bool:
        return is_priority(ctx)


# --- Effects -------------------------------------------------------------------------------------


def _create_finalise_sr(ctx: Ctx) -> list[Effect]:
    if _has(ctx, "main"):  # the system created it as the Manual Handling SR's child: work on that one
        return [
            AddNote(
                "main",
                "Legacy Ongoing Enforcement Indicator: Finalise Case SR created by the system with a Manual "
                "Handling SR. Checking the CSA systems for enforcement and liability order actions.",
            )
        ]
    trigger = (
        "the system's Manual Handling SR"
        if _has(ctx, "manual_handling")
        else "the caseworker after Arrears (CSA) - Manually Add/Correct Balance"
    )
    return [
        CreateSR(
            "main",
            *FINALISE_CASE,
            status=SRStatus.OPEN,
            parent_ref="manual_handling" if _has(ctx, "manual_handling") else None,
            activities=ACTIVITY_PLAN,
            status_given=False,  # step 2 creates it; step 3 names its Status
        ),
        AddNote(
            "main",
            f"Legacy Ongoing Enforcement Indicator found by {trigger}. "
            "Checking the CSA systems for enforcement and liability order actions.",
        ),
    ]


def _set_in_progress(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = [SetStatus("main", SRStatus.IN_PROGRESS, status_given=True)]  # step 3
    if _has(ctx, "manual_handling"):  # our reading: the seed names no Status for the Manual Handling SR
        effects.append(SetStatus("manual_handling", SRStatus.IN_PROGRESS, status_given=False))
    return effects


def _access_legacy_system(ctx: Ctx) -> list[Effect]:
    return [AddNote("main", f"Access Legacy System (CSA systems and Tallyman checked): {ctx['findings']}", typed=True)]


def _request_special_client_records(ctx: Ctx) -> list[Effect]:
    day = ctx["scr_chase_on"]
    region = ctx.fact("region")
    due = next_working_day(day, region)
    moved = "" if due == day else f" (moved from {format_date(day)} to the next working day in {region})"
    items = "; ".join(ctx["scr_data_needed"])
    return [
        AddNote(
            "main",
            f"Sensitive case: the CSA systems were not accessed by the caseworker. Request emailed to "
            f"{SPECIAL_CLIENT_RECORDS} for: {items}. Details: {ctx['scr_request_detail']}",
            typed=True,
        ),
        SetReviewDate("main", due, f"Chase the Special Client Records Team for the CSA information{moved}."),
    ]


def _record_special_client_records_reply(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main", f"Special Client Records Team reply (CSA systems and Tallyman): {ctx['scr_findings']}", typed=True
        )
    ]


def _enforcement_actions_tab(ctx: Ctx) -> list[Effect]:
    return [MarkActivityDone("main", ACCESS_LEGACY_SYSTEM)]


def describe_lo(lo: dict[str, Any]) -> str:
    moved = f"; moved on to {lo['enforcement']}" if lo.get("enforcement") else ""
    return f"{lo['court']}, granted {format_date(lo['granted_on'])}, {format_money(lo['amount'])}{moved}"


def _liability_orders(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = []
    current = current_los(ctx)
    for number, lo in enumerate(current, start=1):
        ref = f"lo_{number}"
        effects.append(
            CreateSR(
                ref,
                *SET_UP_LEGACY_LO,
                parent_ref="main",
                owner="none",
                team=FINANCIAL_TRANSITION_TEAM,
                status_given=False,
            )
        )
        effects.append(
            AddNote(
                ref,
                f"CSA liability order to enter on the 2012 system (debt not fully discharged): {describe_lo(lo)}",
                typed=True,  # the court (and any enforcement it moved on to) as typed in the table
            )
        )
    discharged = [lo for lo in liability_orders(ctx) if lo["discharged"]]
    if not current and not discharged:
        summary = "No liability orders found on the CSA systems."
    else:
        summary = f"Liability orders found on the CSA systems: {len(current)} not fully discharged"
        summary += (" (one Set Up Legacy LO SR each: " + " | ".join(map(describe_lo, current)) + ")") if current else ""
        summary += f"; {len(discharged)} fully discharged, not entered"
        summary += (": " + " | ".join(map(describe_lo, discharged))) if discharged else ""
        summary += "."
    effects.append(AddNote("main", summary, typed=bool(current or discharged)))  # each LO's court, as typed
    return effects


def _lo_activity_done(ctx: Ctx) -> list[Effect]:
    return [MarkActivityDone("main", LO_ACTIVITY)]


def _identify_enforcement(ctx: Ctx) -> list[Effect]:
    actions = ctx.get("ongoing_enforcement", [])
    found = ", ".join(actions) if actions else "none"
    details = f" Details: {ctx['enforcement_details']}" if ctx["enforcement_details"] else ""
    urgent = f"urgent: {ctx['urgent_reason']}" if ctx["urgent"] else "nothing urgent"
    typed = bool(details) or bool(ctx["urgent"])  # the urgent reason, or the details, as typed
    effects: list[Effect] = [
        AddNote("main", f"Ongoing enforcement action on the CSA systems: {found} ({urgent}).{details}", typed=typed)
    ]
    if actions and not ctx["urgent"]:  # the LO SR carries the ongoing enforcement on to the enforcement team
        effects += [
            AddNote(
                f"lo_{n}",
                f"Ongoing enforcement on the case: {found}. Once this LO is entered, allocate this SR to the "
                f"{ENFORCEMENT_TEAM} to action the outstanding arrears.",
            )
            for n in range(1, len(current_los(ctx)) + 1)
        ]
    if is_priority(ctx):
        why = f"segment {PRIORITY_SEGMENT} case micro managed between systems ({', '.join(priority_actions(ctx))})"
        effects.append(AddNote("main", f"Priority case: {why}."))
        effects += [
            AddNote(f"lo_{n}", f"Priority case: {why}. Enter this LO first.")
            for n in range(1, len(current_los(ctx)) + 1)
        ]
    return effects


def _identify_enforcement_from_reply(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            f"Tallyman Notes, as the Special Client Records Team reported them: {ctx['scr_tallyman']}",
            typed=True,
        ),
        *_identify_enforcement(ctx),
    ]


def _close(ctx: Ctx) -> list[Effect]:
    """Close the Finalise Case SR (and the Manual Handling prompt, when the run started from it)."""
    effects: list[Effect] = [SetStatus("main", SRStatus.CLOSED, SubStatus.COMPLETE, status_given=True)]  # step 10
    if _has(ctx, "manual_handling"):
        effects += [
            AddNote(
                "manual_handling",
                "Actioned: CSA enforcement and liability order check complete on the Finalise Case SR.",
            ),
            SetStatus("manual_handling", SRStatus.CLOSED, SubStatus.COMPLETE, status_given=False),
        ]
    return effects


def _fast_track(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = [
        AddNote(
            "main",
            f"Urgent enforcement: {sentence(ctx['urgent_reason'])} LO details input through Liability Order (CSA) - "
            "Input and the case fast tracked to 2012 scheme enforcement.",
            typed=True,
        ),
        RaiseTask(
            f"For the {ENFORCEMENT_TEAM}: fast track, case SCIN {ctx.fact('scin')} needs urgent enforcement "
            f"({ctx['urgent_reason']}). CSA LO details are input through Liability Order (CSA) - Input.",
            ref="main",
            to=NamedTeam(ENFORCEMENT_TEAM),
            kind="message",
        ),
        MarkActivityDone("main", IDENTIFY_ENFORCEMENT, outcome=ENFORCEMENT_RECORDED),
    ]
    return effects if is_priority(ctx) else effects + _close(ctx)


def _tell_aft_team_v2(ctx: Ctx) -> list[Effect]:
    """Version 2: the caseworker has told the AFT team (ticked); Casework Guide raises no message."""
    return [
        AddNote(
            "main",
            f"{AFT_TEAM} told by the caseworker to expect an {ACTION_MISSED_PAYMENT} SR and to prioritise the case "
            f"({AFT_ROUTE}).",
        ),
        *_close(ctx),
    ]


def _fast_track_v2(ctx: Ctx) -> list[Effect]:
    """Version 2: the caseworker has told the enforcement team (ticked); Casework Guide raises no message."""
    effects: list[Effect] = [
        AddNote(
            "main",
            f"Urgent enforcement: {sentence(ctx['urgent_reason'])} LO details input through Liability Order (CSA) - "
            f"Input and the case fast tracked to 2012 scheme enforcement ({FAST_TRACK_ROUTE}). {ENFORCEMENT_TEAM} "
            "told by the caseworker.",
            typed=True,
        ),
        MarkActivityDone("main", IDENTIFY_ENFORCEMENT, outcome=ENFORCEMENT_RECORDED),
    ]
    return effects if is_priority(ctx) else effects + _close(ctx)


def _enforcement_actions_input(ctx: Ctx) -> list[Effect]:
    extra = f" {ctx['closing_note']}" if ctx["closing_note"] else ""
    effects: list[Effect] = [
        AddNote(
            "main",
            "Current LO with no urgent enforcement action: LO set up through Enforcement Actions (CSA) - Input."
            + extra,
            typed=bool(extra),
        ),
        MarkActivityDone("main", IDENTIFY_ENFORCEMENT, outcome=NO_ENFORCEMENT_RECORDED),
    ]
    return effects if is_priority(ctx) else effects + _close(ctx)


def _no_current_lo(ctx: Ctx) -> list[Effect]:
    extra = f" {ctx['closing_note']}" if ctx["closing_note"] else ""
    actions = ctx.get("ongoing_enforcement", [])
    handover: list[Effect] = []
    if actions:  # no LO SR to carry it: the outstanding arrears go to the enforcement team on an SR of their own
        details = f" Details: {ctx['enforcement_details']}" if ctx["enforcement_details"] else ""
        handover = [
            CreateSR(
                "enforcement",
                *ARREARS_REVIEW,
                parent_ref="main",
                owner="none",
                team=ENFORCEMENT_TEAM,
                status_given=False,
            ),
            AddNote(
                "enforcement",
                f"For the {ENFORCEMENT_TEAM}: action the outstanding arrears. Ongoing enforcement found on the CSA "
                f"systems with no current liability order: {', '.join(actions)}.{details}",
                typed=bool(details),
            ),
        ]
    return [
        *handover,
        AddNote(
            "main",
            "No current LO and no urgent enforcement action: the case is managed through the arrears "
            "management process."
            + (f" Arrears Review SR created for the {ENFORCEMENT_TEAM} ({', '.join(actions)})." if actions else "")
            + extra,
            typed=bool(extra),
        ),
        MarkActivityDone("main", IDENTIFY_ENFORCEMENT, outcome=NO_ENFORCEMENT_RECORDED),
        *_close(ctx),
    ]


def _tell_aft_team(ctx: Ctx) -> list[Effect]:
    actions = ", ".join(priority_actions(ctx))
    return [
        RaiseTask(
            f"For the {AFT_TEAM}: expect an {ACTION_MISSED_PAYMENT} SR on case SCIN {ctx.fact('scin')} and "
            f"prioritise the case (segment {PRIORITY_SEGMENT}, micro managed between systems: {actions}). "
            "The CSA liability order details are entered on the 2012 system.",
            ref="main",
            to=NamedTeam(AFT_TEAM),
            kind="message",
        ),
        AddNote("main", f"{AFT_TEAM} told to expect an {ACTION_MISSED_PAYMENT} SR and to prioritise the case."),
        *_close(ctx),
    ]


# --- Steps ---------------------------------------------------------------------------------------

CLOSING_NOTE = Field(
    "closing_note",
    label="Anything else for the SR Notes",
    kind="long_text",
    required=False,
    help="Optional. The product already notes what this step records.",
)

IDENTIFY_FIELDS = (
    Field(
        "ongoing_enforcement",
        label="Ongoing enforcement actions",
        kind="multi_choice",
        options=ENFORCEMENT_ACTIONS,
        required=False,
        help="Leave empty if there is none.",
    ),
    Field("enforcement_details", label="Details of the ongoing enforcement", kind="long_text", required=False),
    Field("urgent", label="Does any enforcement need urgent action?", kind="yes_no"),
    Field("urgent_reason", label="Why it is urgent", kind="long_text", when=("urgent", True)),
)

STEPS = {
    "contact_summary": Step(
        title="Open the Contact Summary",
        guidance=(
            "The case has the Legacy Ongoing Enforcement Indicator: the CSA may hold enforcement action or "
            "liability orders that the 2012 system does not know about yet. Open the Contact Summary screen "
            "and keep the case details to hand; you will need them on every CSA system you check."
        ),
        checklist=(
            "Contact Summary open with the case details to hand",
            "Legacy Ongoing Enforcement Indicator seen on the case",
        ),
    ),
    "create_finalise_sr": Step(
        title="Create the Finalise Case SR",
        guidance=(
            "Everything you find is recorded on one SR: Process Transition, Area Legacy Case Data, Sub Area "
            "Finalise Case. If the system raised a Manual Handling SR, its child SR is this SR already: check "
            "its values instead of creating another one."
        ),
        checklist=("SR values are Transition / Legacy Case Data / Finalise Case",),
        effects=_create_finalise_sr,
    ),
    "set_in_progress": Step(
        title="Link the SR and set it In Progress",
        guidance=(
            "Link the SR to the case and set its Status to In Progress. The 2012 system then shows the activity "
            "plan, starting with Access Legacy System."
        ),
        checklist=(
            "SR linked to the case",
            "SR Status set to In Progress",
            "Activity plan showing Access Legacy System",
        ),
        effects=_set_in_progress,
    ),
    "access_legacy_system": Step(
        title="Check the CSA systems and Tallyman",
        guidance=(
            "Look for any ongoing enforcement and every liability order in each CSA system. Always check CSCS: "
            "the data warehouse enforcement flag only covers CS2 records, so a CSCS case can have enforcement "
            "with no flag. Tallyman Notes hold the CSA caseworkers' full breakdown of enforcement and LOs. "
            "Write down everything you find: it goes into the SR Notes."
        ),
        checklist=(
            "CSA 2003 free text entries checked",
            "Clerical case database (CCD) notes checked",
            "CSA notepad checked",
            "Case files checked",
            "CSCS checked (always: the enforcement flag covers CS2 only)",
            "Tallyman and Tallyman Notes checked",
        ),
        fields=(
            Field(
                "findings",
                label="What the CSA systems and Tallyman show",
                kind="long_text",
                help="Enforcement actions, liability orders and their status, with the system each came from.",
            ),
        ),
        effects=_access_legacy_system,
    ),
    "request_special_client_records": Step(
        title="Ask the Special Client Records Team",
        guidance=(
            "This case is marked sensitive, so do not look at the CSA systems yourself. The Special Client "
            "Records Team has caseworkers with permanent access who will get the information for you. Work out "
            f"everything you need to progress the case before you email {SPECIAL_CLIENT_RECORDS}, so they "
            "only have to look once."
        ),
        checklist=(
            "All the data needed to progress the case identified before contacting the team",
            f"Request emailed to {SPECIAL_CLIENT_RECORDS}",
        ),
        fields=(
            Field(
                "scr_data_needed",
                label="Data you asked for",
                kind="multi_choice",
                options=DATA_FOR_SPECIAL_CLIENT_RECORDS,
            ),
            Field("scr_request_detail", label="What exactly you asked the team", kind="long_text"),
            Field(
                "scr_chase_on",
                label="Review date to chase the reply",
                kind="date",
                min_date="today",
                help="Moved to the next working day in the case's region if needed.",
            ),
        ),
        effects=_request_special_client_records,
    ),
    "record_special_client_records_reply": Step(
        title="Record the Special Client Records Team's reply",
        guidance=(
            "When the team replies, check it answers everything you asked. Record what they found: it goes "
            "into the SR Notes just as your own checks would."
        ),
        checklist=("The reply covers everything asked for",),
        fields=(Field("scr_findings", label="What the Special Client Records Team found", kind="long_text"),),
        effects=_record_special_client_records_reply,
    ),
    "enforcement_actions_tab": Step(
        title="Mark the activities Done",
        guidance=(
            "With the information from every CSA system collected, open More Tabs, then Enforcement Actions, "
            "and mark the activities Done."
        ),
        checklist=("More Tabs > Enforcement Actions opened", "Activities marked Done"),
        effects=_enforcement_actions_tab,
    ),
    "liability_orders": Step(
        title="Liability orders found",
        guidance=(
            "Every CSA liability order whose debt is not fully discharged must be entered on the 2012 system, "
            "including LOs that have moved on to bailiff, charging order, EJO or DCA action. The list below "
            "shows the LOs on record: correct it against what you found, add any missing LO, and mark an LO "
            "discharged only when its debt is fully paid. Each LO not discharged gets its own Set Up Legacy "
            "LO SR for the Financial Transition Team, associated with the Finalise Case SR."
        ),
        checklist=(
            "Every LO on the CSA systems and Tallyman Notes is listed",
            "LOs moved on to bailiff, charging order, EJO or DCA are included",
            "Only LOs whose debt is fully discharged are marked discharged",
        ),
        fields=(
            Field(
                "liability_orders",
                label="Liability orders",
                kind="table",
                required=False,
                default_fact="liability_orders",
                help="One row per LO. Leave the table empty if the CSA holds no liability order.",
                columns=(
                    Field("court", label="Court"),
                    Field("granted_on", label="Date granted", kind="date", latest="today"),
                    Field("amount", label="Amount", kind="money"),
                    Field(
                        "enforcement",
                        label="Moved on to (bailiff, charging order, EJO, DCA, ...)",
                        required=False,
                    ),
                    Field("discharged", label="Debt fully discharged?", kind="yes_no"),
                ),
            ),
        ),
        effects=_liability_orders,
    ),
    "lo_activity_done": Step(
        title="Complete the Set Up Legacy LO activity",
        guidance=(
            "You created a Set Up Legacy LO SR for each current LO. Check each one is associated with the "
            "Finalise Case SR (see 2012 System Overview), then select Done on the activity."
        ),
        checklist=("Each Set Up Legacy LO SR is associated with the Finalise Case SR",),
        depends_on=("liability_orders",),
        effects=_lo_activity_done,
    ),
    "identify_enforcement": Step(
        title="Identify ongoing enforcement action",
        guidance=(
            "From what you found, say which enforcement actions are still ongoing and whether any needs urgent "
            "action, for example because the paying parent is about to sell or dispose of assets such as their "
            "home. Segment 5 cases with an ongoing committal order (including a suspended one or a driving "
            "licence suspension), an order for sale or a sisted case need managing between systems and are "
            "dealt with first."
        ),
        checklist=("Tallyman Notes read for the full breakdown of ongoing enforcement",),
        fields=IDENTIFY_FIELDS,
        depends_on=("liability_orders",),
        effects=_identify_enforcement,
    ),
    "identify_enforcement_from_reply": Step(
        title="Identify ongoing enforcement action",
        guidance=(
            "This case is sensitive, so you did not read Tallyman yourself: the Special Client Records Team did. "
            "From their reply, say what the Tallyman Notes show, which enforcement actions are still ongoing and "
            "whether any needs urgent action, for example because the paying parent is about to sell or dispose "
            "of assets such as their home. Segment 5 cases with an ongoing committal order (including a suspended "
            "one or a driving licence suspension), an order for sale or a sisted case are dealt with first. If "
            "their reply does not cover the Tallyman Notes, ask them before you go on."
        ),
        fields=(
            Field(
                "scr_tallyman",
                label="What the Special Client Records Team said the Tallyman Notes show",
                kind="long_text",
                help="The full breakdown of ongoing enforcement and LOs that CSA caseworkers record there.",
            ),
            *IDENTIFY_FIELDS,
        ),
        depends_on=("liability_orders", "scr_findings"),
        effects=_identify_enforcement_from_reply,
    ),
    "fast_track": Step(
        title="Fast track to 2012 scheme enforcement",
        guidance=(
            "Urgent enforcement cannot wait for the usual arrears process. Input the LO through Liability Order "
            "(CSA) - Input and fast track the case (Fast Track Legacy Arrears to CMS System). Casework Guide "
            f"messages the {ENFORCEMENT_TEAM} and records the activity outcome."
        ),
        checklist=(
            "LO details input through Liability Order (CSA) - Input",
            "Case fast tracked through Fast Track Legacy Arrears to CMS System",
        ),
        depends_on=("urgent_reason", "ongoing_enforcement", "liability_orders"),
        effects=_fast_track,
    ),
    "enforcement_actions_input": Step(
        title="Set up the LO and close the SR",
        guidance=(
            "There is a current LO and nothing urgent: set the LO up on the 2012 system through Enforcement "
            "Actions (CSA) - Input. The activity outcome is No Enforcement Action Recorded and the SR closes "
            "Complete (a priority case first goes to the AFT team step)."
        ),
        checklist=("LO set up through Enforcement Actions (CSA) - Input",),
        fields=(CLOSING_NOTE,),
        depends_on=("ongoing_enforcement", "liability_orders"),
        effects=_enforcement_actions_input,
    ),
    "no_current_lo": Step(
        title="No current LO: close the SR",
        guidance=(
            "There is no LO to enter and nothing urgent, so the case is managed through the arrears management "
            "process. If you found ongoing enforcement, Casework Guide creates an Arrears / Arrears Management / "
            f"Arrears Review SR for the {ENFORCEMENT_TEAM} to action the outstanding arrears. The activity outcome "
            "is No Enforcement Action Recorded and the SR closes Complete."
        ),
        checklist=("No current LO and no urgent enforcement confirmed",),
        fields=(CLOSING_NOTE,),
        depends_on=("liability_orders", "urgent", "ongoing_enforcement", "enforcement_details"),
        effects=_no_current_lo,
    ),
    "tell_aft_team": Step(
        title="Tell the AFT team",
        guidance=(
            "This priority case is micro managed between the two systems. Now the CSA LO details are on the 2012 "
            f"system, tell the AFT team to expect an {ACTION_MISSED_PAYMENT} SR and to prioritise the case, "
            "so a missed payment is acted on at once."
        ),
        checklist=(
            "CSA LO details entered on the 2012 system",
            f"AFT team told to expect an {ACTION_MISSED_PAYMENT} SR and to prioritise the case",
        ),
        depends_on=("ongoing_enforcement", "liability_orders"),
        effects=_tell_aft_team,
    ),
    "done": Step(
        title="Finished",
        guidance="The CSA enforcement and liability order check is recorded and the Finalise Case SR is closed.",
        final=True,
    ),
}


def _can_start(facts: Any) -> str | None:
    if not facts.get("legacy_ongoing_enforcement"):
        return (
            "This case does not have the Legacy Ongoing Enforcement Indicator, so there are no CSA enforcement "
            "or liability order actions to check. This procedure starts only when the indicator is set (found "
            "after Arrears (CSA) - Manually Add/Correct Balance, or by the system with a Manual Handling SR)."
        )
    return None


def _bind_start(sr: StartSR) -> dict[str, int] | str:
    """The Manual Handling SR is the prompt; its Finalise Case child is the SR the run works on."""
    if sr.status == SRStatus.CLOSED:
        return f"SR {sr.number} is closed; there is nothing left to check on it."
    if sr.is_(MANUAL_HANDLING):
        child = next((c for c in sr.children if c.is_(*FINALISE_CASE)), None)
        return {"manual_handling": sr.id} | ({"main": child.id} if child else {})
    if sr.is_(*FINALISE_CASE):
        refs = {"main": sr.id}
        if sr.parent is not None and sr.parent.is_(MANUAL_HANDLING) and sr.parent.status != SRStatus.CLOSED:
            refs["manual_handling"] = sr.parent.id
        return refs
    label = " / ".join(p for p in (sr.process, sr.area, sr.sub_area) if p)
    return (
        f"This procedure starts from the case, a {MANUAL_HANDLING} SR or a {' / '.join(FINALISE_CASE)} SR; "
        f"SR {sr.number} is {label}."
    )


PROCEDURE_V1 = Procedure(
    id="P3",
    version="1",
    title="Enforcement/Liability Order Actions - Check CSA",
    seed="002_cfac8eeaf8c31dc1.txt",
    roles=("caseworker",),
    starts=(
        "The case has the Legacy Ongoing Enforcement Indicator: found after Arrears (CSA) - Manually "
        "Add/Correct Balance, or a system Manual Handling SR with its child SR."
    ),
    machine=P3Machine,
    steps=STEPS,
    can_start=_can_start,
    bind_start=_bind_start,
    glossary_terms=("CSCS", "CS2", "CCD", "Tallyman", "LO", "EJO", "DCA", "AFT", "SR"),
    main_sr=FINALISE_CASE,
)


# --- Version 2 -----------------------------------------------------------------------------------

FAST_TRACK_TOLD = f"{ENFORCEMENT_TEAM} told of the urgent enforcement, as {FAST_TRACK_ROUTE} says"

FAST_TRACK_V2 = replace(
    STEPS["fast_track"],
    guidance=(
        "Urgent enforcement cannot wait for the usual arrears process. Input the LO through Liability Order (CSA) - "
        f"Input and fast track the case to the {ENFORCEMENT_TEAM} as {FAST_TRACK_ROUTE} says. Casework Guide does "
        "not tell that team for you: tell them yourself, by the route that procedure gives, and tick below that you "
        "have. Casework Guide records the activity outcome."
    ),
    checklist=(
        "LO details input through Liability Order (CSA) - Input",
        f"Case fast tracked through {FAST_TRACK_ROUTE}",
        FAST_TRACK_TOLD,
    ),
    effects=_fast_track_v2,
    told_by_you=(
        f"You told the {ENFORCEMENT_TEAM} of the urgent enforcement yourself, as {FAST_TRACK_ROUTE} says: "
        "Casework Guide sent them nothing."
    ),
)

AFT_TEAM_TOLD = f"{AFT_TEAM} told to expect an {ACTION_MISSED_PAYMENT} SR and to prioritise the case"

TELL_AFT_TEAM_V2 = replace(
    STEPS["tell_aft_team"],
    guidance=(
        "This priority case is micro managed between the two systems. Now the CSA LO details are on the 2012 "
        f"system, the AFT team must expect an {ACTION_MISSED_PAYMENT} SR and prioritise the case, so a missed "
        "payment is acted on at once. Casework Guide does not tell that team for you: tell them yourself, by the "
        f"route {AFT_ROUTE} gives, and tick below that you have. Casework Guide records it in the SR Notes and "
        "closes the SR."
    ),
    checklist=("CSA LO details entered on the 2012 system", AFT_TEAM_TOLD),
    effects=_tell_aft_team_v2,
    told_by_you=(
        f"You told the {AFT_TEAM} yourself to expect an {ACTION_MISSED_PAYMENT} SR and to prioritise the case, by "
        f"{AFT_ROUTE}: Casework Guide sent them nothing."
    ),
)

PROCEDURE = replace(
    PROCEDURE_V1, version="2", steps={**STEPS, "fast_track": FAST_TRACK_V2, "tell_aft_team": TELL_AFT_TEAM_V2}
)
"""Version 2, the one new runs start on (`registry.get("P3")`)."""
