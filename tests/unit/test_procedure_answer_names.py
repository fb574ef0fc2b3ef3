"""The answers a step names (`depends_on`, a field's `when`) are checked when the procedure is defined."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from procedures import registry


def _with_step(procedure, step_id, step):
    return dataclasses.replace(procedure, steps={**procedure.steps, step_id: step})


def test_a_step_depending_on_an_answer_no_step_asks_for_is_refused_when_the_procedure_is_defined():
    p1 = registry.get("P1")
    step_id, step = next((sid, s) for sid, s in p1.steps.items() if s.depends_on)
    misspelt = dataclasses.replace(step, depends_on=(*step.depends_on, "query_reasn"))
    with pytest.raises(ValueError, match=f"P1: step {step_id} names answers no step asks for: query_reasn"):
        _with_step(p1, step_id, misspelt)


def test_a_field_shown_when_an_answer_no_step_asks_for_is_refused_when_the_procedure_is_defined():
    procedure = next(p for p in registry.latest() if any(f.when for s in p.steps.values() for f in s.fields))
    declared = Counter(f.name for s in procedure.steps.values() for f in s.fields)
    step_id, step, shown = next(
        (sid, s, f) for sid, s in procedure.steps.items() for f in s.fields if f.when and declared[f.name] == 1
    )
    fields = tuple(dataclasses.replace(f, when=("no_such_answer", True)) if f is shown else f for f in step.fields)
    with pytest.raises(ValueError, match=f"step {step_id} names answers no step asks for: no_such_answer"):
        _with_step(procedure, step_id, dataclasses.replace(step, fields=fields))
