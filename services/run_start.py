"""Starting a run: which procedures an actor or an allocated SR may start, and starting (or resuming) one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, ProcedureRun, ServiceRequest
from procedures import registry
from procedures.definition import Procedure, StartSR
from services import audit, step_events
from services.access import check_case, check_case_for_sr, check_run, check_sr, require_role, unavailable
from services.actor import Actor
from services.case_facts import case_facts
from services.errors import DomainError, NotFound
from services.run_context import procedure_of, run_view
from services.run_views import RunView
from services.sr_work import FROM_CASE
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    id: str
    version: str
    title: str
    seed: str
    starts: str
    roles: tuple[str, ...]
    steps: int


def procedures_for(actor: Actor) -> list[ProcedureInfo]:
    """The registered procedures this actor's role may run."""
    return [
        ProcedureInfo(p.id, p.version, p.title, p.seed, p.starts, p.roles, len(p.steps))
        for p in registry.latest()
        if actor.role in p.roles
    ]


def procedures_for_sr(
    process: str, area: str | None, sub_area: str | None, reason: str | None = None
) -> list[ProcedureInfo]:
    """Every procedure that works an allocated SR of this catalogue entry, the one its Reason names first.

    P5c (commitment) and P5d (liability order) both work Enforcement / Court Presentation / Magistrates
    Court SRs: the caseworker must choose by what was asked for, so both are offered, never one silently.
    """
    matches = [p for p in registry.latest() if (process, area, sub_area) in p.works_on]
    matches.sort(key=lambda p: reason is None or reason not in p.works_on_reasons)  # stable: registry order
    return [ProcedureInfo(p.id, p.version, p.title, p.seed, p.starts, p.roles, len(p.steps)) for p in matches]


def procedure_for_sr(
    process: str, area: str | None, sub_area: str | None, reason: str | None = None
) -> ProcedureInfo | None:
    """The first procedure that works an allocated SR of this catalogue entry, if any."""
    found = procedures_for_sr(process, area, sub_area, reason)
    return found[0] if found else None


def _start_sr(sr: ServiceRequest, *, family: bool = True) -> StartSR:
    """An SR as plain data for Procedure.bind_start, with its parent and open children."""
    return StartSR(
        sr.id,
        sr.number,
        sr.process,
        sr.area,
        sr.sub_area,
        sr.status,
        parent=_start_sr(sr.parent, family=False) if family and sr.parent else None,
        children=tuple(_start_sr(c, family=False) for c in sr.children if c.status != "Closed") if family else (),
    )


ALLOCATED_ELSEWHERE = (
    "SR {number} is allocated to {name}, so only they can work it. If it should be yours, ask your team leader to "
    "reassign it to you."
)


