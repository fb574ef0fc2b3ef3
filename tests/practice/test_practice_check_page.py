"""A practice run waits on check your answers where the real run does (QA, 7 December, eighth session): P5a's "Pay the
court fee" says the deadline it marks met and shows the note as it would be saved; Back from there records nothing."""

from __future__ import annotations

from procedures import registry
from procedures.scenarios import builtin
from services import practice
from services.practice_check import scenario_answers
from tests.practice.practise import continue_practice


def _met(view: practice.PracticeView) -> list[tuple[str, bool]]:
    return [(d.kind, d.done) for d in view.run.deadlines]


def test_paying_the_court_fee_in_practice_waits_on_check_your_answers_as_the_real_run_does(sqlite_demo_db, actor_for):
    me = actor_for("ssst.caseworker")
    scenario = builtin()["P5a-1"]
    view = continue_practice(me, practice.start_practice(me, "P5a-1"), scenario["walk"][:1])
    assert view.run.step.id == "pay_court"
    met = _met(view)
    assert met == [("court_fee_payment", False)]

    answers = scenario_answers(registry.get("P5a"), scenario["walk"][1], view.today)
    view = practice.submit_step(me, view.practice_id, answers, expected_version=view.run.version)
    assert view.run.awaiting_confirmation
    assert view.run.deadlines_met == ("Pay the court fee: marked met",)
    ((where, text),) = [(n.where, n.text) for n in view.run.notes]
    assert where == "SR Notes"
    assert text.startswith("Court fee of £119.00 paid to Northbury County Court on ")
    assert text.endswith("Court payment reference: CB-448172.")
    assert _met(view) == met

    view = practice.change_answer(me, view.practice_id, "pay_court", expected_version=view.run.version)
    assert (view.run.step.id, view.run.awaiting_confirmation, view.run.notes) == ("pay_court", False, ())
    assert _met(view) == met

    view = practice.submit_step(me, view.practice_id, answers, expected_version=view.run.version)
    view = practice.confirm_step(me, view.practice_id, expected_version=view.run.version)
    assert view.run.step.id == "confirm_to_ecm"
    assert _met(view) == [("court_fee_payment", True)]
