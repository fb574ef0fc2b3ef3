"""Check the letters and forms a step will record before its answers are saved, and name the field at fault.

A step's letter values come from the caseworker's answers (a visit reason typed as free text becomes
CMSF5579's and CMSL5501's `other_details`). The template refuses a bad value (an old term, text too
long) only when the letter is recorded, at "Confirm and save", in the template's own words. Checked
here on submit instead, each problem is put on the input the caseworker typed it into, with that
input's label, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from letters import catalogue
from letters.fields import MISSING, UNKNOWN, ContextError
from procedures.definition import Procedure, Step
from procedures.effects import Effect, LetterDue, QueueEmail, StoreBundle

_TYPED = ("text", "long_text")


def _documents(effects: list[Effect]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for effect in effects:
        if isinstance(effect, LetterDue):
            yield effect.code, effect.context
        elif isinstance(effect, StoreBundle | QueueEmail):
            yield from effect.documents


def _source(procedure: Procedure, step: Step, answers: Mapping[str, Any], value: Any) -> tuple[str, str] | None:
    """(field name, label) of the typed answer the value came from: this step's inputs first, then earlier ones."""
    if not isinstance(value, str) or not value.strip():
        return None
    own = [f for f in step.fields if f.kind in _TYPED]
    others = [f for f in procedure.field_index.values() if f.kind in _TYPED and f not in own]
    for f in (*own, *others):
        answer = answers.get(f.name)
        if isinstance(answer, str) and answer.strip() and answer.strip() in value:
            return f.name, f.label
    return None


def problems(procedure: Procedure, step: Step, answers: Mapping[str, Any], effects: list[Effect]) -> dict[str, str]:
    """Every refused letter value as {field name: message}, on the input it came from where there is one."""
    errors: dict[str, str] = {}
    for code, context in _documents(effects):
        try:
            catalogue.validate_context(code, context)
        except ContextError as exc:
            for name, message in exc.problems.items():
                if message in (MISSING, UNKNOWN):
                    continue  # a contract fault of the product, not of the caseworker's answer
                source = _source(procedure, step, answers, context.get(name))
                if source is None:
                    errors.setdefault("_letters", f"{catalogue.get(code).field(name).label} in {code}: {message}")
                elif source[0] in {f.name for f in step.fields}:
                    errors.setdefault(source[0], f"{source[1]}: {message[0].lower()}{message[1:]}")
                else:
                    errors.setdefault("_letters", f"{source[1]} (an earlier answer): {message}")
        except KeyError:
            continue
    return errors
