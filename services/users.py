"""User management for administrators (the CLI and the Users page call these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ROLES, Team, User, UserSession
from services import audit, sessions, throttle
from services.access import require_role
from services.actor import Actor
from services.auth import hash_password
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    team: str | None
    is_active: bool
    is_new_caseworker: bool
    locked_until: datetime | None = None  # sign-in locked after repeated failures, until then (list_users only)
    last_active: datetime | None = None  # the latest moment any of their browser sessions was seen (list_users only)


DISPLAY_NAME_MAX = 200  # users.display_name is String(200)
EMAIL_MAX = 254  # users.email is String(254)


def _team(session: Session, name: str | None) -> Team | None:
    if not name:
        return None
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise ValidationFailed({"team": f"There is no team called '{name}'."})
    return team


def create_user(
    session: Session,
    actor: Actor | None,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    team: str | None = None,
    email: str | None = None,
    is_new_caseworker: bool = False,
) -> User:
    """Create a user inside the caller's transaction (used by the CLI, the Users page and demo data)."""
    errors: dict[str, str] = {}
    username = username.strip()
    if not username or len(username) > 100 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        errors["username"] = "Use letters, digits, dots, dashes or underscores (up to 100)."
    elif session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        errors["username"] = f"The username '{username}' is already taken."
    # Checked here, before the database: PostgreSQL would refuse an over-long value only at the commit.
    if len(display_name.strip()) > DISPLAY_NAME_MAX:
        errors["display_name"] = f"Use at most {DISPLAY_NAME_MAX} characters for the display name."
    if email and (len(email) > EMAIL_MAX or "@" not in email):
        errors["email"] = f"Enter an email address like name@example.org (at most {EMAIL_MAX} characters)."
    elif email and session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        # Said at the field, not left to the unique constraint: sign-in with the organisation's account finds a
        # user by email, so two users may not share one, whatever its case.
        errors["email"] = "Another user already has this email address. Each user needs their own."
    if role not in ROLES:
        errors["role"] = f"Choose a role: {', '.join(ROLES)}."
    if role in ("caseworker", "team_leader") and not team:
        errors["team"] = "Caseworkers and team leaders need a team."
    password_hash = None
    if password is not None:
        try:
            password_hash = hash_password(password)
        except ValueError as exc:
            errors["password"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        team=_team(session, team),
        email=(email or None),
        password_hash=password_hash,
        is_new_caseworker=is_new_caseworker,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.created",
        entity_type="user",
        entity_id=user.id,
        after={"username": username, "role": role, "team": team, "email": email},
    )
    return user


def _managed_user(session: Session, actor: Actor | None, username: str) -> User:
    """The user called `username`, once the actor may manage users (None: the command line, a local admin)."""
    if actor is not None:
        require_role(session, actor, "admin", action="manage users")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationFailed({"username": f"There is no user called '{username}'."})
    return user


def add_user(actor: Actor | None, **fields: object) -> UserRow:
    """Create a user; `actor` None means the command line (a local administrator)."""
    with transaction() as session:
        if actor is not None:
            require_role(session, actor, "admin", action="manage users")
        user = create_user(session, actor, **fields)  # type: ignore[arg-type]
        return _row(user)


def list_users(actor: Actor | None) -> list[UserRow]:
    with transaction(read_only=True) as session:
        if actor is not None:
            require_role(session, actor, "admin", action="manage users")
        users = session.scalars(select(User).order_by(User.username)).all()
        locked = throttle.accounts_locked(session)
        last_seen = select(UserSession.user_id, func.max(UserSession.last_seen_at)).group_by(UserSession.user_id)
        seen = {user_id: at for user_id, at in session.execute(last_seen)}
        return [_row(u, locked_until=locked.get(u.id), last_active=seen.get(u.id)) for u in users]


def has_a_way_to_sign_in(actor: Actor | None, username: str) -> bool:
    """Whether the account has a password, or an email organisation sign-in matches: without either, unlocking it
    lets nobody in (QA: Users said "csa.cw2 can sign in now" of a demo colleague with neither). Asks the database
    whether a hash is set; the hash itself is never read here (db/models.py defers it to sign-in)."""
    with transaction(read_only=True) as session:
        if actor is not None:
            require_role(session, actor, "admin", action="manage users")
        found = session.execute(
            select(User.password_hash.is_not(None), User.email).where(User.username == username)
        ).one_or_none()
        return found is not None and (bool(found[0]) or bool(found[1]))


def set_password(actor: Actor | None, username: str, password: str) -> None:
    with transaction() as session:
        user = _managed_user(session, actor, username)
        try:
            user.password_hash = hash_password(password)
        except ValueError as exc:
            raise ValidationFailed({"password": str(exc)}) from None
        sessions.end_all(session, user, reason="password reset")
        audit.record(session, actor, "user.password_set", entity_type="user", entity_id=user.id)


def _not_yourself(actor: Actor | None, user: User, what: str) -> None:
    """An administrator never locks themselves out from the app (QA: the only admin deactivated their own account,
    and nobody could manage users after). Another administrator, or the server's command line, can do it."""
    if actor is not None and actor.user_id == user.id:
        raise DomainError(
            f"You cannot {what} your own account. Ask another administrator, or use the command line on the server."
        )


def set_active(actor: Actor | None, username: str, active: bool) -> bool:
    """Let a user sign in, or stop them (their open sessions end); returns the state set."""
    with transaction() as session:
        user = _managed_user(session, actor, username)
        if not active:
            _not_yourself(actor, user, "deactivate")
        before = {"is_active": user.is_active}
        user.is_active = active
        if not active:
            sessions.end_all(session, user, reason="deactivated")
        audit.record(
            session,
            actor,
            "user.active",
            entity_type="user",
            entity_id=user.id,
            before=before,
            after={"is_active": active},
        )
        return active


def set_role_team(actor: Actor | None, username: str, *, role: str, team: str | None) -> UserRow:
    """Move a user to another role or team; their open sessions end (they sign in again into the new one)."""
    with transaction() as session:
        user = _managed_user(session, actor, username)
        if role not in ROLES:
            raise ValidationFailed({"role": f"Choose a role: {', '.join(ROLES)}."})
        if role != user.role:
            _not_yourself(actor, user, "change the role of")
        if role in ("caseworker", "team_leader") and not team:
            raise ValidationFailed({"team": "Caseworkers and team leaders need a team."})
        before = {"role": user.role, "team": user.team.name if user.team else None}
        user.role, user.team = role, _team(session, team)
        if before != {"role": role, "team": team}:
            sessions.end_all(session, user, reason="role or team changed")
        audit.record(
            session, actor, "user.role_team", entity_type="user", entity_id=user.id, before=before,
            after={"role": role, "team": team},
        )  # fmt: skip
        return _row(user)


def list_teams() -> list[str]:
    with transaction(read_only=True) as session:
        return list(session.scalars(select(Team.name).order_by(Team.name)))


def _row(user: User, *, locked_until: datetime | None = None, last_active: datetime | None = None) -> UserRow:
    return UserRow(
        user.id,
        user.username,
        user.display_name,
        user.email,
        user.role,
        user.team.name if user.team else None,
        user.is_active,
        user.is_new_caseworker,
        locked_until,
        last_active,
    )
