"""P1 CSA Information Required - Contact Caseworker (seed 000).

A CMS caseworker in the CSA rules reassessment team needs CSA-scheme information for a complaint
or appeal. Our reading of the seed, where it is silent:
- The run records its work on an SR "Transition / CSA Information / Information Request" (our
  inferred catalogue entry), created at the first step and closed Complete at the end.
- A query before financial transition is complete is re-routed to CSA caseworkers: the SR closes
  Complete with Resolution Code "Rerouted".
- When the CSA caseworker cannot give the information on the call, a review date (today or later,
  a working day in the case's region) is set; the run waits at "Chase the CSA caseworker". A chase
  that gets nothing sets a new review date and comes back to the same step (its answers blank
  again), as often as needed, each chase noted; a chase that gets the information records it.
- Moving segment creates one SR with the exact catalogue values, associated with the run's SR.
"""

from __future__ import annotations

from datetime import date

from statemachine import State, StateMachine

from domain import reference
from domain.clock import format_date, next_working_day
from domain.reference import SRStatus, SubStatus

from .definition import Ctx, Field, Procedure, Step
from .effects import AddNote, CompleteDeadlines, CreateSR, Effect, SetReviewDate, SetStatus

SEGMENT_MOVES = {
    "No move needed": None,
    "Complaints - Resolution": reference.sr_type("sr.complaint_resolution"),
    "Complaints - Review": reference.sr_type("sr.complaint_review"),
    "Complaints - ICE": reference.sr_type("sr.complaint_ice"),
    "Appeals - Appeal Against Decision": reference.sr_type("sr.appeal"),
}


class P1Machine(StateMachine):
    """States are the steps; guards are the seed's rules."""

    query_received = State("Check where the case is in transition", initial=True)
    search_legacy = State("Search the legacy systems")
    record_found = State("Record what you found")
    identify_csa_caseworker = State("Identify the CSA caseworker")
    answer_from_ccd = State("Answer from CCD yourself")
    call_csa_caseworker = State("Call the CSA caseworker")
    chase_update = State("Chase the CSA caseworker")
    consider_segment = State("Does the case need to move segment?")
    reroute_to_csa = State("Re-route to CSA caseworkers")
    done = State("Finished", final=True)

    proceed = (
        query_received.to(reroute_to_csa, unless="transition_complete")
        | query_received.to(search_legacy)
        | search_legacy.to(record_found, cond="information_found")
        | search_legacy.to(identify_csa_caseworker)
        | record_found.to(consider_segment)
        | identify_csa_caseworker.to(answer_from_ccd, cond="held_on_closed_ccd")
        | identify_csa_caseworker.to(call_csa_caseworker)
        | answer_from_ccd.to(consider_segment)
        | call_csa_caseworker.to(consider_segment, cond="given_on_call")
        | call_csa_caseworker.to(chase_update)
        | chase_update.to(consider_segment, cond="chase_answered")
        | chase_update.to(chase_update)
        | consider_segment.to(done)
        | reroute_to_csa.to(done)
    )

    def transition_complete(self, ctx: Ctx) -> bool:
        return bool(ctx["financial_transition_complete"])

    def information_found(self, ctx: Ctx) -> bool:
        return bool(ctx["information_found"])

    def held_on_closed_ccd(self, ctx: Ctx) -> bool:
        return bool(ctx["held_on_closed_ccd"])

    def given_on_call(self, ctx: Ctx) -> bool:
        return bool(ctx["given_on_call"])

    def chase_answered(self, ctx: Ctx) -> bool:
        return bool(ctx["chase_answered"])


def _open_sr(ctx: Ctx) -> list[Effect]:
    return [
        CreateSR(
            "main", *reference.sr_type("sr.csa_information_request"), status=SRStatus.IN_PROGRESS, status_given=False
        ),
        AddNote("main", f"CSA information required ({ctx['query_reason']}): {ctx['query_summary']}", typed=True),
    ]


def _reroute(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            "Query re-routed to CSA caseworkers: CSA liability has ended but financial transition "
            "to CMS is not complete.",
        ),
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.COMPLETE,
            resolution_code=reference.value("resolution_code.rerouted"),
            status_given=False,
        ),
    ]


def _record(ctx: Ctx) -> list[Effect]:
    return [AddNote("main", f"Information found on the legacy systems: {ctx['findings']}", typed=True)]


def _ccd(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            f"Case held on CCD and now closed; answered from CCD by the rules reassessment team "
            f"(not referred to Bolton): {ctx['ccd_findings']}",
            typed=True,
        )
    ]


