"""A note built from what the caseworker typed says so (`AddNote.typed`), and a note of fixed words does not.

Why: a typed note waits for "check your answers", where it is shown as it will go on the SR (procedures/effects.py,
`AddNote.typed`); the flag is set where the note is built, so this test keeps it true. Every step of every registered
procedure is run with each free-text answer (text and long text, and a table's text cells) set to a marker, under
several sets of the other answers, and with the optional free-text answers left blank: a note holding a marker must
say it is typed, and a note saying so must hold one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.clock import UK
from procedures import registry
from procedures.definition import Ctx, Field, NoEffects, Procedure
from procedures.effects import AddNote

TODAY = date(2027, 1, 6)
MARK = "\u27e6typed\u27e7"
VARIANTS = 12
FACTS: dict[str, Any] = {
    "region": "England",
    "scheme": "CSA 2003",
    "segment": "1",
    "arrears_balance": Decimal("120.00"),
    "sos_arrears": Decimal("40.00"),
    "receiving_parent": "Ann Receiver",
    "paying_parent": "Pat Payer",
    "scin": "A1234567",
    "potentially_violent": False,
    "sensitive": False,
}


def _answer(f: Field, variant: int, *, blank_optional: bool) -> Any:
    """A typed answer for `f` in this variant: free text is the marker (blank when optional and asked to be)."""
    if f.kind in ("text", "long_text"):
        return None if blank_optional and not f.required else f"{MARK}{f.name}"
    if f.kind == "yes_no":
        return variant % 2 == 0
    if f.kind == "choice":
        return f.options[variant % len(f.options)] if f.options else None
    if f.kind == "multi_choice":
        return list(f.options[: variant % max(len(f.options), 1) + 1])
    if f.kind == "money":
        return Decimal("100.00")
    if f.kind == "integer":
        return max(f.minimum, 1) + variant % 3
    if f.kind == "date":
        return TODAY + timedelta(days=variant)
    if f.kind == "datetime":
        return datetime(2027, 1, 12 + variant, 10, 0, tzinfo=UK)
    if f.kind == "pdf":
        return {"attachment_id": 1, "file_name": "outcome.pdf", "sha256": "0" * 64}
    if f.kind == "table":
        return [{c.name: _answer(c, variant, blank_optional=blank_optional) for c in f.columns}]
    raise AssertionError(f"no answer for kind {f.kind}")


def _notes(procedure: Procedure, step_id: str) -> list[AddNote]:
    """The notes the step adds under every variant of the answers its effects accept."""
    step = procedure.steps[step_id]
    found: list[AddNote] = []
    worked = False
    for variant in range(VARIANTS):
        for blank_optional in (False, True):
            answers = {
                name: _answer(f, variant, blank_optional=blank_optional) for name, f in procedure.field_index.items()
            }
            try:
                effects = step.effects(Ctx(answers, FACTS, TODAY))
            except Exception:  # noqa: BLE001 - a combination of answers no run reaches; other variants cover it
                continue
            worked = True
            found += [e for e in effects if isinstance(e, AddNote)]
    assert worked or step.effects is NoEffects, f"no set of answers reached {procedure.id}'s {step_id}'s effects"
    return found


CASES = [
    pytest.param(p, step_id, id=f"{p.id}-{step_id}")
    for p in registry.latest()
    for step_id, step in p.steps.items()
    if not step.final
]


@pytest.mark.parametrize(("procedure", "step_id"), CASES)
def test_a_note_says_it_is_typed_exactly_when_it_holds_what_the_caseworker_typed(procedure, step_id):
    for note in _notes(procedure, step_id):
        assert note.typed == (MARK in note.text), note.text
