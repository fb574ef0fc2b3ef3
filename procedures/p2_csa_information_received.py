"""P2 CSA Scheme Information Received - Update CMS (seed 001).

A CSA caseworker (or CSA Case Closure application team caseworker) finds ongoing action on a case
due to transition that cannot be finished within the Case Closure timeframe, and hands it to the
CMS owning caseworker. Our reading, where the seed is silent:
- The seed has two actors, so every step says whose it is (`Step.who`, shown as "Who does this"):
  the CSA caseworker checks the actions, finds the CMS owning caseworker through the CMS client
  helpline (or their team leader when the owner is on leave or sick) and advises them; the CMS
  owning caseworker updates Notes and routes the case. The CSA caseworker's advice is the hand-over:
  it creates the run's SR "Transition / CSA Information / Update CMS" (our inferred catalogue entry),
  allocated to the owning caseworker when Casework Guide knows a caseworker of that name in the
  case's team (else unallocated for the team), with the outstanding actions in its Notes. The owner
  picks the run up from that SR in My work ("Work this SR" resumes the same run at their first
  step); the CSA caseworker never sees the owner's steps as theirs.
- When the owning caseworker is unavailable, the SR stays unallocated for their team and the team
  gets a message with what was agreed with the team leader. The seed has the CSA caseworker discuss the
  best course of action with the team leader, not do the CMS caseworker's work: the run waits for the team
  leader to allocate the SR, and whoever it is allocated to carries on from it in My work. The owner's
  steps are `handed_over`: only the SR's owner records them (QA: the CSA caseworker carried on as owner).
- Routing creates one SR per need, with the exact catalogue values; more than one may apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from statemachine import State, StateMachine

from domain import reference
from domain.reference import SRStatus, SubStatus
from domain.values import sentence

from .definition import Ctx, Field, Procedure, Step
from .effects import CASE_TEAM, AddNote, CreateSR, Effect, RaiseTask, SetStatus

COMPLAINT = "Escalated complaint"
APPEAL = "Outstanding appeal"
ENFORCEMENT = "Ongoing enforcement action"
COMPLAINT_SUB_AREAS = ("Resolution", "Review", "ICE")
# The seed gives no more than this (QA: a new caseworker had nothing to choose by); its quote is exact, and the two
# guidance pages it lists for more are named as it names them.
SUB_AREA_HELP = (
    "The published procedure says only that the sub area \u201cdepends upon the nature of the complaint\u201d. For "
    "more it points to its guidance pages \u201cComplaint - Resolution\u201d and \u201cComplaint - Review\u201d, "
    "which are not in Casework Guide: read them, or ask your team leader, before you choose."
)


class P2Machine(StateMachine):
    outstanding_actions = State("Check the outstanding CSA actions", initial=True)
    identify_owner = State("Identify the CMS owning caseworker")
    advise_owner = State("Advise the owning caseworker")
    contact_team_leader = State("Contact the owning caseworker's team leader")
    update_notes = State("Update Notes with what CSA told you")
    route_case = State("Route the case to other segments")
    no_handover = State("No hand-over needed")
    done = State("Finished", final=True)

    proceed = (
        outstanding_actions.to(no_handover, cond="can_finish_in_timeframe")
        | outstanding_actions.to(identify_owner)
        | identify_owner.to(advise_owner, cond="owner_available")
        | identify_owner.to(contact_team_leader)
        | advise_owner.to(update_notes)
        | contact_team_leader.to(update_notes)
        | update_notes.to(route_case)
        | route_case.to(done)
        | no_handover.to(done)
    )

    def can_finish_in_timeframe(self, ctx: Ctx) -> bool:
        return bool(ctx["can_finish_in_timeframe"])

    def owner_available(self, ctx: Ctx) -> bool:
        return bool(ctx["owner_available"])


UPDATE_CMS = reference.full_sr_type("sr.csa_information_update")
CSA_CASEWORKER = "the CSA caseworker (or CSA Case Closure application team caseworker)"
CMS_OWNER = "the CMS owning caseworker"


def _handover(ctx: Ctx) -> list[Effect]:
    """The CSA caseworker's advice, as an SR for the CMS owning caseworker (their team when they are away)."""
    available = ctx["owner_available"]
    who = ctx["owner_name"] if available else f"{ctx['team_leader_name']} (team leader)"
    effects: list[Effect] = [
        CreateSR("main", *UPDATE_CMS, owner=f"named:{ctx['owner_name']}" if available else "none", status_given=False),
        AddNote(
            "main",
            f"Outstanding CSA actions advised by {ctx['csa_caseworker']} to {who}: "
            f"{sentence(ctx['outstanding_actions'])} "
            f"Handed over to the CMS owning caseworker {ctx['owner_name']} to update Notes and route the case.",
            typed=True,
        ),
    ]
    if not available:
        effects.append(
            RaiseTask(
                f"Owning caseworker {ctx['owner_name']} is unavailable; agreed with {ctx['team_leader_name']}: "
                f"{ctx['agreed_action']}",
                ref="main",
                to=CASE_TEAM,
                kind="message",
            )
        )
    return effects


