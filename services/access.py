"""Who may see and do what. Every service function asks here; pages only hide what this refuses.

Rules (one test each in tests/integration/test_access.py):
- caseworkers and team leaders see and act on their own team's cases and SRs only;
- a sensitive case (Special Client Records) shows any other team only that requests go through
  the owning team;
- policy staff see no case data at all; admin manages users but not cases;
- only a team leader reassigns, and only within their team;
- the actor itself is re-checked against the users table in every transaction that asks here
  (`check_actor`): a deactivated user, a password reset, or a role or team change since sign-in ends
  the session (SessionEnded) instead of acting on a stale snapshot.
A refusal discards anything pending in the caller's session, then commits only the audit row,
so the attempt is on record even though the caller's transaction then rolls back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from db.models import Case, ProcedureRun, ServiceRequest, User
from services import audit
from services.actor import Actor
from services.errors import PermissionDenied, SessionEnded
from services.transaction import transaction

SESSION_ENDED = (
    "Your access has changed or ended since you signed in, so you have been signed out and nothing more was "
    "done. Sign in again; if you cannot, ask your team leader or an administrator."
)
_CHECKED = "actor_checked"
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


def unavailable(what: str) -> str:
    """The refusal for another team's record and for one that does not exist: the same words, so the
    answer confirms nothing about a number or SCIN someone tries (the audit trail still names it)."""
    return f"You cannot open that {what}: it does not exist, or it is not your team's."


def still_current(user: User | None, actor: Actor) -> bool:
    """Is `actor` (a snapshot taken at sign-in) still what the users table says about that user?"""
    return (
        user is not None
        and user.is_active
        and user.role == actor.role
        and user.team_id == actor.team_id
        and (user.session_generation or 0) == actor.generation
    )


def check_actor(session: Session, actor: Actor) -> None:
    """Refuse, audited, an actor whose account was deactivated, reset or moved since the snapshot was taken.

    Once per transaction (the user row is then in the session's identity map anyway); every other check
    here starts with it, so every service call that asks about access asks this first.
    """
    if session.info.get(_CHECKED) == actor:
        return
    if not still_current(session.get(User, actor.user_id), actor):
        session.rollback()
        audit.record(
            session,
            actor,
            "refused",
            entity_type="user",
            entity_id=actor.user_id,
            after={"attempted": "act with an ended session", "reason": SESSION_ENDED},
        )
        session.commit()
        raise SessionEnded(SESSION_ENDED)
    session.info[_CHECKED] = actor


def refuse_page(actor: Actor, page: str) -> PermissionDenied:
    """A signed-in user opened a page their role does not have (a typed URL): audit it and refuse."""

    with transaction() as session:
        return refuse(
            session,
            actor,
            "You do not have access to that page.",
            entity_type="page",
            entity_id=page,
            action=f"open {page}",
        )


def require_role(session: Session, actor: Actor, *roles: str, action: str) -> None:
    check_actor(session, actor)
    if actor.role not in roles:
        raise refuse(
            session,
            actor,
            f"Your role ({actor.role.replace('_', ' ')}) cannot {action}.",
            entity_type="user",
            entity_id=actor.user_id,
            action=action,
        )


def _check_team(
    session: Session,
    actor: Actor,
    *,
    team_id: int | None,
    case: Callable[[], Case],
    what: str,
    entity_type: str,
    entity_id: object,
    action: str,
) -> None:
    """Refuse unless the actor works cases in the record's team. Another team hears that the record is
    unavailable, or, for a sensitive case, that requests go through the owning team (`case` is read only then)."""
    check_actor(session, actor)
    if not actor.works_cases:
        message = "Your role has no access to case data."
    elif team_id != actor.team_id:
        message = SENSITIVE_REFUSAL if case().sensitive else unavailable(what)
    else:
        return
    raise refuse(session, actor, message, entity_type=entity_type, entity_id=entity_id, action=action)


def check_case(session: Session, actor: Actor, case: Case, *, action: str = "view this case") -> None:
    """Refuse unless the actor works cases in the team that owns this case."""
    _check_team(
        session,
        actor,
        team_id=case.team_id,
        case=lambda: case,
        what="case",
        entity_type="case",
        entity_id=case.id,
        action=action,
    )


def check_sr(
    session: Session,
    actor: Actor,
    sr: ServiceRequest,
    *,
    action: str = "view this service request",
    what: str = "service request",
) -> None:
    """Refuse unless the actor works cases in the SR's team; `what` names the record asked for (an email,
    a file) so the refusal reads the same as that record's "does not exist"."""
    _check_team(
        session,
        actor,
        team_id=sr.team_id,
        case=lambda: sr.case,
        what=what,
        entity_type="service_request",
        entity_id=sr.id,
        action=action,
    )


def check_run(session: Session, actor: Actor, run: ProcedureRun, *, action: str = "open this procedure run") -> None:
    """Refuse unless the actor works cases in the run's team; same wording rules as for SRs."""
    _check_team(
        session,
        actor,
        team_id=run.team_id,
        case=lambda: run.case,
        what="procedure run",
        entity_type="procedure_run",
        entity_id=run.id,
        action=action,
    )
