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
    practice_scenarios.save_scenario(policy, edited, replaces="P5e-3")
    assert _rows() == 1
    titles = {s.key: s.title for s in practice_scenarios.scenarios_for(me)}
    assert titles["P5e-3"] == edited["title"]
    view = practice.start_practice(me, "P5e-3")
    assert view.scenario.title == edited["title"]


@pytest.mark.parametrize("key", ["P1-1", "p1-1"])
def test_a_new_scenario_given_another_scenarios_reference_is_refused_there_and_replaces_nothing(
    sqlite_demo_db, actor_for, key
):
    """QA (policy, Chromium): a scenario saved under another's reference replaced it without a word, so P1's main
    path was gone for every caseworker practising it."""
    policy, original = actor_for("policy"), builtin()["P1-1"]
    copied = copy.deepcopy(builtin()["P1-2"]) | {"key": key}
    with pytest.raises(ValidationFailed) as info:
        practice_scenarios.save_scenario(policy, copied)
    assert info.value.errors == {
        "key": f"P1-1 is already the reference of '{original['title']}' (P1): give this scenario another reference, "
        "or choose P1-1 under 'Start from' to edit that one."
    }
    with pytest.raises(ValidationFailed) as info:  # editing P1-2 does not make P1-1's reference free
        practice_scenarios.save_scenario(policy, copied, replaces="P1-2")
    assert set(info.value.errors) == {"key"}
    assert _rows() == 0
    assert practice_scenarios.scenarios_for_editing(policy)["P1-1"]["title"] == original["title"]


def test_the_form_opened_from_a_scenario_saves_it_under_its_own_reference_or_as_a_new_one(sqlite_demo_db, actor_for):
    from services.practice_scenario_form import form_from_scenario, save_scenario_form

    policy = actor_for("policy")
    form = form_from_scenario(builtin()["P1-2"])
    form["key"] = "P1-1"
    with pytest.raises(ValidationFailed) as info:
        save_scenario_form(policy, form)
    assert info.value.errors["key"].startswith("P1-1 is already the reference of")
    assert _rows() == 0
    form["key"], form["title"] = "P1-2", "The query comes before transition is complete (edited)"
    save_scenario_form(policy, form)
    form["key"] = "P1-9"  # a copy under a new reference: both stay
    save_scenario_form(policy, form)
    titles = {k: s["title"] for k, s in practice_scenarios.scenarios_for_editing(policy).items()}
    assert titles["P1-2"] == titles["P1-9"] == form["title"]
    assert titles["P1-1"] == builtin()["P1-1"]["title"]


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
