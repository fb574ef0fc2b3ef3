"""Scenarios as data: at least two per procedure, together taking every branch of every machine; each walks
to the end of its procedure (pure, no database)."""

from __future__ import annotations

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