def _call(ctx: Ctx) -> list[Effect]:
    who = ctx["csa_caseworker"]
    if ctx["given_on_call"]:
        return [AddNote("main", f"Called CSA caseworker {who}; information given: {ctx['call_findings']}", typed=True)]
    return [
        AddNote(
            "main",
            f"Called CSA caseworker {who}; information not available on the call. Review date set to chase an update.",
            typed=True,  # the CSA caseworker's name, as typed
        ),
        _review(ctx, ctx["review_date"], f"Review date chosen on the call with {who}"),
    ]


def _review(ctx: Ctx, day: date, why: str) -> SetReviewDate:
    """A review date on the next working day in the case's region, saying so when it moved."""
    due = next_working_day(day, ctx.fact("region"))
    moved = "" if due == day else f", moved from {format_date(day)} to the next working day in {ctx.fact('region')}"
    return SetReviewDate("main", due, f"{why}{moved}.")


def _chase(ctx: Ctx) -> list[Effect]:
    who = ctx["csa_caseworker"]
    chased = CompleteDeadlines("main", (REVIEW_DATE,))  # this review date is met: the chase happened
    if ctx["chase_answered"]:
        return [
            chased,
            AddNote("main", f"Update received from CSA caseworker {who}: {ctx['update_findings']}", typed=True),
        ]
    return [
        chased,
        AddNote(
            "main",
            f"Chased CSA caseworker {who} on {format_date(ctx.today)}; information not available yet. "
            f"New review date set to chase again. {ctx.get('chase_details', '')}".rstrip(),
            typed=True,  # the CSA caseworker's name, as typed
        ),
        _review(ctx, ctx["next_review_date"], f"New review date after chasing {who} on {format_date(ctx.today)}"),
    ]


