"""A practice run's row and the scenarios in force: what every practice use case reads first.

Isolation: a practice run lives in `practice_runs` only (see db.models.PracticeRun for why a table of its own).
It is driven by services/practice_sim.py through the real run code, so the wizard, the machine, validation
and the CMS lines are the real ones, but no case, SR, SR number, letter, deadline, task, email or file is
written. The only shared table is the audit trail, where every practice event is `practice.*` with the
entity type `practice_run` and no case or SR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PracticeRun, PracticeScenario
from domain.clock import uk_local, utcnow
from procedures.definition import Procedure
from procedures.scenarios import builtin
from services import reference as reference_values
from services.access import check_actor, refuse, unavailable
from services.actor import Actor
from services.errors import NotFound
from services.practice_sim import Sim

PRACTISING_ROLES = ("caseworker", "team_leader")


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    key: str
    procedure_id: str
    title: str
    summary: str


def today() -> date:
    return uk_local(utcnow()).date()


def all_scenarios(session: Session) -> dict[str, dict[str, Any]]:
    """The built-in scenarios, with policy staff's additions and edits (the latest row of a key) over them."""
    found = dict(builtin())
    for row in session.scalars(select(PracticeScenario).order_by(PracticeScenario.id)):
        found[row.key] = dict(row.data)
    return found


def info(scenario: dict[str, Any]) -> ScenarioInfo:
    return ScenarioInfo(scenario["key"], scenario["procedure"], scenario["title"], scenario.get("summary", ""))


def may_practise(actor: Actor, procedure: Procedure) -> bool:
    """A caseworker practises what they may run; a team leader what their caseworkers run."""
    return actor.role in procedure.roles or (actor.role == "team_leader" and "caseworker" in procedure.roles)


def load_run(session: Session, actor: Actor, practice_id: str) -> PracticeRun:
    check_actor(session, actor)
    row = session.get(PracticeRun, practice_id)
    if row is None:
        raise NotFound(unavailable("practice run"))
    if row.user_id != actor.user_id:  # a practice run is its caseworker's own; the attempt is audited
        raise refuse(
            session,
            actor,
            unavailable("practice run"),
            entity_type="practice_run",
            entity_id=row.id,
            action="open another person's practice run",
        )
    return row


def sim_of(session: Session, actor: Actor, row: PracticeRun) -> Sim:
    sim = Sim.load(
        row.sim,
        row.scenario,
        reference_no=row.reference,
        team_id=row.team_id,
        actor_name=actor.display_name,
        today=uk_local(row.created_at).date(),
        version=row.version,
        reference=reference_values.current(session),
    )
    sim.run.id = row.id
    return sim


def log_event(row: PracticeRun, event: str, **data: Any) -> None:
    row.log = [*row.log, {"at": utcnow().isoformat(), "event": event, **data}]
