"""Policy staff's scenario form: the procedure's steps and fields to choose from, and a filled form read field by
field (each value typed as the case facts and the step's answers are), then walked on the machine, before it is
saved as a scenario.

The form is plain data (what the widgets hold, as text), so the page stays thin: `form_from_scenario` fills it
from a scenario, `save_scenario_form` checks it and saves. Errors are keyed by the input they belong to:
"title", "facts.region", "facts.liability_orders", "walk.3.step", "walk.3.fee". A value the form cannot read is
refused at its input before the machine is asked; a value the procedure refuses is shown at its input too, and a
path the machine does not take at the step row where it breaks. Nothing is saved while any error stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from db.models import SCHEMES
from domain.clock import REGIONS
from domain.values import FieldError
from procedures import registry
from procedures.definition import Field, Kind, condition_holds
from services.access import require_role
from services.actor import Actor
from services.errors import ValidationFailed
from services.practice_case import FICTIONAL_CASE
from services.practice_scenarios import save_scenario
from services.practice_store import ScenarioInfo, today
from services.transaction import transaction

RELATIVE_DATE = re.compile(r"today([+-]\d{1,3})?|\d{4}-\d\d-\d\d")
RELATIVE_MOMENT = re.compile(r"(today([+-]\d{1,3})?|\d{4}-\d\d-\d\d) \d\d:\d\d")
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")
UNEDITED = ("table",)  # answers the procedure prefills from the case facts: edited there, not per step


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    kind: str  # text, long_text, yes_no, choice, multi_choice, money, integer, date, datetime, pdf
    options: tuple[str, ...] = ()
    when: tuple[str, Any] | None = None  # shown only when this other answer of the step has this value
    hint: str = ""


@dataclass(frozen=True, slots=True)
class FormStep:
    id: str
    title: str
    fields: tuple[FormField, ...]


FACTS: tuple[FormField, ...] = (
    FormField("receiving_parent", "Receiving parent's name (fictional)", "text"),
    FormField("paying_parent", "Paying parent's name (fictional)", "text"),
    FormField("receiving_parent_address", "Receiving parent's address (fictional)", "long_text"),
    FormField("paying_parent_address", "Paying parent's address (fictional)", "long_text"),
    FormField("scheme", "Scheme", "choice", SCHEMES),
    FormField("region", "Region", "choice", REGIONS),
    FormField("segment", "Segment", "integer", hint="1 to 5"),
    FormField("arrears_balance", "Arrears balance", "money"),
    FormField("sos_arrears", "Arrears owed to the Secretary of State", "money"),
    FormField("sensitive", "Sensitive (Special Client Records)", "yes_no"),
    FormField("nationally_sensitive", "Nationally sensitive", "yes_no"),
    FormField("potentially_violent", "PV marker", "yes_no"),
    FormField("legacy_ongoing_enforcement", "Legacy Ongoing Enforcement Indicator set", "yes_no"),
    FormField("csa_liability_ended", "CSA liability has ended", "yes_no"),
    FormField("financial_transition_complete", "Financial transition complete", "yes_no"),
)
LIABILITY_ORDER_COLUMNS = (
    Field("court", label="Court", kind="text"),
    Field("granted_on", label="Date granted", kind="date", latest="today"),
    Field("amount", label="Amount", kind="money"),
    Field("discharged", label="Fully discharged", kind="yes_no", required=False),
    Field("enforcement", label="Enforcement", kind="text", required=False),
)
ARREARS_PERIOD_COLUMNS = (
    Field("start", label="Period start", kind="date", latest="today"),
    Field("end", label="Period end", kind="date", latest="today"),
    Field("due", label="Amount due", kind="money"),
    Field("paid", label="Amount paid", kind="money"),
)
TABLES = {"liability_orders": LIABILITY_ORDER_COLUMNS, "arrears_periods": ARREARS_PERIOD_COLUMNS}
TABLE_LABELS = {"liability_orders": "Liability orders", "arrears_periods": "Arrears periods"}


def form_steps(procedure_id: str) -> tuple[FormStep, ...]:
    """The steps a scenario's path may take (every step but the end) with the answers each asks for."""
    procedure = registry.get(procedure_id)
    return tuple(
        FormStep(
            step_id,
            step.title,
            tuple(
                FormField(f.name, f.label, f.kind, f.options, f.when, f.hint or "")
                for f in step.fields
                if f.kind not in UNEDITED
            ),
        )
        for step_id, step in procedure.steps.items()
        if not step.final
    )


def _raw(kind: str, value: Any) -> Any:
    """A stored scenario value as the form shows it."""
    if kind == "yes_no":
        return "" if value is None else ("Yes" if value else "No")
    if kind == "multi_choice":
        return list(value or [])
    if kind == "pdf":
        return str(value or "").removeprefix("pdf:")
    return "" if value is None else str(value)


