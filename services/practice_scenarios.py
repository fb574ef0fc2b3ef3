"""Practice scenarios as policy staff and caseworkers see them: the list to practise, and edits checked against
the procedure (a path the machine does not allow is refused, naming the step where it breaks)."""

from __future__ import annotations

from typing import Any

from db.models import PracticeScenario
from procedures import registry
from services import audit
from services import reference as reference_values
from services.access import require_role
from services.actor import Actor
from services.errors import ValidationFailed
from services.practice_check import ScenarioBroken, walk_scenario
from services.practice_store import PRACTISING_ROLES, ScenarioInfo, all_scenarios, info, may_practise, today
from services.transaction import transaction


def scenarios_for(actor: Actor) -> list[ScenarioInfo]:
    """Every scenario of every procedure this actor may practise."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *PRACTISING_ROLES, action="practise procedures")
        allowed = {p.id for p in registry.latest() if may_practise(actor, p)}
        return [info(s) for s in all_scenarios(session).values() if s["procedure"] in allowed]


def _at_inputs(broken: ScenarioBroken) -> dict[str, str]:
    """Where the form shows a broken path: the whole message for the path, again at the step row where it breaks,
    and each answer the procedure refused there at its own input."""
    errors = {"walk": broken.message}
    if broken.position is not None:
        errors[f"walk.{broken.position}.step"] = broken.message
        errors |= {f"walk.{broken.position}.{name}": message for name, message in broken.fields.items()}
    return errors


def save_scenario(actor: Actor, scenario: dict[str, Any], *, replaces: str | None = None) -> ScenarioInfo:
    """Add a scenario, or edit the one whose key is `replaces`; refused, with the step where it breaks, unless its
    expected path walks the machine.

    A key another scenario has (in any capitals) is refused at the reference unless that scenario is the one being
    edited (QA: a new scenario, or one opened as a copy, given "P1-1" replaced P1-1's main path without a word).
    """
    with transaction() as session:
        require_role(session, actor, "policy", action="edit practice scenarios")
        for name in ("key", "procedure", "title", "walk"):
            if not scenario.get(name):
                raise ValidationFailed({name: f"A scenario needs a {name}."})
        in_force = all_scenarios(session)
        key = scenario["key"]
        taken = next((k for k in in_force if k.casefold() == key.casefold() and not k == key == replaces), None)
        if taken is not None:
            raise ValidationFailed({"key": _key_taken(taken, in_force[taken])})
        try:
            walk_scenario(scenario, today=today(), reference=reference_values.current(session))
        except ScenarioBroken as exc:
            raise ValidationFailed(_at_inputs(exc)) from None
        session.add(
            PracticeScenario(
                key=scenario["key"], procedure_id=scenario["procedure"], data=scenario, changed_by_id=actor.user_id
            )
        )
        audit.record(
            session,
            actor,
            "practice.scenario_saved",
            entity_type="practice_scenario",
            entity_id=scenario["key"],
            after={"procedure": scenario["procedure"], "title": scenario["title"]},
        )
        return info(scenario)


def _key_taken(key: str, other: dict[str, Any]) -> str:
    return (
        f"{key} is already the reference of '{other['title']}' ({other['procedure']}): give this scenario another "
        f"reference, or choose {key} under 'Start from' to edit that one."
    )


def scenarios_for_editing(actor: Actor) -> dict[str, dict[str, Any]]:
    """Every scenario in force, by key, as the data policy staff edit."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="edit practice scenarios")
        return all_scenarios(session)
