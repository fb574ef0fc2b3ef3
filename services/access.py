"""Who may see and do what. Every service function asks here; pages only hide what this refuses.

Rules (one test each in tests/integration/test_access.py):
- caseworkers and team leaders see and act on their own team's cases and SRs only;
- a sensitive case (Special Client Records) shows any other team only that requests go through
  the owning team;
- policy staff see no case data at all; admin manages users but not cases;
- only a team leader reassigns, and only within their team.
A refusal discards anything pending in the caller's session, then commits only the audit row,
so the attempt is on record even though the caller's transaction then rolls back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Case, ProcedureRun, ServiceRequest
from services import audit
from services.actor import Actor
from services.errors import PermissionDenied

SENSITIVE_REFUSAL = (
    "This case is held by Special Client Records. Send your request for information through "
    "the CM 2012 SCHEME Special Client Records team; their caseworkers will obtain it."
)


def refuse(
    session: Session, actor: Actor | None, message: str, *, entity_type: str, entity_id: object, action: str
) -> PermissionDenied:
    """Roll back what is pending, commit an audit row for the attempt, return the error to raise."""
    session.rollback()
    audit.record(
        session,
        actor,
        "refused",
        entity_type=entity_type,
        entity_id=entity_id,
        after={"attempted": action, "reason": message},
    )
    session.commit()
    return PermissionDenied(message)


def refuse_page(actor: Actor, page: str) -> PermissionDenied:
    """A signed-in user opened a page their role does not have (a typed URL): audit it and refuse."""
    from services.transaction import transaction

    with transaction() as session:
        return refuse(
            session,
            actor,
            "Your role does not have access to this page.",
            entity_type="page",
            entity_id=page,
            action=f"open {page}",
        )


def require_role(session: Session, actor: Actor, *roles: str, action: str) -> None:
    if actor.role not in roles:
        raise refuse(
            session,
            actor,
            f"Your role ({actor.role.replace('_', ' ')}) cannot {action}.",
            entity_type="user",
            entity_id=actor.user_id,
            action=action,
        )


def check_case(session: Session, actor: Actor, case: Case, *, action: str = "view this case") -> None:
    """Refuse unless the actor works cases in the team that owns this case."""
    if not actor.works_cases:
        raise refuse(
            session,
            actor,
            "Your role has no access to case data.",
            entity_type="case",
            entity_id=case.id,
            action=action,
        )
    if case.team_id != actor.team_id:
        message = (
            SENSITIVE_REFUSAL if case.sensitive else "This case belongs to another team; you cannot " + action + "."
        )
        raise refuse(session, actor, message, entity_type="case", entity_id=case.id, action=action)


def check_sr(session: Session, actor: Actor, sr: ServiceRequest, *, action: str = "view this service request") -> None:
    if not actor.works_cases:
        raise refuse(
            session,
            actor,
            "Your role has no access to case data.",
            entity_type="service_request",
            entity_id=sr.id,
            action=action,
        )
    if sr.team_id != actor.team_id:
        message = (
            SENSITIVE_REFUSAL
            if sr.case.sensitive
            else (f"Service request {sr.number} belongs to another team; you cannot {action}.")
        )
        raise refuse(session, actor, message, entity_type="service_request", entity_id=sr.id, action=action)


def check_run(session: Session, actor: Actor, run: ProcedureRun, *, action: str = "open this procedure run") -> None:
    """Refuse unless the actor works cases in the run's team; same wording rules as for SRs."""
    if not actor.works_cases:
        message = "Your role has no access to case data."
    elif run.team_id != actor.team_id:
        message = (
            SENSITIVE_REFUSAL
            if run.case.sensitive
            else "This procedure run belongs to another team; you cannot " + action + "."
        )
    else:
        return
    raise refuse(session, actor, message, entity_type="procedure_run", entity_id=run.id, action=action)