def form_from_scenario(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """The form filled from a scenario (a new one: just its procedure)."""
    facts = {**FICTIONAL_CASE, **scenario.get("facts", {})}
    steps = {s.id: s for s in form_steps(scenario["procedure"])}
    walk = []
    for item in scenario.get("walk", []):
        fields = steps[item["step"]].fields if item["step"] in steps else ()
        answers = item.get("answers", {})
        walk.append(
            {
                "step": item["step"],
                "event": item.get("event", ""),
                "days_later": int(item.get("days_later") or 0),
                "working_day": bool(item.get("working_day")),
                "answers": {f.name: _raw(f.kind, answers.get(f.name)) for f in fields if f.name in answers},
                "kept": {k: v for k, v in answers.items() if k not in {f.name for f in fields}},
            }
        )
    return {
        "key": scenario.get("key", ""),
        "editing": scenario.get("key", ""),  # the scenario this form edits ("" for a new one): save_scenario's replaces
        "procedure": scenario["procedure"],
        "title": scenario.get("title", ""),
        "summary": scenario.get("summary", ""),
        "facts": {f.name: _raw(f.kind, facts.get(f.name)) for f in FACTS},
        **{name: list(facts.get(name, [])) for name in TABLES},
        "allocated_sr": scenario.get("allocated_sr"),
        "walk": walk,
    }


def _read(f: FormField, raw: Any, today: date) -> Any:
    """One typed value from its form text; raise FieldError naming what to write instead."""
    if f.kind == "date":
        if not RELATIVE_DATE.fullmatch(str(raw).strip()):
            raise FieldError(f.name, f"Write {f.label.lower()} as today, today+7, today-2 or a date like 2026-12-01.")
        return str(raw).strip()
    if f.kind == "datetime":
        if not RELATIVE_MOMENT.fullmatch(str(raw).strip()):
            example = "today+7 10:30, or a date and time like 2026-12-01 10:30"
            raise FieldError(f.name, f"Write {f.label.lower()} as {example}.")
        return str(raw).strip()
    if f.kind == "pdf":
        name = str(raw).strip()
        if not name.lower().endswith(".pdf") or "/" in name:
            raise FieldError(f.name, f"Give {f.label.lower()} as a file name ending .pdf (a blank PDF is uploaded).")
        return f"pdf:{name}"
    spec = Field(f.name, label=f.label, kind=cast(Kind, f.kind), options=f.options, required=False)
    value = spec.parse(raw, today=today)
    if f.name == "segment" and not 1 <= int(value) <= 5:
        raise FieldError(f.name, "Enter a segment from 1 to 5.")
    return value


def _blank(raw: Any) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


def _table(name: str, rows: Any, today: date) -> list[dict[str, Any]]:
    table = Field(name, label=TABLE_LABELS[name], kind="table", columns=TABLES[name], required=False)
    parsed = table.parse([{k: ("" if v is None else v) for k, v in dict(r).items()} for r in rows or []], today=today)
    for row in parsed:
        if "discharged" in row:
            row["discharged"] = bool(row["discharged"])
        if not row.get("enforcement"):
            row.pop("enforcement", None)
    return parsed


def read_form(form: Mapping[str, Any], *, on: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The scenario the form describes, and the errors by input (pure: no database)."""
    errors: dict[str, str] = {}
    key, title = str(form.get("key", "")).strip(), str(form.get("title", "")).strip()
    if not KEY.fullmatch(key):
        errors["key"] = "Give the scenario a short reference of letters, digits and hyphens, such as P5d-3."
    if not title:
        errors["title"] = "Give the scenario a title that says what happens, such as 'The CPO decides not to proceed'."
    facts: dict[str, Any] = {}
    for f in FACTS:
        raw = form.get("facts", {}).get(f.name)
        if _blank(raw):
            continue
        try:
            value = _read(f, raw, on)
        except FieldError as exc:
            errors[f"facts.{f.name}"] = exc.message
            continue
        if value != FICTIONAL_CASE.get(f.name):
            facts[f.name] = value
    for name in TABLES:
        try:
            if rows := _table(name, form.get(name), on):
                facts[name] = rows
        except FieldError as exc:
            errors[f"facts.{name}"] = exc.message
    steps = {s.id: s for s in form_steps(form["procedure"])}
    walk = []
    so_far: dict[str, Any] = {}  # the answers given up to here: a field may depend on an earlier step's answer
    for index, row in enumerate(form.get("walk", [])):
        step = steps.get(row.get("step"))
        if step is None:
            errors[f"walk.{index}.step"] = "Choose the step of the procedure the caseworker is at."
            continue
        item: dict[str, Any] = {"step": step.id}
        if str(row.get("event", "")).strip():
            item["event"] = str(row["event"]).strip()
        days = row.get("days_later") or 0
        if not str(days).isdigit() or int(days) > 365:
            errors[f"walk.{index}.days_later"] = "Enter the days that pass before this step, from 0 to 365."
        elif int(days):
            item["days_later"] = int(days)
        if row.get("working_day"):
            item["working_day"] = True
        answers: dict[str, Any] = dict(row.get("kept", {}))
        given = row.get("answers", {})
        for f in step.fields:
            if not condition_holds(f.when, {**so_far, **answers}) or _blank(given.get(f.name)):
                continue
            try:
                answers[f.name] = _read(f, given[f.name], on)
            except FieldError as exc:
                errors[f"walk.{index}.{f.name}"] = exc.message
        item["answers"] = answers
        so_far |= answers
        walk.append(item)
    if not walk and "walk.0.step" not in errors:
        errors["walk"] = "Add the steps of the expected path, from the first step of the procedure."
    scenario = {"key": key, "procedure": form["procedure"], "title": title, "summary": str(form.get("summary", ""))}
    scenario |= {"facts": facts, "walk": walk}
    if form.get("allocated_sr"):
        scenario["allocated_sr"] = form["allocated_sr"]
    return scenario, errors


def save_scenario_form(actor: Actor, form: Mapping[str, Any]) -> ScenarioInfo:
    """Check the form's values at their inputs, then its path on the machine; save it as a scenario."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="edit practice scenarios")
    scenario, errors = read_form(form, on=today())
    if errors:
        raise ValidationFailed(errors)
    return save_scenario(actor, scenario, replaces=form.get("editing") or None)
