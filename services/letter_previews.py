"""The letters a step is about to record, rendered with this run's values, for "check your answers".

The step asks the caseworker to review the letter before it goes; until now the letter existed only after
the step was saved. This renders each pending letter as the save would record it (the active template, the
run's answers and the case's facts), without writing anything. Where the SR that will carry the letter is
created by this very step, its number is not known yet and the preview says so in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.models import ServiceRequest
from letters import catalogue
from letters.fields import ContextError
from letters.render import render, to_html
from procedures.effects import ACTOR_NAME, SR_NUMBER, LetterDue
from services.actor import Actor
from services.letter_rendering import active_template, json_context  # the template and values the save uses
from services.run_context import load_run, step_context, step_effects  # the effects confirm_step will apply
from services.transaction import transaction

NEW_SR = "(the new SR's number, given when you save)"


@dataclass(frozen=True, slots=True)
class PendingLetter:
    code: str
    title: str
    recipient: str
    html: str | None
    problem: str | None  # why it cannot be previewed (the save would refuse it with the same words)


def _fill(value: Any, sr_number: str, actor_name: str) -> Any:
    if isinstance(value, str):
        return value.replace(SR_NUMBER, sr_number).replace(ACTOR_NAME, actor_name)
    if isinstance(value, dict):
        return {k: _fill(v, sr_number, actor_name) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_fill(v, sr_number, actor_name) for v in value)
    return value


def pending_letters(actor: Actor, run_id: str) -> list[PendingLetter]:
    """Each letter the step waiting for confirmation will record, rendered as HTML with this run's values."""
    with transaction() as session:
        run, procedure, case = load_run(session, actor, run_id, "read this procedure run")
        if run.status != "in_progress" or run.pending_step != run.state:
            return []
        effects = step_effects(procedure.steps[run.state], step_context(procedure, run, case))
        previews = []
        for effect in effects:
            if not isinstance(effect, LetterDue):
                continue
            spec = catalogue.get(effect.code)
            sr_id = run.sr_refs.get(effect.ref)
            sr = session.get(ServiceRequest, sr_id) if sr_id is not None else None
            context = _fill(effect.context, sr.number if sr else NEW_SR, actor.display_name)
            _, template = active_template(session, spec.code)
            try:
                html: str | None = to_html(render(spec, json_context(context), template).content)
                problem = None
            except ContextError as exc:
                html, problem = None, "; ".join(f"{name}: {message}" for name, message in exc.problems.items())
            previews.append(PendingLetter(spec.code, spec.title, effect.recipient.replace("_", " "), html, problem))
        return previews
