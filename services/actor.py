"""Who is acting: the signed-in user as the service layer sees them."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import User

CASE_ROLES = ("caseworker", "team_leader")


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    # The user's session generation when this actor was made: a later password reset, deactivation or
    # role or team change bumps the user's, and services/access.py then refuses this actor.
    generation: int = 0
    # The signed-in browser session this actor acts in (its token's sha256; services/session_rules.py), or None
    # (a command-line task, a test). With one, every service call checks that session too (services/access.py):
    # a click in a tab signed out elsewhere, or left idle past the limit, does nothing.
    session: str | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.display_name, user.role, user.team_id, user.session_generation or 0)

    @property
    def works_cases(self) -> bool:
        return self.role in CASE_ROLES