def _update_notes(ctx: Ctx) -> list[Effect]:
    handed_over = "main" in (ctx.fact("run_sr_refs") or ())  # a run begun before hand-overs made the SR has none
    return [
        (
            SetStatus("main", SRStatus.IN_PROGRESS, status_given=False)
            if handed_over
            else CreateSR("main", *UPDATE_CMS, status=SRStatus.IN_PROGRESS, status_given=False)
        ),
        AddNote(
            "main",
            f"Information received from CSA ({ctx['csa_caseworker']}): {ctx['information_received']}",
            typed=True,
        ),
    ]


def _route(ctx: Ctx) -> list[Effect]:
    needs = ctx.get("routes", [])
    effects: list[Effect] = []
    if COMPLAINT in needs:
        effects.append(
            CreateSR(
                "complaint",
                reference.value("process.escalated_enquiries"),
                reference.value("area.complaints"),
                ctx["complaint_sub_area"],
                parent_ref="main",
                owner="none",
                status_given=False,
            )
        )
    if APPEAL in needs:
        effects.append(
            CreateSR("appeal", *reference.sr_type("sr.appeal"), parent_ref="main", owner="none", status_given=False)
        )
    if ENFORCEMENT in needs:
        effects.append(CreateSR("enforcement", *ARREARS_REVIEW, parent_ref="main", owner="none", status_given=False))
    routed = ", ".join(needs) if needs else "no other segment needed"
    effects.append(AddNote("main", f"Routing: {routed}."))
    effects.append(
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.COMPLETE,
            resolution_code=reference.value("resolution_code.information_provided"),
            status_given=False,
        )
    )
    return effects


ARREARS_REVIEW = reference.sr_type("sr.arrears_review")


def _route_warnings(ctx: Ctx) -> list[str]:
    """Routing ongoing enforcement creates an Arrears Review SR; say so before it is made when the case already has
    one open (QA: a second was created without a word). The seed says only to create one, not to refuse one."""
    routes = ctx["routes"]
    if routes is not None and ENFORCEMENT not in routes:  # answered, and enforcement is not routed
        return []
    found = [sr for sr in ctx.fact("open_srs") or () if (sr["process"], sr["area"], sr["sub_area"]) == ARREARS_REVIEW]
    if not found:
        return []
    named = ", ".join(f"{sr['number']} ({sr['status']})" for sr in found)
    return [
        f'This case already has an open {ARREARS_REVIEW[2]} SR: {named}. Choose "{ENFORCEMENT}" only if the '
        "enforcement is not already with the enforcement segment on it: saving creates another one."
    ]


