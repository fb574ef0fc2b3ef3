"""P2 CSA Scheme Information Received - Update CMS (seed 001).

A CSA caseworker (or CSA Case Closure application team caseworker) finds ongoing action on a case
due to transition that cannot be finished within the Case Closure timeframe, and hands it to the
CMS owning caseworker. Our reading, where the seed is silent:
- One person records the whole hand-over in Casework Guide: the CSA-side steps (identify the owner
  through the CMS client helpline, or their team leader when the owner is on leave or sick) and
  the CMS-side steps (update Notes, route). The run's SR is "Transition / CSA Information / Update
  CMS" (our inferred catalogue entry), created when the information is recorded.
- When the owning caseworker is unavailable, their team gets a message to pick up the actions.
- Routing creates one SR per need, with the exact catalogue values; more than one may apply.
"""

from __future__ import annotations

from statemachine import State, StateMachine

from domain import reference
from domain.reference import SRStatus, SubStatus

from .definition import Ctx, Field, Procedure, Step
from .effects import AddNote, CreateSR, Effect, RaiseTask, SetStatus

COMPLAINT = "Escalated complaint"
APPEAL = "Outstanding appeal"
ENFORCEMENT = "Ongoing enforcement action"
COMPLAINT_SUB_AREAS = ("Resolution", "Review", "ICE")


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


def _update_notes(ctx: Ctx) -> list[Effect]:
    who = ctx["owner_name"] if ctx["owner_available"] else f"{ctx['team_leader_name']} (team leader)"
    effects: list[Effect] = [
        CreateSR("main", *reference.sr_type("sr.csa_information_update"), status=SRStatus.IN_PROGRESS),
        AddNote(
            "main",
            f"Outstanding CSA actions advised by {ctx['csa_caseworker']} to {who}: "
            f"{ctx['outstanding_actions']}. Information received: {ctx['information_received']}",
        ),
    ]
    if not ctx["owner_available"]:
        effects.append(
            RaiseTask(
                f"Owning caseworker {ctx['owner_name']} is unavailable; agreed with {ctx['team_leader_name']}: "
                f"{ctx['agreed_action']}",
                ref="main",
                to="case_team",
                kind="message",
            )
        )
    return effects


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
            )
        )
    if APPEAL in needs:
        effects.append(CreateSR("appeal", *reference.sr_type("sr.appeal"), parent_ref="main", owner="none"))
    if ENFORCEMENT in needs:
        effects.append(
            CreateSR("enforcement", *reference.sr_type("sr.arrears_review"), parent_ref="main", owner="none")
        )
    routed = ", ".join(needs) if needs else "no other segment needed"
    effects.append(AddNote("main", f"Routing: {routed}."))
    effects.append(
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.COMPLETE,
            resolution_code=reference.value("resolution_code.information_provided"),
        )
    )
    return effects


STEPS = {
    "outstanding_actions": Step(
        title="Check the outstanding CSA actions",
        guidance=(
            "This hand-over is for a CSA case due to transition where ongoing action cannot be finished "
            "within the Case Closure timeframe. If it can be finished in time, the CSA caseworker finishes it "
            "and nothing is handed over."
        ),
        fields=(
            Field("csa_caseworker", "CSA caseworker handing over", "text"),
            Field("outstanding_actions", "Outstanding CSA actions", "long_text"),
            Field(
                "can_finish_in_timeframe", "Can the actions be finished within the Case Closure timeframe?", "yes_no"
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
        fields=(
            Field("owner_name", "CMS owning caseworker", "text"),
            Field("owner_available", "Is the owning caseworker available?", "yes_no"),
        ),
    ),
    "advise_owner": Step(
        title="Advise the owning caseworker",
        guidance="Tell the owning caseworker every outstanding CSA action, and what they need to do next.",
        checklist=("Outstanding CSA actions explained to the owning caseworker",),
        depends_on=("owner_name",),
    ),
    "contact_team_leader": Step(
        title="Contact the owning caseworker's team leader",
        guidance="Agree with the team leader who picks up the actions while the owning caseworker is away.",
        fields=(
            Field("team_leader_name", "Team leader", "text"),
            Field("agreed_action", "What you agreed", "long_text"),
        ),
        depends_on=("owner_name",),
    ),
    "update_notes": Step(
        title="Update Notes with what CSA told you",
        guidance="Record on the SR Notes exactly what the CSA caseworker told you, so anyone can act on it.",
        fields=(Field("information_received", "Information received from CSA", "long_text"),),
        depends_on=("owner_available", "csa_caseworker", "outstanding_actions"),
        effects=_update_notes,
    ),
    "route_case": Step(
        title="Route the case to other segments",
        guidance=(
            "Create one SR for each need that applies: an escalated complaint goes to the complaints segment "
            "(the sub area depends on the complaint), an outstanding appeal to appeals, ongoing enforcement "
            "to the enforcement segment. Leave it empty if none applies."
        ),
        fields=(
            Field(
                "routes", "Which needs apply?", "multi_choice", options=(COMPLAINT, APPEAL, ENFORCEMENT), required=False
            ),
            Field(
                "complaint_sub_area",
                "Complaint sub area",
                "choice",
                options=COMPLAINT_SUB_AREAS,
                when=("routes", COMPLAINT),
            ),
        ),
        effects=_route,
    ),
    "no_handover": Step(
        title="No hand-over needed",
        guidance="The CSA caseworker finishes the actions within the Case Closure timeframe; nothing is routed.",
    ),
    "done": Step(title="Finished", guidance="The hand-over is recorded.", final=True),
}

PROCEDURE = Procedure(
    id="P2",
    version="1",
    title="CSA Scheme Information Received - Update CMS",
    seed="001_d75d46e299a31c66.txt",
    roles=("caseworker",),
    starts="A CSA caseworker has ongoing action on a transitioning case that cannot finish in time.",
    machine=P2Machine,
    steps=STEPS,
    glossary_terms=("CSA", "CMS", "SR", "ICE"),
    main_sr=("Transition", "CSA Information", "Update CMS"),
)
