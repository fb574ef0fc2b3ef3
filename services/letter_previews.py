"""The letters a step is about to record, rendered with this run's values, for "check your answers".

The step asks the caseworker to review the letter before it goes; until now the letter existed only after
the step was saved. This renders each pending letter as the save would record it (the active template, the
run's answers and the case's facts), without writing anything. Where the SR that will carry the letter is
created by this very step, its number is not known yet and the preview says so in its place.

A practice run's check your answers previews its letters too (`pending_practice_letters`), rendered as its
watermarked download is, from the fictional case: a new caseworker learns to read the letter before saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from db.models import ServiceRequest
from letters import catalogue
from letters.catalogue import TemplateSpec, recipient_words
from letters.fields import ContextError
from letters.render import render, to_html
from procedures.effects import ACTOR_NAME, SR_NUMBER, LetterDue
from services import practice_store
from services.actor import Actor
from services.letter_contact import not_set_notice, with_contact
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
    notice: str | None = None  # our contact details are not set (services.letter_contact.not_set_notice)


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
    with transaction(read_only=True) as session:
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
            previews.append(_preview(spec, effect.recipient, with_contact(spec, json_context(context)), template))
        return previews


def _preview(spec: TemplateSpec, recipient: str, context: Mapping[str, Any], template: bytes | None) -> PendingLetter:
    """The letter as HTML, or why it cannot be made (the save would refuse it in the same words)."""
    to = recipient_words(recipient, article=False)
    notice = not_set_notice(spec)
    try:
        html = to_html(render(spec, context, template).content)
        return PendingLetter(spec.code, spec.title, to, html, None, notice)
    except ContextError as exc:
        problem = "; ".join(f"{name}: {message}" for name, message in exc.problems.items())
        return PendingLetter(spec.code, spec.title, to, None, problem)


def pending_practice_letters(actor: Actor, practice_id: str) -> list[PendingLetter]:
    """As `pending_letters`, for a practice run: each letter its confirmation would record, from the fictional
    case's values and the built-in template (as the practice download renders it); nothing is written."""
    with transaction(read_only=True) as session:
        row = practice_store.load_run(session, actor, practice_id)
        due = practice_store.sim_of(session, actor, row).letters_due()
    return [
        _preview(spec, item["recipient"], with_contact(spec, item["context"]), None)
        for item in due
        for spec in (catalogue.get(item["code"]),)
    ]
