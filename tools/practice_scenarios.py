"""Draft practice scenarios that cover every branch of a procedure, by walking its machine at random.

    .venv/bin/python -m tools.practice_scenarios P4 [--walks 3000] [--seed 1]

Prints scenarios as JSON (facts, the allocated SR, the steps with their answers) chosen greedily so that
together they take every transition of the machine. A person then edits titles and events and commits them
under procedures/scenarios/. Nothing here touches a database.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date
from typing import Any

from domain.clock import REGIONS
from procedures import registry
from procedures.definition import Field, Procedure
from services.errors import DomainError, ValidationFailed
from services.practice_case import FICTIONAL_CASE
from services.practice_check import path_transitions, scenario_answers, transitions
from services.practice_sim import Sim
from services.run_views import show

FACT_TOGGLES: list[dict[str, Any]] = [
    {"csa_liability_ended": True},
    {"financial_transition_complete": True},
    {"sensitive": True},
    {"potentially_violent": True},
    {"legacy_ongoing_enforcement": True},
    {"nationally_sensitive": True},
    {"segment": 5},
    {
        "sensitive": True,
        "legacy_ongoing_enforcement": True,
        "liability_orders": [
            {
                "court": "Sampletown Magistrates' Court",
                "granted_on": "2017-04-03",
                "amount": "1500.00",
                "enforcement": "DCA",
            }
        ],
    },
    {
        "segment": 5,
        "liability_orders": [
            {
                "court": "Sampletown Magistrates' Court",
                "granted_on": "2016-09-05",
                "amount": "3100.00",
                "enforcement": "committal",
            }
        ],
    },
    {"sos_arrears": "65.00", "arrears_balance": "900.00"},
    {"sos_arrears": "65.01", "arrears_balance": "900.00"},
    {"arrears_balance": "1250.40"},
    {
        "liability_orders": [
            {
                "court": "Sampletown Magistrates' Court",
                "granted_on": "2015-03-02",
                "amount": "2400.00",
                "enforcement": "bailiff",
            }
        ]
    },
    {
        "liability_orders": [
            {
                "court": "Sampletown Magistrates' Court",
                "granted_on": "2012-06-11",
                "amount": "800.00",
                "discharged": True,
            }
        ]
    },
    {
        "arrears_periods": [
            {"start": "2019-01-01", "end": "2019-12-31", "due": "1200.00", "paid": "600.00"},
            {"start": "2020-01-01", "end": "2020-06-30", "due": "600.00", "paid": "250.00"},
        ]
    },
]
FACT_TOGGLES += [{"region": r} for r in REGIONS]

TEXT = {"text": "Practice text", "long_text": "What the practice case's records say at this step."}


def value_for(f: Field, rng: random.Random, facts: dict[str, Any]) -> Any:
    if f.kind == "yes_no":
        return rng.choice([True, False])
    if f.kind == "choice":
        return rng.choice(f.options)
    if f.kind == "multi_choice":
        return [o for o in f.options if rng.random() < 0.4]
    if f.kind in TEXT:
        return TEXT[f.kind] if f.required or rng.random() < 0.5 else ""
    if f.kind in ("date", "datetime"):
        if f.latest == "today":
            day = "today" if f.min_date == "today" and not f.past_days else rng.choice(["today", "today-2"])
        else:
            day = f"today+{min(7, f.ahead_days if f.ahead_days is not None else 7)}"
        return day + (" 10:30" if f.kind == "datetime" else "")
    if f.kind == "money":
        if f.default_fact and f.default_fact in facts and rng.random() < 0.7:
            return facts[f.default_fact]
        return rng.choice(["100.00", "65.00", "65.01", "450.00", "0.00"])
    if f.kind == "integer":
        return rng.choice([0, 1, 2, 3])
    if f.kind == "pdf":
        return "pdf:outcome.pdf"
    if f.kind == "table":
        return [{c.name: value_for(c, rng, facts) for c in f.columns}]
    raise ValueError(f.kind)


def random_walk(procedure: Procedure, rng: random.Random, today: date) -> dict[str, Any] | None:
    facts: dict[str, Any] = {}
    for toggle in rng.sample(FACT_TOGGLES, rng.randint(0, 4)):
        facts |= toggle
    scenario: dict[str, Any] = {"procedure": procedure.id, "facts": facts, "walk": []}
    if procedure.main_sr and procedure.works_on:
        process, area, sub_area = procedure.main_sr
        sr: dict[str, Any] = {"process": process, "area": area, "sub_area": sub_area}
        if procedure.id == "P5e" and rng.random() < 0.7:
            sr["parent"] = {"process": "Transition", "area": "CSA Information", "sub_area": "Information Request"}
        if procedure.id != "P2" or rng.random() < 0.5:
            scenario["allocated_sr"] = sr
    if procedure.id == "P3" and rng.random() < 0.4:
        scenario["allocated_sr"] = {
            "process": "Manual Handling",
            "children": [{"process": "Transition", "area": "Legacy Case Data", "sub_area": "Finalise Case"}],
        }
    try:
        sim = Sim.start(
            procedure, scenario, reference_no="PRACTICE-000000", team_id=None, actor_name="Gen", today=today
        )
    except DomainError:
        return None
    merged = {**FICTIONAL_CASE, **facts}
    while sim.run.status == "in_progress" and len(scenario["walk"]) < 30:
        state, step = sim.run.state, procedure.steps[sim.run.state]
        later = 45 if scenario["walk"] and rng.random() < 0.2 else 0  # "six weeks later": a window has ended
        if later:
            sim.days += later
            sim.clocked = [*sim.clocked, len(sim.run.history) - 1]
        for _attempt in range(25):
            answers = {
                f.name: value_for(f, rng, merged) for f in step.fields if not f.default_fact or rng.random() < 0.2
            }
            shown: dict[str, Any] = {}
            for f in step.fields:  # keep only what applies, as the wizard would send
                if f.name in answers and f.applies({**sim.run.answers, **shown}):
                    shown[f.name] = answers[f.name]
            snapshot = sim.dump()
            try:
                sim.submit(scenario_answers(procedure, {"step": state, "answers": shown}, sim.now, sim.case))
                if sim.run.pending_step == sim.run.state:
                    sim.confirm()
                scenario["walk"].append({"step": state, "answers": shown, **({"days_later": later} if later else {})})
                break
            except (ValidationFailed, DomainError):
                sim = Sim.load(
                    snapshot,
                    scenario,
                    reference_no="PRACTICE-000000",
                    team_id=None,
                    actor_name="Gen",
                    today=today,
                    version=1,
                )
        else:
            return None
    if sim.run.status != "finished":
        return None
    scenario["path"] = list(sim.run.history)
    return scenario


def cover(procedure: Procedure, walks: int, seed: int) -> list[dict[str, Any]]:
    rng, today = random.Random(seed), date.today()
    found = [w for w in (random_walk(procedure, rng, today) for _ in range(walks)) if w]
    wanted, chosen = transitions(procedure), []
    covered: set[tuple[str, str]] = set()
    while covered != wanted:
        best = max(found, key=lambda w: (len(path_transitions(w["path"]) - covered), -len(w["walk"])), default=None)
        if best is None or not path_transitions(best["path"]) - covered:
            break
        chosen.append(best)
        covered |= path_transitions(best["path"])
    missing = wanted - covered
    if missing:
        print(f"# {procedure.id}: not covered {sorted(missing)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("procedure")
    parser.add_argument("--walks", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(cover(registry.get(args.procedure), args.walks, args.seed), indent=1))


if __name__ == "__main__":
    main()


def words(value: Any, f: Field) -> str:
    """A scenario value as the caseworker is told it: relative dates in words, tables row by row."""

    if isinstance(value, str) and value.startswith("today"):
        day, _, clock = value.partition(" ")
        offset = int(day[5:] or 0)
        when = "today" if offset == 0 else f"in {offset} days" if offset > 0 else f"{-offset} days ago"
        return f"{when} at {clock}" if clock else when
    if f.kind == "table":
        rows = value or []
        return "; ".join(", ".join(f"{c.label} {words(row.get(c.name), c)}" for c in f.columns) for row in rows)
    return show(value, f)


def describe(procedure: Procedure, item: dict[str, Any]) -> str:
    """What the caseworker learns at a step, in words: the values the published procedure then expects."""
    step = procedure.steps[item["step"]]
    parts = [
        f"{f.label}: {words(item['answers'][f.name], f)}"
        for f in step.fields
        if f.name in item.get("answers", {}) and f.kind not in ("text", "long_text", "pdf")
    ]
    later = f"{item['days_later']} days later. " if item.get("days_later") else ""
    return later + ("You find out: " + "; ".join(parts) + "." if parts else "")


def facts_in_words(facts: dict[str, Any]) -> str:
    """The scenario's case in a sentence, for the list of scenarios."""
    merged = {**FICTIONAL_CASE, **facts}
    parts = [f"A {merged['scheme']} case in {merged['region']}, segment {merged['segment']}"]
    for name, words in (
        ("csa_liability_ended", "CSA liability has ended"),
        ("financial_transition_complete", "financial transition is complete"),
        ("sensitive", "sensitive (Special Client Records)"),
        ("nationally_sensitive", "nationally sensitive"),
        ("potentially_violent", "a potentially violent (PV) marker"),
        ("legacy_ongoing_enforcement", "the Legacy Ongoing Enforcement Indicator"),
    ):
        if merged[name]:
            parts.append(words)
    if merged["arrears_balance"] != "0.00":
        parts.append(
            f"arrears of £{merged['arrears_balance']}, £{merged['sos_arrears']} owed to the Secretary of State"
        )
    for lo in merged["liability_orders"]:
        state = (
            "discharged" if lo.get("discharged") else f"not discharged ({lo.get('enforcement') or 'no enforcement'})"
        )
        parts.append(f"a liability order of £{lo['amount']} granted {lo['granted_on']}, {state}")
    if merged["arrears_periods"]:
        parts.append(f"{len(merged['arrears_periods'])} periods in the arrears account")
    return "; ".join(parts) + "."


def finalize(procedure: Procedure, generated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keys, titles and the events shown at each step, for scenarios drafted by `cover`."""
    out = []
    main_steps = set(generated[0]["path"]) if generated else set()
    for number, scenario in enumerate(generated, start=1):
        extra = [procedure.steps[s].title for s in dict.fromkeys(scenario["path"]) if s not in main_steps]
        title = (
            "Main path"
            if number == 1
            else "Branch: " + ", ".join(f"'{t}'" for t in extra[:3])
            if extra
            else ("Branch: the same steps, other decisions")
        )
        walk = [dict(item, event=describe(procedure, item)) for item in scenario["walk"]]
        for item in walk:
            if not item["event"]:
                del item["event"]
        out.append(
            {
                "key": f"{procedure.id}-{number}",
                "procedure": procedure.id,
                "title": title,
                "summary": facts_in_words(scenario["facts"]),
                "facts": scenario["facts"],
                **({"allocated_sr": scenario["allocated_sr"]} if "allocated_sr" in scenario else {}),
                "walk": walk,
            }
        )
    return out