def start_run(
    actor: Actor, procedure_id: str, *, case_id: int, sr_id: int | None = None, begun_from: int | None = None
) -> RunView:
    """Start a procedure on a case (or on an SR allocated to the actor); resumes a run already open on that SR.

    `begun_from` is an SR the procedure works from its case without taking it over (P1 from a complaint or appeal
    SR: services/sr_work.FROM_CASE). The run keeps it in a column of its own (`ProcedureRun.begun_from_sr_id`), so
    My work, the wizard and the SR's page can say which query a run is for. Not among `sr_refs`: those are the SRs
    the run records on, and every reader of them (run_outcomes, run_summary's finish page, letters, the run's
    deadlines, files and emails, the CMS panel's SR names, `run_sr_refs` in the steps' facts) would then count the
    complaint as an SR the run recorded on, or offer its letters and deadlines as the run's; keeping it apart means
    none of them has to learn to skip it. Another run may be begun from the same SR (a different piece of work), so
    nothing is resumed here: My work cautions first (services/sr_work.already_on_case).

    With an SR, a team that holds it may start on another team's case (an SR handed over to it); without one, only
    the case's own team may (services/access.py, `check_case_for_sr`): a run begun from an SR is the case team's.
    """
    try:
        procedure = registry.get(procedure_id)
    except registry.UnknownProcedure as exc:
        raise NotFound(str(exc)) from None
    # The write lock before the first read (QA, two servers): Work this SR pressed in two tabs or on two servers at
    # once made two runs on one SR, each having found none; the second now waits, then resumes the first's run, and
    # a hand-over committed a moment before is seen (the SR is no longer the team's).
    with transaction(writes=True) as session:
        require_role(session, actor, *procedure.roles, action=f"run {procedure.id} {procedure.title}")
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(unavailable("case"))
        sr = session.get(ServiceRequest, sr_id) if sr_id is not None else None
        if sr is not None and sr.case_id == case.id:
            # A team holding an SR handed over from the case's team works the case for that SR (services/access.py).
            check_case_for_sr(session, actor, case, sr, action="work this SR")
        else:
            check_case(session, actor, case, action="start a procedure on this case")
        refs: dict[str, int] = {}
        if sr_id is not None and begun_from is not None:
            raise DomainError("A run either works an SR or is begun from one, not both.")
        origin = _begun_from(session, actor, procedure, case, begun_from) if begun_from is not None else None
        if sr_id is not None:
            if sr is None or sr.case_id != case.id:
                raise NotFound(unavailable("service request"))
            bound = procedure.bind_start(_start_sr(sr))
            if isinstance(bound, str):
                raise DomainError(bound)
            if sr.owner is not None and sr.owner_id != actor.user_id:
                # Only the SR's owner records a run on it (services/run_views.allocated_to): never started or resumed
                # by anyone else, who could then save nothing on it.
                raise DomainError(ALLOCATED_ELSEWHERE.format(number=sr.number, name=sr.owner.display_name))
            watched = {sr_id, *bound.values(), *(child.id for child in sr.children)}
            existing = session.scalar(
                select(ProcedureRun)
                .where(
                    ProcedureRun.status == "in_progress",
                    (ProcedureRun.sr_id == sr_id)
                    | (ProcedureRun.sr_id.in_(watched) & (ProcedureRun.procedure_id == procedure.id)),
                )
                # the same run every time when more than one matches: the SR's own first, then the oldest
                .order_by((ProcedureRun.sr_id == sr_id).desc(), ProcedureRun.created_at, ProcedureRun.id)
                .limit(1)
            )
            if existing is not None:
                # Never another team's run (one on a child SR of an SR handed over): refused as its URL would be.
                check_run(session, actor, existing, action="continue this procedure run")
                return run_view(session, existing, procedure_of(existing), case, viewer=actor.user_id)
            refs = bound
        reason = procedure.can_start(case_facts(case))
        if reason:
            raise DomainError(reason)
        run = ProcedureRun(
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            state=procedure.initial,
            answers={},
            allocated_refs=sorted(refs),
            history=[procedure.initial],
            committed_steps=0,
            case_id=case.id,
            sr_id=refs.get("main", sr_id),
            begun_from_sr_id=origin.id if origin else None,
            team_id=actor.team_id,
            started_by_id=actor.user_id,
            sr_refs=refs,
            recheck=[],
            return_to_summary=False,
        )
        session.add(run)
        session.flush()
        audit.record(
            session,
            actor,
            "run.started",
            entity_type="procedure_run",
            entity_id=run.id,
            case_id=case.id,
            sr_id=origin.id if origin else sr_id,  # on the begun-from SR's timeline too (services/sr_timeline.py)
            after={
                "procedure": procedure.id,
                "version": procedure.version,
                "sr_refs": refs,
                **({"begun_from": origin.number} if origin else {}),
            },
        )
        step_events.record(session, actor, run, case, [], "start")
        return run_view(session, run, procedure, case, viewer=actor.user_id)


def _begun_from(session: Session, actor: Actor, procedure: Procedure, case: Case, sr_id: int) -> ServiceRequest:
    """The SR a run is begun from, once it may be: one of the actor's team's SRs on this case (the refusal and its
    audit are `check_sr`'s, as for working an SR), of a kind this procedure works from the case, and not closed."""
    sr = session.get(ServiceRequest, sr_id)
    if sr is None or sr.case_id != case.id:
        raise NotFound(unavailable("service request"))
    check_sr(session, actor, sr, action="begin a procedure from this SR")
    if FROM_CASE.get((sr.process, sr.area, sr.sub_area)) != procedure.id:
        raise DomainError(f"{procedure.id} is not begun from an SR of this kind ({sr.label}).")
    if sr.status == "Closed":
        raise DomainError(f"SR {sr.number} is closed, so no procedure is begun from it.")
    return sr
