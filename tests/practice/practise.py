"""Walk a practice scenario through the practice service, as the practice page does."""

from __future__ import annotations

from datetime import date
from typing import Any

from procedures import registry
from services import practice
from services.actor import Actor
from services.practice_engine import scenario_answers


def walk_practice(
    actor: Actor, scenario: dict[str, Any], *, today: date, wrong: dict[int, dict[str, Any]] | None = None
):
    """Start a practice run and give the scenario's expected answers (or `wrong[i]` at walk item i) to the end."""
    procedure = registry.get(scenario["procedure"])
    view = practice.start_practice(actor, scenario["key"])
    for index, item in enumerate(scenario["walk"]):
        if view.finished:
            break
        answers = scenario_answers(procedure, {**item, "step": view.run.step.id}, today)
        for f in procedure.steps[view.run.step.id].fields:  # what the wizard shows prefilled, sent as it is
            if f.default_fact and f.name not in answers:
                answers[f.name] = next(v.value for v in view.run.step.fields if v.name == f.name)
        if wrong and index in wrong:
            answers |= wrong[index]
        view = practice.submit_step(actor, view.practice_id, answers, expected_version=view.run.version)
        if view.run.awaiting_confirmation:
            view = practice.confirm_step(actor, view.practice_id, expected_version=view.run.version)
    return view
