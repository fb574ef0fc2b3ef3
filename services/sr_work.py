"""Which procedure works an allocated SR, for every kind of SR in the catalogue, or why none does.

Our reading of the seeds (the catalogue's `used_by` says which procedure creates each kind):
- An SR of the kind a procedure itself records its work on is worked by that procedure, bound to the SR
  (the run records on it instead of creating another): Information Request by P1, Update CMS by P2,
  Manage Client Arrears by P4, Manual Handling and Finalise Case by P3, and the Specialist Services
  Support Team's SRs by P5a to P5e (`Procedure.works_on`).
- A complaint or an appeal SR is worked by P1 when it needs information held on the CSA scheme (seed 000:
  "there is a complaint or appeal received on CMS that will require CSA action or information"). P1 then
  opens its own Information Request SR on the case; the complaint or appeal SR stays with its owner.
- No published procedure here works an Arrears Review, Action Missed Payment or Set Up Legacy LO SR (P2 and
  P3 create them to route a case to another segment or team): the caseworker is told so, never shown nothing.
- The SSST's procedures are offered only to the SSST's caseworkers (services.case_finder). An SR of the other kind
  is for the team leader to hand over to the team whose work it is (services/console/handover.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from procedures import registry
from procedures.definition import Procedure
from services.case_finder import is_ssst_procedure
from services.views import BegunFrom, begun_counted, begun_words

SRKind = tuple[str, str | None, str | None]

# SR kinds a procedure records its own work on, beyond its `works_on` (those are the SSST's allocated SRs).
BOUND: dict[SRKind, str] = {
    ("Transition", "CSA Information", "Information Request"): "P1",
    ("Transition", "CSA Information", "Update CMS"): "P2",
    ("Arrears", "CSA Arrears", "Manage Client Arrears"): "P4",
    ("Manual Handling", None, None): "P3",
    ("Transition", "Legacy Case Data", "Finalise Case"): "P3",
}
# SR kinds whose work a procedure supports from the case, without taking the SR over.
FROM_CASE: dict[SRKind, str] = {
    ("Escalated Enquiries", "Complaints", "Resolution"): "P1",
    ("Escalated Enquiries", "Complaints", "Review"): "P1",
    ("Escalated Enquiries", "Complaints", "ICE"): "P1",
    ("Escalated Enquiries", "Appeals", "Appeal Against Decision"): "P1",
}
NO_PROCEDURE = (
    "No procedure in Casework Guide works this kind of SR (another procedure raised it to route the case): "
    "work it in CMS."
)
# Said to a caseworker holding another team's kind of SR: their team leader hands it over from Outstanding SRs
# (services/console/handover.py; before 7 December, sixth session, no team leader could).
SSST_ONLY = "This is the Specialist Services Support Team's work: ask your team leader to hand it over to that team."
CSA_ONLY = (
    "This SR is worked by the CSA rules reassessment caseworkers: ask your team leader to hand it over to their team."
)
# The same reasons, said to the team leader who gives the SR to someone who cannot work it (services.console).
FOR_LEADER = {
    SSST_ONLY: "it is the Specialist Services Support Team's work",
    CSA_ONLY: "it is the CSA rules reassessment caseworkers' work",
}


def already_running(procedure_id: str) -> str:
    """Why another procedure is not offered on an SR that a run is already working."""
    return f"{procedure_id} is already in progress on this SR: continue it from Procedures in progress."


@dataclass(frozen=True, slots=True)
class WayToWork:
    """One procedure that works an SR: on the SR itself, or started on its case; startable now or why not."""

    procedure_id: str
    title: str
    starts: str
    on_sr: bool
    why_not: str | None
    caution: str | None = None  # startable, but the SR's Reason names another procedure

    @property
    def how(self) -> str:
        if self.on_sr:
            return "works on this SR"
        return (
            "starts on the case and opens its own Information Request SR; this SR stays open, and the run says it was "
            "begun from it"
        )


def already_on_case(
    procedure_id: str, begun: Sequence[BegunFrom | None], sr_id: int, *, mine: Sequence[bool] | None = None
) -> str:
    """A caution on an SR worked from its case (a complaint or appeal for P1) when that procedure is already in progress
    on the case: starting it again opens another run and, at its first save, another SR (QA, 7 December: My work offered
    "Work this SR" again as if nothing had been started, while Start a procedure said so).

    `begun` has one entry a run in progress: the SR it was begun from, or None (started from the case, or before runs
    kept it). The runs begun from an SR are named by it, this one (`sr_id`) as "this SR", so the caseworker can tell
    whether a run is for the same query; when none was, the caution reads as it did before runs kept it. `mine` says,
    run by run, whether the caseworker started it (None: all of them): a colleague's run is not under their
    Procedures in progress and cannot be carried on by them (QA, sixth session: the caution said "yours are ... above"
    of a colleague's run)."""
    runs = len(begun)
    owned = list(mine) if mine is not None else [True] * runs
    which = f"A {procedure_id} run is" if runs == 1 else f"{runs} {procedure_id} runs are"
    yours = _whose(sum(owned), runs)
    rest = f"Work this SR only for a different piece of work: it starts another {procedure_id} run."
    if all(b is None for b in begun):
        return f"{which} already in progress on this case {yours}. {rest}"
    same = [own for b, own in zip(begun, owned, strict=True) if b is not None and b.sr_id == sr_id]
    one = "it is" if runs == 1 else "one is"
    if any(same):
        carry_on = f"If {one} for the same query, carry on with it there. "
    elif same:
        carry_on = f"If {one} for the same query, it is a colleague's: ask them or your team leader first. "
    else:
        carry_on = ""
    if runs == 1:
        which = f"A {procedure_id} run {begun_words(begun[0], sr_id)} is"
        return f"{which} already in progress on this case {yours}. {carry_on}{rest}"
    return f"{which} already in progress on this case {yours}: {begun_counted(begun, sr_id)}. {carry_on}{rest}"


def _whose(own: int, runs: int) -> str:
    """Whose the runs in progress are, and where the caseworker finds their own."""
    if own == runs:
        return "(yours are under Procedures in progress above)"
    if own == 0:
        return "(a colleague's, so not in your list)" if runs == 1 else "(colleagues', so not in your list)"
    others = "the other a colleague's" if runs - own == 1 else "the others colleagues'"
    return f"({own} of them yours, under Procedures in progress above; {others})"


def why_not_here(ways: Sequence[WayToWork]) -> str:
    """Why none of these ways can work the SR now, for My work: each reason once, after the procedures it stops (QA, 7
    December: a Magistrates Court SR said the SSST sentence twice, once for P5c and once for P5d)."""
    by_reason: dict[str, list[str]] = {}
    for way in ways:
        if way.why_not:
            by_reason.setdefault(way.why_not, []).append(way.procedure_id)
    return " ".join(f"{' and '.join(ids)}: {why}" for why, ids in by_reason.items()) or NO_PROCEDURE


def why_not_for_leader(ways: Sequence[WayToWork]) -> str | None:
    """Why a caseworker of the team cannot work an SR in Casework Guide now, said to their team leader; None when one
    of the procedures that work it can start (or none does: the SR is worked in CMS, as the team knows). Another
    team's kind of work is said as whose it is, which the console follows with how to hand it over to them."""
    if not ways or any(not w.why_not for w in ways):
        return None
    reasons: dict[str, list[str]] = {}
    for way in ways:
        why = way.why_not or ""  # never empty here: every way has a reason (above)
        reasons.setdefault(FOR_LEADER.get(why, why), []).append(way.procedure_id)
    return "; ".join(f"{' and '.join(ids)}: {why}" for why, ids in reasons.items())


def procedures_working(kind: SRKind, reason: str | None = None) -> list[tuple[Procedure, bool]]:
    """Every procedure that works an SR of this kind, with whether it works on the SR itself, in the order to offer
    them (the SR's Reason's procedure first); empty when none does."""
    bound = [p for p in registry.latest() if kind in p.works_on]
    bound.sort(key=lambda p: reason is None or reason not in p.works_on_reasons)
    if kind in BOUND:
        bound.append(registry.get(BOUND[kind]))
    return [(p, True) for p in bound] + ([(registry.get(FROM_CASE[kind]), False)] if kind in FROM_CASE else [])


def ways_to_work(kind: SRKind, reason: str | None, facts: Mapping[str, Any], *, ssst: bool) -> list[WayToWork]:
    """Every procedure that works an SR of this kind, in the order to offer them; empty when none does."""
    working = procedures_working(kind, reason)
    bound = [p for p, on_sr in working if on_sr]
    ways: list[WayToWork] = []
    for procedure, on_sr in working:
        way = _way(procedure.id, on_sr, facts, ssst)
        ways.append(replace(way, caution=_reason_names_another(procedure, bound, reason)) if on_sr else way)
    return ways


def _reason_names_another(procedure: Procedure, bound: Sequence[Procedure], reason: str | None) -> str | None:
    """A caution when the SR's Reason is another bound procedure's (a Liability Order SR offered to P5c): My work's
    table shows no Reason, and QA started commitment on a liability order SR unwarned (7 December). Not a refusal:
    the Reason may have been set wrongly."""
    if reason is None or reason in procedure.works_on_reasons:
        return None
    owner = next((p for p in bound if reason in p.works_on_reasons), None)
    if owner is None or not procedure.works_on_reasons:
        return None
    asked = f"{procedure.works_on_reasons[0].lower()} action"
    return (
        f"This SR's Reason is {reason}: that is the work of {owner.id} {owner.title}. Choose {procedure.id} only if "
        f"{asked} was asked for."
    )


def _way(procedure_id: str, on_sr: bool, facts: Mapping[str, Any], ssst: bool) -> WayToWork:
    procedure = registry.get(procedure_id)
    if is_ssst_procedure(procedure) != ssst:
        why_not: str | None = SSST_ONLY if not ssst else CSA_ONLY
    else:
        why_not = procedure.can_start(facts)
    return WayToWork(procedure.id, procedure.title, procedure.starts, on_sr, why_not)
