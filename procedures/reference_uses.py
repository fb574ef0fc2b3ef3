"""Where each reference value and each letter is used: (procedure id, step id) pairs from the steps' own effects.

Each step's effects are a pure function of the answers, so trying every option of its choice, yes/no and
multi-choice fields (other fields get a plain typed value, the case facts a typical case) yields the values
it can record. This is data read from the code, not prose: the Reference values page shows it, and
tests/unit/test_reference_values.py checks every pair names a real step. It can miss a value a step records
only for answers or facts not tried here (the page then says "Not used by a step"); it never invents one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from domain import reference
from domain.reference import Kind

from . import registry
from .definition import Ctx, Field, Procedure, Step
from .effects import CmsContext, Effect, LetterDue, QueueEmail, StoreBundle

_TODAY = date(2026, 12, 1)
_FACTS: dict[str, Any] = {
    "scin": "123456789012",
    "scheme": "CSA 2003",
    "region": "England",
    "arrears_balance": Decimal("100.00"),
    "sos_arrears": Decimal("10.00"),
    "pv_marker": False,
    "is_sensitive": False,
    "liability_orders": (
        {
            "court": "Court",
            "granted_on": date(2010, 1, 4),
            "amount": Decimal("500.00"),
            "discharged": False,
            "enforcement": "Bailiff",
        },
    ),
    "arrears_periods": (),
    "run_sr_refs": ("main", "manual_handling"),
    "run_history": (),
}


def _plain(f: Field) -> list[Any]:
    if f.kind in ("choice",):
        return list(f.options)
    if f.kind == "multi_choice":
        return [[o] for o in f.options] + [list(f.options)]
    if f.kind == "yes_no":
        return [True, False]
    if f.kind == "money":
        return [Decimal("100.00")]
    if f.kind == "integer":
        return [1]
    if f.kind == "date":
        return [_TODAY]
    if f.kind == "datetime":
        return [datetime(2026, 12, 3, 10, tzinfo=UTC)]
    if f.kind == "table":
        return [[{c.name: _plain(c)[0] for c in f.columns}], [{c.name: _plain(c)[-1] for c in f.columns}]]
    if f.kind == "pdf":
        return [{"attachment_id": 1, "file_name": "outcome.pdf"}]
    return ["Text"]


def _answers(procedure: Procedure, step: Step) -> Iterator[dict[str, Any]]:
    """Every combination of this step's own branching fields, over plain values for every other field."""
    base = {name: _plain(f)[0] for name, f in procedure.field_index.items()}
    branching = [f for f in step.fields if f.kind in ("choice", "multi_choice", "yes_no", "table")]
    branching += [
        procedure.field_index[n]
        for n in step.depends_on
        if n in procedure.field_index and procedure.field_index[n].kind in ("choice", "yes_no")
    ]
    branching = list({f.name: f for f in branching}.values())[:4]
    for combo in itertools.product(*(_plain(f) for f in branching)):
        yield {**base, **{f.name: v for f, v in zip(branching, combo, strict=True)}}


_FACT_SETS = tuple({**_FACTS, "run_sr_refs": refs} for refs in (("main", "manual_handling"), ("main",), ()))


def _effects(step: Step, answers: dict[str, Any]) -> list[Effect]:
    found: list[Effect] = []
    for facts in _FACT_SETS:
        try:
            found += step.effects(Ctx(answers, facts, _TODAY))
        except Exception:  # noqa: BLE001, S112 - a combination the step never meets (its guards keep it out)
            continue
    return found


def _explored(names: Callable[[list[Effect]], set[str]]) -> dict[str, set[tuple[str, str]]]:
    """What `names` reads from each registered step's effects, over every combination tried -> its (procedure,
    step) pairs."""

    found: dict[str, set[tuple[str, str]]] = {}
    for procedure in registry.latest():
        for step_id, step in procedure.steps.items():
            for answers in _answers(procedure, step):
                for name in names(_effects(step, answers)):
                    found.setdefault(name, set()).add((procedure.id, step_id))
    return found


def _sorted(found: dict[str, set[tuple[str, str]]]) -> dict[str, tuple[tuple[str, str], ...]]:
    return {k: tuple(sorted(v)) for k, v in sorted(found.items())}


@cache
def uses() -> dict[str, tuple[tuple[str, str], ...]]:
    """Reference key -> the (procedure, step) pairs whose effects can record it."""

    found = _explored(keys_recorded)
    for procedure in registry.latest():
        for values in procedure.works_on:  # the SRs it is started from, at its first step
            for kind, v in zip((Kind.PROCESS, Kind.AREA, Kind.SUB_AREA), values, strict=True):
                found_key = reference.key_of(kind, v) if v else None
                if found_key:
                    found.setdefault(found_key, set()).add((procedure.id, procedure.initial))
    return _sorted(found)


@cache
def letter_uses() -> dict[str, tuple[tuple[str, str], ...]]:
    """Letter or form code -> the (procedure, step) pairs whose effects record it as due, email it or store it."""
    return _sorted(_explored(letters_recorded))


def letters_recorded(effects: list[Effect]) -> set[str]:
    """The letter and form codes a list of effects records, emails or stores."""
    codes: set[str] = set()
    for e in effects:
        if isinstance(e, LetterDue):
            codes.add(e.code)
        elif isinstance(e, QueueEmail | StoreBundle):
            codes.update(code for code, _context in e.documents)
    return codes


def keys_recorded(effects: list[Effect]) -> set[str]:
    """The reference keys a list of effects names (through their CMS lines' values)."""
    keys: set[str] = set()
    for e in effects:
        for attr, kind in _VALUE_ATTRS:
            v = getattr(e, attr, None)
            if isinstance(v, str) and (attr != "name" or hasattr(e, "outcome")):
                key = reference.key_of(kind, v)
                if key:
                    keys.add(key)
        fields = getattr(e, "fields", None)
        if isinstance(fields, dict):
            for name, kind in (("reason", Kind.REASON), ("resolution_code", Kind.RESOLUTION_CODE)):
                key = reference.key_of(kind, str(fields.get(name)))
                if key:
                    keys.add(key)
        codes = [e.code] if isinstance(e, LetterDue) else [code for code, _ in getattr(e, "documents", ())]
        keys |= {f"letter.{c}" for c in codes if f"letter.{c}" in reference.BUILT_IN_REFERENCE}
    return keys


_VALUE_ATTRS = (
    ("process", Kind.PROCESS),
    ("area", Kind.AREA),
    ("sub_area", Kind.SUB_AREA),
    ("status", Kind.STATUS),
    ("sub_status", Kind.SUB_STATUS),
    ("resolution_code", Kind.RESOLUTION_CODE),
    ("reason", Kind.REASON),
    ("name", Kind.ACTIVITY),
    ("outcome", Kind.ACTIVITY_OUTCOME),
)

__all__ = ["CmsContext", "keys_recorded", "uses"]