STEPS = {
    "outstanding_actions": Step(
        title="Check the outstanding CSA actions",
        guidance=(
            "This hand-over is for a CSA case due to transition where ongoing action cannot be finished "
            "within the Case Closure timeframe. If it can be finished in time, the CSA caseworker finishes it "
            "and nothing is handed over."
        ),
        who=CSA_CASEWORKER,
        fields=(
            Field("csa_caseworker", label="CSA caseworker handing over", kind="text"),
            Field("outstanding_actions", label="Outstanding CSA actions", kind="long_text"),
            Field(
                "can_finish_in_timeframe",
                label="Can the actions be finished within the Case Closure timeframe?",
                kind="yes_no",
            ),
        ),
    ),
    "identify_owner": Step(
        title="Identify the CMS owning caseworker",
        guidance=(
            "Call the CMS client helpline to find out who owns the case on CMS. If they are away (leave or "
            "sickness), speak to their team leader instead about the best course of action."
        ),
        checklist=("CMS client helpline contacted",),
        who=CSA_CASEWORKER,
        fields=(
            Field("owner_name", label="CMS owning caseworker", kind="text"),
            Field("owner_available", label="Is the owning caseworker available?", kind="yes_no"),
        ),
    ),
    "advise_owner": Step(
        title="Advise the owning caseworker",
        guidance=(
            "Tell the owning caseworker every outstanding CSA action, and what they need to do next. Saving this "
            "hands the case over: Casework Guide creates the SR for the owning caseworker (allocated to them when "
            "they use Casework Guide), and they carry on from it in My work."
        ),
        checklist=("Outstanding CSA actions explained to the owning caseworker",),
        depends_on=("owner_name", "csa_caseworker", "outstanding_actions"),
        effects=_handover,
        who=CSA_CASEWORKER,
    ),
    "contact_team_leader": Step(
        title="Contact the owning caseworker's team leader",
        guidance=(
            "Agree with the team leader who picks up the actions while the owning caseworker is away. Saving this "
            "hands the case over to their team: the SR waits unallocated for them and the team gets a message."
        ),
        fields=(
            Field("team_leader_name", label="Team leader", kind="text"),
            Field("agreed_action", label="What you agreed", kind="long_text"),
        ),
        depends_on=("owner_name", "csa_caseworker", "outstanding_actions"),
        effects=_handover,
        who=CSA_CASEWORKER,
    ),
    "update_notes": Step(
        title="Update Notes with what CSA told you",
        guidance=(
            "The CSA caseworker has handed this case over to you (see the SR Notes). Record in the SR Notes "
            "exactly what they told you, so anyone can act on it."
        ),
        fields=(Field("information_received", label="Information received from CSA", kind="long_text"),),
        depends_on=("csa_caseworker",),
        effects=_update_notes,
        who=CMS_OWNER,
    ),
    "route_case": Step(
        title="Route the case to other segments",
        guidance=(
            "Create one SR for each need that applies: an escalated complaint goes to the complaints segment "
            "(the sub area depends on the complaint), an outstanding appeal to appeals, ongoing enforcement "
            "to the enforcement segment. Leave it empty if none applies."
        ),
        who=CMS_OWNER,
        fields=(
            Field(
                "routes",
                label="Which needs apply?",
                kind="multi_choice",
                options=(COMPLAINT, APPEAL, ENFORCEMENT),
                required=False,
            ),
            Field(
                "complaint_sub_area",
                label="Complaint sub area",
                kind="choice",
                options=COMPLAINT_SUB_AREAS,
                when=("routes", COMPLAINT),
                help=SUB_AREA_HELP,
            ),
        ),
        effects=_route,
        warnings=_route_warnings,
    ),
    "no_handover": Step(
        title="No hand-over needed",
        guidance="The CSA caseworker finishes the actions within the Case Closure timeframe; nothing is routed.",
        who=CSA_CASEWORKER,
    ),
    "done": Step(title="Finished", guidance="The hand-over is recorded.", final=True),
}


def _can_start(facts: Mapping[str, Any]) -> str | None:
    """Seed 001 is about "a CSA case that is due to be transitioned": a CMS 2012 case, or one whose financial
    transition is complete, has no CSA actions to hand over (QA: Start offered P2 on both). A run already under way
    is not asked again: the owner picking the hand-over up from its SR resumes it however the case stands now
    (services/run_start.py resumes a running run before it asks `can_start`)."""
    if facts.get("scheme") == "CMS 2012":
        return (
            "This is a CMS 2012 case. This procedure is for a CSA case that is due to be transitioned to CMS, when "
            "its CSA actions cannot be finished within the Case Closure timeframe."
        )
    if facts.get("financial_transition_complete"):
        return (
            "Financial transition to CMS is complete on this case, so there are no CSA actions left to hand over. "
            "This procedure is for a CSA case that is due to be transitioned."
        )
    return None


PROCEDURE = Procedure(
    id="P2",
    version="1",
    title="CSA Scheme Information Received - Update CMS",
    seed="001_d75d46e299a31c66.txt",
    roles=("caseworker",),
    starts="A CSA caseworker has ongoing action on a transitioning case that cannot finish in time.",
    machine=P2Machine,
    steps=STEPS,
    works_on=(UPDATE_CMS,),  # the owning caseworker picks the hand-over up from its SR in My work
    glossary_terms=("CSA", "CMS", "SR", "ICE"),
    main_sr=UPDATE_CMS,
    handed_over=("update_notes", "route_case"),
    can_start=_can_start,
)