def _segment(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = []
    target = SEGMENT_MOVES[ctx["segment_move"]]
    if target:
        process, area, sub_area = target
        effects.append(
            CreateSR("segment", process, area, sub_area, parent_ref="main", owner="none", status_given=False)
        )
        reason = ctx.get("segment_reason") or ""  # optional: no dangling colon without one (QA)
        effects.append(
            AddNote(
                "main", f"Case routed to {ctx['segment_move']}" + (f": {reason}" if reason else "."), typed=bool(reason)
            )
        )
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


YES_NO = "yes_no"
REVIEW_DATE = "review_date"  # the deadline kind services.records.set_review_date records
QUERY_REASON = "What needs the CSA information?"
# The first question's answer that fits each Area of SR a P1 run is begun from (services/sr_work.FROM_CASE).
REASON_FOR_AREA = {reference.value("area.complaints"): "Complaint", reference.value("area.appeals"): "Appeal"}


def _reason_against_begun_from(ctx: Ctx) -> list[str]:
    """A caution when the first question's answer disagrees with the SR the run was begun from ("Appeal" on a run
    begun from a complaint SR). The question is never prefilled (definition.QUESTION_KINDS) and the answer may rightly
    differ (the complaint may need information for other work), so it is said, never refused."""
    answered, begun = ctx["query_reason"], ctx.fact("begun_from_sr")
    if answered is None or begun is None:
        return []
    fits = REASON_FOR_AREA.get(begun["area"])
    if fits is None or answered == fits:
        return []
    kind = "an appeal" if fits == "Appeal" else "a complaint"
    return [
        f"This run was begun from SR {begun['number']} ({begun['label']}), {kind}, "
        f'but "{QUERY_REASON}" is answered "{answered}". If the information is for that {fits.lower()}, change the '
        f'answer to "{fits}"; if it is for other work, leave it.'
    ]


STEPS = {
    "query_received": Step(
        title="Check where the case is in transition",
        guidance=(
            "A complaint or appeal on CMS needs information from the CSA scheme. Before searching, check "
            "whether financial transition to CMS has been completed. If CSA liability has ended but "
            "transition is not complete, the query belongs with the CSA caseworkers, not with you."
        ),
        checklist=("I have the case open in the 2012 system and have read the query",),
        fields=(
            Field(
                "query_reason",
                label=QUERY_REASON,
                kind="choice",
                options=("Complaint", "Appeal", "Other CMS work"),
            ),
            Field(
                "query_summary",
                label="What information is needed",
                kind="long_text",
                help="Say exactly what is missing, so the search (and anyone you call) can answer it.",
            ),
            Field(
                "financial_transition_complete",
                label="Has financial transition to CMS been completed?",
                kind="yes_no",
                help="Check the case in the 2012 system: this answer decides whether the query stays with you.",
            ),
        ),
        effects=_open_sr,
        warnings=_reason_against_begun_from,
    ),
    "search_legacy": Step(
        title="Search the legacy systems",
        guidance=(
            "Look for the information yourself first, in every legacy system. Only when it is not there do "
            "you need to contact a CSA caseworker."
        ),
        checklist=("CSCS checked", "CS2 checked", "Clerical case database (CCD) checked"),
        fields=(
            Field("information_found", label="Did you find the information?", kind="yes_no"),
            Field("findings", label="What you found", kind="long_text", when=("information_found", True)),
        ),
    ),
    "record_found": Step(
        title="Record what you found",
        guidance="Your findings go into the SR Notes so the complaint or appeal caseworker can use them.",
        depends_on=("findings",),
        effects=_record,
    ),
    "identify_csa_caseworker": Step(
        title="Identify the CSA caseworker",
        guidance=(
            "Find who holds the CSA case from CSCS, CS2 and CCD. If the case was held on CCD and is now "
            "closed, do not refer it back to Bolton: your team has the same CCD access and answers it."
        ),
        checklist=("CSCS checked for the caseworker", "CS2 checked for the caseworker", "CCD checked"),
        fields=(
            Field("held_on_closed_ccd", label="Was the case held on CCD and is it now closed?", kind="yes_no"),
            Field(
                "csa_caseworker", label="Name of the CSA caseworker", kind="text", when=("held_on_closed_ccd", False)
            ),
        ),
    ),
    "answer_from_ccd": Step(
        title="Answer from CCD yourself",
        guidance="Look the case up on CCD and record the answer. Do not refer the case back to Bolton.",
        checklist=("Case data read on CCD",),
        fields=(Field("ccd_findings", label="What CCD shows", kind="long_text"),),
        effects=_ccd,
    ),
    "call_csa_caseworker": Step(
        title="Call the CSA caseworker",
        guidance=(
            "Call the CSA caseworker and ask for the information. If they cannot give it on the call, set "
            "a review date so you are reminded to chase them; your team leader sees it if it goes overdue."
        ),
        fields=(
            Field("given_on_call", label="Was the information given on the call?", kind="yes_no"),
            Field("call_findings", label="Information given", kind="long_text", when=("given_on_call", True)),
            Field(
                "review_date",
                label="Review date to chase an update",
                kind="date",
                when=("given_on_call", False),
                min_date="today",
                help="Moved to the next working day in the case's region if needed.",
            ),
        ),
        depends_on=("csa_caseworker",),
        effects=_call,
    ),
    "chase_update": Step(
        title="Chase the CSA caseworker",
        guidance=(
            "On the review date, chase the CSA caseworker. If they give you the information, record it. If they "
            "still cannot, set a new review date: you come back to this step to chase again, as often as needed."
        ),
        fields=(
            Field("chase_answered", label="Did the CSA caseworker give you the information?", kind="yes_no"),
            Field("update_findings", label="Information received", kind="long_text", when=("chase_answered", True)),
            Field(
                "next_review_date",
                label="New review date to chase again",
                kind="date",
                when=("chase_answered", False),
                min_date="today",
                help="Moved to the next working day in the case's region if needed.",
            ),
            Field(
                "chase_details",
                label="What the CSA caseworker said",
                kind="long_text",
                when=("chase_answered", False),
                required=False,
            ),
        ),
        depends_on=("csa_caseworker",),
        effects=_chase,
    ),
    "consider_segment": Step(
        title="Does the case need to move segment?",
        guidance=(
            "If your work means the case must move to another segment (a complaint resolution or review, "
            "the Independent Case Examiner, or an appeal), create the SR that routes it there."
        ),
        fields=(
            Field("segment_move", label="Move the case to", kind="choice", options=tuple(SEGMENT_MOVES)),
            Field("segment_reason", label="Why it moves", kind="long_text", required=False),
        ),
        effects=_segment,
    ),
    "reroute_to_csa": Step(
        title="Re-route to CSA caseworkers",
        guidance=(
            "CSA liability has ended but financial transition is not complete, so CSA caseworkers deal with "
            "this query. Pass it to them as the published procedure Call - Overview describes (it is not in "
            "Casework Guide: open it where you read the published procedures)."
        ),
        checklist=("Query passed to the CSA caseworkers",),
        depends_on=("financial_transition_complete",),
        effects=_reroute,
    ),
    "done": Step(title="Finished", guidance="The information search is complete and recorded.", final=True),
}

PROCEDURE = Procedure(
    id="P1",
    version="1",
    title="CSA Information Required - Contact Caseworker",
    seed="000_bea1525379356cbf.txt",
    roles=("caseworker",),
    starts="A CMS complaint or appeal needs information held on the CSA scheme.",
    machine=P1Machine,
    steps=STEPS,
    glossary_terms=("CSCS", "CS2", "CCD", "ICE", "SR"),
    main_sr=("Transition", "CSA Information", "Information Request"),
)
