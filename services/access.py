"""Who may see and do what. Every service function asks here; pages only hide what this refuses.

Rules (one test each in tests/integration/test_access.py):
- caseworkers and team leaders see and act on their own team's cases and SRs only;
- a sensitive case (Special Client Records) shows any other team only that requests go through
  the owning team;
- policy staff see no case data at all; admin manages users but not cases;
- only a team leader reassigns, and only within their team;
- only a team leader hands an SR over to another team, and only their own team's SRs (services/console/handover.py);
- a team that holds an SR on another team's case works the case as far as that SR needs, and no further
  (`check_case_for_sr`): it starts and works a procedure on that SR, and reads the case's banner and facts there.
  Starting a procedure on the case without an SR the team holds, the case finder and the case's page stay the
  case's own team's; a team holding no SR on the case gets nothing; another team's sensitive case still shows only
  that requests go through Special Client Records. What follows which team (decided 7 December, sixth session, when
  SRs could first be handed over; the narrowest that lets the receiving team work the SR):
  an SR and everything on it (`check_sr`: SR detail, notes, letters, files, emails, deadlines) follow the SR's team,
  so the giving team loses them with the SR; a run follows the team that started it (`check_run`: the wizard, its
  banner and facts, its letters); the case (`check_case`) stays with the case's team, widened only by
  `check_case_for_sr`, which run_start.start_run asks when a procedure is started on an SR;
- the case's Contact Notes are the case's, not their SR's (services/contact_notes.py, 7 December, seventh session):
  the case's team reads them all on the case page (`check_case`), whichever team holds the SR each was written on;
  an SR's own notes stay with the SR's team;
- a page links to an SR's page or a case's page only where these rules open it (`opens_sr_page`, `reads_case`,
  asked without refusing or auditing), so a link never leads to a refusal;
- the actor itself is re-checked against the users table in every transaction that asks here
  (`check_actor`): a deactivated user, a password reset, or a role or team change since sign-in ends
  the session (SessionEnded) instead of acting on a stale snapshot; so does a browser session signed out
  in another tab or server, or idle past the limit, when the actor carries one (`Actor.session`).
A refusal discards anything pending in the caller's session, then commits only the audit row,
so the attempt is on record even though the caller's transaction then rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.engine import READ_ONLY
from db.models import Case, ProcedureRun, ServiceRequest, User, UserSession
from domain.clock import utcnow
from services import audit
from services.actor import Actor
from services.errors import PermissionDenied, SessionEnded
from services.session_rules import IDLE_MESSAGE, heartbeat_due, is_idle, revoke
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


# What check_actor reads of the browser session an actor acts in.
_SIGNED_IN = select(UserSession).where(UserSession.token_hash == bindparam("token_hash"))
# The user's row with that session's beside it (NULLs when there is no such session), in one statement.
_USER_AND_SESSION = (
    select(User, UserSession)
    .outerjoin(UserSession, UserSession.token_hash == bindparam("token_hash"))
    .where(User.id == bindparam("user_id"))
)
UNREAD: Any = object()  # check_actor's `signed_in` when the caller did not load the session row


def user_and_session(session: Session, user_id: int, token_hash: str | None) -> tuple[User | None, UserSession | None]:
    """The user's row and the browser session's (by its token's hash; None without one), which every check of a
    signed-in user reads: one statement for both, where each was a statement of its own (a page view's check and
    each service call's). The session row is read on its own only when the user's row is missing, a path that
    then revokes it."""
    if token_hash is None:
        return session.get(User, user_id), None
    found = session.execute(_USER_AND_SESSION, {"user_id": user_id, "token_hash": token_hash}).one_or_none()
    if found is None:
        return None, session.scalar(_SIGNED_IN, {"token_hash": token_hash})
    return found[0], found[1]


# The actor whose user and browser session a service call last checked in this thread (set by check_actor when
# nothing is left for the page's own check to do), for a page calling a service from a button's callback: the
# run that follows need not check the same session again (ui/actions.py). A read-only call that found the
# session's heartbeat due, which it cannot write, leaves it unset.
VERIFIED: ContextVar[Actor | None] = ContextVar("actor_verified", default=None)


def check_actor(session: Session, actor: Actor, *, signed_in: UserSession | None = UNREAD) -> None:
    """Refuse, audited, an actor whose account was deactivated, reset or moved since the snapshot was taken,
    or whose browser session (`actor.session`) was signed out elsewhere or left idle past the limit.

    Once per transaction (the user row is then in the session's identity map anyway); every other check
    here starts with it, so every service call that asks about access asks this first. `signed_in` is the
    session row when the caller loaded it with its own statement (services/run_context.py's run load).
    A writing transaction also moves the session's last-seen time when its heartbeat is due.
    """
    if session.info.get(_CHECKED) == actor:
        return
    now = utcnow()
    if signed_in is UNREAD:
        user, signed_in = user_and_session(session, actor.user_id, actor.session)
    else:
        user = session.get(User, actor.user_id)  # loaded with the session row (services/run_context.py)
    reason = None if still_current(user, actor) else "access ended"
    row: UserSession | None = None
    if reason is None and actor.session is not None:
        row = signed_in
        if row is None or row.revoked_at is not None or row.user_id != actor.user_id:
            reason = "session ended"
        elif is_idle(row, now):
            reason = "idle timeout"
    if reason is not None:
        _refuse_ended(session, actor, reason, now)
    verified = True
    if row is not None and heartbeat_due(row, now):
        if session.connection().get_execution_options().get(READ_ONLY):
            verified = False  # the page's own check writes it
        else:
            row.last_seen_at = now
            session.info.setdefault("unaudited", "session heartbeat")  # not a change of record
    session.info[_CHECKED] = actor
    if verified:
        VERIFIED.set(actor)


def _refuse_ended(session: Session, actor: Actor, reason: str, now: datetime) -> NoReturn:
    """Discard what is pending, end the actor's browser session if it is still open (or audit the refusal), commit
    that alone, and raise SessionEnded with the words for the reason."""
    session.rollback()
    row = session.scalar(_SIGNED_IN, {"token_hash": actor.session}) if actor.session else None
    if row is not None and row.revoked_at is None and row.user_id == actor.user_id:
        revoke(session, row, actor, reason, now)
    else:
        audit.record(
            session,
            actor,
            "refused",
            entity_type="user",
            entity_id=actor.user_id,
            after={"attempted": "act with an ended session", "reason": SESSION_ENDED},
        )
    session.commit()
    raise SessionEnded(IDLE_MESSAGE if reason == "idle timeout" else SESSION_ENDED)


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


SR_PAGE_ROLE = "team_leader"  # the SR page (pages/sr_detail.py) is team leaders' only (ui/roles.py)


def opens_sr_page(actor: Actor, sr_team_id: int | None) -> bool:
    """Whether the actor may open the page of an SR held by this team: it is team leaders' (ui/roles.py), and shows
    their own team's SRs only (`check_sr`)."""
    return actor.role == SR_PAGE_ROLE and sr_team_id is not None and sr_team_id == actor.team_id


def reads_case(actor: Actor, case_team_id: int) -> bool:
    """Whether `check_case` lets the actor read a case held by this team (a sensitive one included: it is theirs)."""
    return actor.works_cases and case_team_id == actor.team_id


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


def check_case_for_sr(
    session: Session, actor: Actor, case: Case, sr: ServiceRequest, *, action: str = "work this SR"
) -> None:
    """Refuse unless the actor may work `sr` on `case`: the SR is the actor's team's (`check_sr`), and the case is
    the team's too, or it is not sensitive and `sr` is on it (the team holds an SR handed over from the case's team).

    A sensitive case keeps its rule: another team hears only that requests go through Special Client Records."""
    check_sr(session, actor, sr, action=action)
    if sr.case_id == case.id and not case.sensitive:
        return  # the actor's team holds this SR on the case: they work the case as far as the SR needs
    check_case(session, actor, case, action=action)


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
