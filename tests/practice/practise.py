"""Walk a practice scenario through the practice service, as the practice page does."""

from __future__ import annotations

from datetime import date
from typing import Any

from procedures import registry
from services import practice
from services.actor import Actor
from services.practice_check import scenario_answers


def continue_practice(actor: Actor, view: practice.PracticeView, items: list[dict[str, Any]]) -> practice.PracticeView:
    """Give each item's answers at the step the run is on, with what the wizard shows prefilled sent as it is,
    confirming where asked."""
    procedure = registry.get(view.run.procedure_id)
    for item in items:
        if view.finished:
            break
        answers = scenario_answers(procedure, {**item, "step": view.run.step.id}, view.today)
        for f in view.run.step.fields:
            if f.name not in answers and f.value is not None:
                answers[f.name] = f.value
        view = practice.submit_step(actor, view.practice_id, answers, expected_version=view.run.version)
        if view.run.awaiting_confirmation:
            view = practice.confirm_step(actor, view.practice_id, expected_version=view.run.version)
    return view


def walk_practice(
    actor: Actor, scenario: dict[str, Any], *, today: date, key: str | None = None
) -> practice.PracticeView:
    """Start a practice run of scenario `key` (default: this scenario's) and give `scenario`'s answers, step by
    step. `today` is unused: the practice run's own calendar decides."""
    del today
    return continue_practice(actor, practice.start_practice(actor, key or scenario["key"]), scenario["walk"])
