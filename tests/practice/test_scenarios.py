"""Scenarios as data: at least two per procedure, together taking every branch of every machine; each walks
to the end of its procedure (pure, no database)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from procedures import registry
from procedures.scenarios import builtin
from services.practice_check import ScenarioBroken, path_transitions, transitions, walk_scenario

PROCEDURES = [p.id for p in registry.latest()]


def _scenarios(procedure_id: str) -> list[dict]:
    return [s for s in builtin().values() if s["procedure"] == procedure_id]


@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_every_procedure_has_at_least_two_scenarios(procedure_id):
    assert len(_scenarios(procedure_id)) >= 2


def test_the_scenarios_take_every_branch_of_every_procedure():
    """Branch coverage computed from the machines: every (step, next step) the machine allows is on the expected
    path of some scenario. Fails below 100%, naming what is not covered."""
    today = date.today()
    missing: dict[str, list[tuple[str, str]]] = {}
    total = covered = 0
    for procedure in registry.latest():
        taken: set[tuple[str, str]] = set()
        for scenario in _scenarios(procedure.id):
            taken |= path_transitions(list(walk_scenario(scenario, today=today).run.history))
        wanted = transitions(procedure)
        total, covered = total + len(wanted), covered + len(wanted & taken)
        if wanted - taken:
            missing[procedure.id] = sorted(wanted - taken)
    assert covered / total == 1.0, f"branch coverage {covered}/{total}: not covered {missing}"


@pytest.mark.parametrize("key", sorted(builtin()))
def test_every_scenario_walks_to_the_end_of_its_procedure(key):
    sim = walk_scenario(builtin()[key], today=date.today())
    assert sim.run.status == "finished"
    assert [item["step"] for item in builtin()[key]["walk"]] == sim.run.history[:-1]


def test_a_scenario_whose_path_is_not_a_path_of_the_procedure_is_refused_with_the_step():
    scenario = dict(builtin()["P5e-1"])
    walk = list(scenario["walk"])
    walk[1], walk[2] = walk[2], walk[1]  # set In Progress before the referral: not the procedure's order
    with pytest.raises(ScenarioBroken) as info:
        walk_scenario({**scenario, "walk": walk}, today=date.today())
    title = registry.get("P5e").steps[walk[2]["step"]].title
    assert info.value.step == title
    assert f"breaks at '{title}'" in info.value.message


# Words a caseworker would never write: internal names (snake_case step and field ids), the drafting tool's
# placeholders and its "label?: value" lists, and titles that name a branch instead of telling the story.
MECHANICAL = re.compile(
    r"\b[a-z]+_[a-z0-9_]+\b|You find out|Practice text|practice case's records|\?:|^(Main path|Branch|Hardest branch)"
    r"|the same steps",
    re.IGNORECASE,
)


def _prose(scenario: dict) -> list[tuple[str, str]]:
    """(where, text) of everything a caseworker reads: title, summary, events and the answers typed as words."""
    procedure = registry.get(scenario["procedure"])
    found = [("title", scenario["title"]), ("summary", scenario.get("summary", ""))]
    for index, item in enumerate(scenario["walk"]):
        if item.get("event"):
            found.append((f"event {index + 1}", item["event"]))
        for name, value in item.get("answers", {}).items():
            if procedure.field_index[name].kind in ("text", "long_text") and value:
                found.append((f"answer {name} at {index + 1}", value))
    return found


@pytest.mark.parametrize("key", sorted(builtin()))
def test_every_scenario_reads_as_a_fictional_case_not_as_code(key):
    """A new caseworker reads the title, the case and what they learn at each step: plain words, no internal
    names, no placeholders, and a story told through what they learn along the way."""
    scenario = builtin()[key]
    mechanical = [(where, text) for where, text in _prose(scenario) if MECHANICAL.search(text)]
    assert not mechanical, mechanical
    assert scenario["title"][0].isupper()
    assert len(scenario["summary"]) > 60, "the summary tells the case: who, what, and what makes it hard"
    assert sum(1 for item in scenario["walk"] if item.get("event")) >= 2, "tell the caseworker what happens"


@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_each_procedure_has_scenarios_with_different_titles_and_different_stories(procedure_id):
    """Two scenarios of a procedure never tell the same story: on a machine with branches their paths differ;
    on a single-path machine (P5a) their answers do."""
    mine = _scenarios(procedure_id)
    assert len({s["title"] for s in mine}) == len(mine)
    paths = {tuple(item["step"] for item in s["walk"]) for s in mine}
    answers = {json.dumps([item.get("answers", {}) for item in s["walk"]], sort_keys=True) for s in mine}
    branches = transitions(registry.get(procedure_id))
    one_path = len(branches) == len({step for step, _next in branches})  # no step has two ways on
    assert (len(answers) if one_path else len(paths)) == len(mine)


# Start days a scenario's dates must survive: a Saturday, Christmas Eve, New Year's Eve and the day before
# Good Friday (bank holidays differ by region, and the scenarios use all four regions).
AWKWARD_STARTS = [date(2026, 12, 5), date(2026, 12, 24), date(2026, 12, 31), date(2027, 3, 25)]


@pytest.mark.parametrize("start", AWKWARD_STARTS, ids=str)
def test_every_scenario_walks_whatever_day_the_practice_starts(start):
    """A scenario's dates are relative to the day of practice, so it must not break on a weekend or a bank
    holiday: every scenario walks to the end from each awkward start day."""
    for key, scenario in builtin().items():
        assert walk_scenario(scenario, today=start).run.status == "finished", key


def test_an_answer_that_says_the_opposite_of_the_fictional_case_is_refused_at_that_answer():
    """QA, 7 December: four P1 scenarios answered "Is financial transition complete?" Yes over a fictional case whose
    banner said transition was not complete. A scenario must tell one story: refused at the answer, as a policy
    edit is (services/practice_scenarios.save_scenario walks the scenario the same way)."""
    scenario = dict(builtin()["P1-1"])
    facts = {**scenario["facts"], "financial_transition_complete": False}
    with pytest.raises(ScenarioBroken) as info:
        walk_scenario({**scenario, "facts": facts}, today=date.today())
    assert info.value.position == 0
    label = next(
        f.label for f in registry.get("P1").steps["query_received"].fields if f.name == "financial_transition_complete"
    )
    assert info.value.fields == {
        "financial_transition_complete": f"The answer to '{label}' is Yes, but the fictional case says no: change the "
        "answer, or the case's facts, so the two agree."
    }
