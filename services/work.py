"""Lists of work: a caseworker's own SRs and runs, a case looked up by SCIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from db.models import Case, ProcedureRun, ServiceRequest
from domain.values import parse_scin
from procedures import registry
from services.access import check_case, require_role, unavailable
from services.actor import Actor
from services.errors import NotFound, ValidationFailed
from services.transaction import transaction
from services.views import CaseBanner, SRRow


@dataclass(frozen=True, slots=True)
class RunRow:
    id: str
    procedure_id: str
    state: str
    step_title: str
    scin: str
    sr_number: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MyWork:
    service_requests: list[SRRow]
    runs: list[RunRow]


def my_work(actor: Actor, *, limit: int = 200) -> MyWork:
    """The SRs allocated to the actor that are not closed, and their procedure runs in progress."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="see casework")
        srs = session.scalars(
            select(ServiceRequest)
            .options(joinedload(ServiceRequest.case), joinedload(ServiceRequest.owner))
            .where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.status != "Closed",
                ServiceRequest.team_id == actor.team_id,
            )
            .order_by(ServiceRequest.created_at)
            .limit(limit)
        ).all()
        runs = session.scalars(
            select(ProcedureRun)
            .options(joinedload(ProcedureRun.case), joinedload(ProcedureRun.service_request))
            .where(
                ProcedureRun.started_by_id == actor.user_id,
                ProcedureRun.status == "in_progress",
                ProcedureRun.team_id == actor.team_id,
            )
            .order_by(ProcedureRun.updated_at.desc())
        ).all()
        return MyWork(
            [SRRow.of(sr) for sr in srs],
            [
                RunRow(
                    r.id,
                    r.procedure_id,
                    r.state,
                    _step_title(r),
                    r.case.scin,
                    r.service_request.number if r.service_request else None,
                    r.updated_at,
                )
                for r in runs
            ],
        )


def _step_title(run: ProcedureRun) -> str:
    try:
        return registry.get(run.procedure_id, run.procedure_version).steps[run.state].title
    except (registry.UnknownProcedure, KeyError):
        return run.state


def find_case(actor: Actor, scin: str) -> CaseBanner:
    """Look a case up by SCIN; another team's case, or a sensitive one, is refused with the reason."""
    try:
        scin = parse_scin(scin)
    except ValueError as exc:
        raise ValidationFailed({"scin": str(exc)}) from None
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="look up cases")
        case = session.scalar(select(Case).where(Case.scin == scin))
        if case is None:
            raise NotFound(unavailable("case"))
        check_case(session, actor, case)
        return CaseBanner.of(case)
