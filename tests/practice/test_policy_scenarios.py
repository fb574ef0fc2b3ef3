"""Policy staff add or edit a scenario as data; one whose expected path is not a path of its procedure is refused
with the step where it breaks, and nothing is saved."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from db.models import PracticeScenario
from procedures import registry
from procedures.scenarios import builtin
from services import practice, practice_scenarios
from services.errors import PermissionDenied, ValidationFailed
from services.transaction import transaction


def _rows() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(PracticeScenario)) or 0


def test_a_scenario_that_leaves_the_procedure_is_refused_with_the_step_where_it_breaks(sqlite_demo_db, actor_for):
    policy = actor_for("policy")
    broken = copy.deepcopy(builtin()["P5e-1"])
    broken["key"] = "P5e-broken"
    broken["walk"][3]["answers"]["vsat_accepted"] = False  # rejected, yet the path goes on to book the visit
    broken["walk"][3]["answers"]["rejection_reason"] = "Not needed."
    with pytest.raises(ValidationFailed) as info:
        practice_scenarios.save_scenario(policy, broken)
    steps = registry.get("P5e").steps
    assert info.value.errors["walk"] == (
        f"The expected path breaks at '{steps['referral_rejected'].title}': the procedure comes here, but the "
        f"expected path says '{steps['appointment'].title}'"
    )
    assert _rows() == 0


def test_policy_staff_edit_a_scenario_and_caseworkers_practise_the_new_version(sqlite_demo_db, actor_for):
    policy, me = actor_for("policy"), actor_for("caseworker")
    edited = copy.deepcopy(builtin()["P5e-3"])
    edited["title"] = "VSAT reject the referral (the complaint is handled by phone)"
    practice_scenarios.save_scenario(policy, edited)
    assert _rows() == 1
    titles = {s.key: s.title for s in practice_scenarios.scenarios_for(me)}
    assert titles["P5e-3"] == edited["title"]
    view = practice.start_practice(me, "P5e-3")
    assert view.scenario.title == edited["title"]


def test_only_policy_staff_edit_scenarios(sqlite_demo_db, actor_for):
    with pytest.raises(PermissionDenied):
        practice_scenarios.save_scenario(actor_for("caseworker"), copy.deepcopy(builtin()["P5e-3"]))


@pytest.mark.parametrize("key", sorted(builtin()))
def test_every_scenario_read_back_from_its_form_walks_the_same_path(key):
    """The form loses nothing a scenario needs: filled from a scenario and read back, it walks the same path."""
    from datetime import date

    from services.practice_check import walk_scenario
    from services.practice_scenario_form import form_from_scenario, read_form

    scenario, errors = read_form(form_from_scenario(builtin()[key]), on=date.today())
    assert errors == {}
    expected = walk_scenario(builtin()[key], today=date.today()).run.history
    assert walk_scenario(scenario, today=date.today()).run.history == expected


def test_the_form_refuses_each_unreadable_value_at_its_input_and_the_procedures_refusal_at_its_answer(
    sqlite_demo_db, actor_for
):
    from services.practice_scenario_form import form_from_scenario, save_scenario_form

    form = form_from_scenario(builtin()["P5a-1"])
    form["facts"]["region"] = "Atlantis"
    form["facts"]["segment"] = "9"
    form["walk"][0]["answers"]["email_received_at"] = "yesterday teatime"
    with pytest.raises(ValidationFailed) as info:
        save_scenario_form(actor_for("policy"), form)
    assert set(info.value.errors) == {"facts.region", "facts.segment", "walk.0.email_received_at"}
    assert _rows() == 0
    form = form_from_scenario(builtin()["P5a-1"])
    form["walk"][0]["answers"]["fee"] = "0.00"  # money the form reads, but the procedure refuses
    with pytest.raises(ValidationFailed) as info:
        save_scenario_form(actor_for("policy"), form)
    refused = "Enter a court fee of more than £0.00, as the enforcement case manager gave it."
    assert info.value.errors["walk.0.fee"] == refused
    assert "walk.0.step" in info.value.errors
    assert _rows() == 0
