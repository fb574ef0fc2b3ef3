"""What each caseworker has practised: their own practice runs, and for a team leader the team's record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import PracticeRun, User
from procedures import registry
from services.access import require_role
from services.actor import Actor
from services.practice_store import PRACTISING_ROLES
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class RecordRow:
    caseworker: str
    procedure_id: str
    practised: int
    passed: int


def my_practice(actor: Actor) -> list[tuple[str, str, str, bool | None]]:
    """(practice id, scenario title, status, passed) of the actor's practice runs, newest first."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *PRACTISING_ROLES, action="practise procedures")
        rows = session.scalars(
            select(PracticeRun).where(PracticeRun.user_id == actor.user_id).order_by(PracticeRun.created_at.desc())
        ).all()
        return [(r.id, str(r.scenario.get("title", r.scenario_key)), r.status, r.passed) for r in rows]


def practice_record(actor: Actor) -> list[RecordRow]:
    """Per caseworker of the team leader's team and procedure: how many practice runs finished, how many passed."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "team_leader", action="see the team's practice record")
        people = session.scalars(
            select(User).where(User.team_id == actor.team_id, User.role == "caseworker").order_by(User.display_name)
        ).all()
        rows = session.scalars(
            select(PracticeRun).where(PracticeRun.team_id == actor.team_id, PracticeRun.status == "finished")
        ).all()
        out = []
        for person in people:
            mine = [r for r in rows if r.user_id == person.id]
            for procedure in registry.latest():
                runs = [r for r in mine if r.procedure_id == procedure.id]
                if runs:
                    out.append(
                        RecordRow(person.display_name, procedure.id, len(runs), sum(1 for r in runs if r.passed))
                    )
        return out
