"""The PV check's "Is a PV marker recorded?" (P5b, P5c, P5d, P5e; first and second checks): "No" on a case whose
record shows a PV marker is refused by a rule of the field itself (`Field.check`), on the question's own page
(services/question_pages.py) and by the same function when the step is saved (`Step.refusals`)."""

from datetime import date, datetime

import pytest

from domain.clock import UK
from procedures import registry
from procedures.definition import Ctx
from services.errors import ValidationFailed
from services.question_pages import CHECKLIST, check_page, question_pages
from tests.unit.test_question_pages import view_of

TODAY = date(2026, 11, 30)
TO_THE_CPO = (
    "The case record shows a PV marker. Do the PV check again on the 2012 system: the court presenting officer must "
    "be told."
)
TO_THE_VISITING_OFFICER = (
    "The case record shows a PV marker. Do the full PV check again: the visiting officer must be told."
)
PV_QUESTIONS = [
    ("P5b", "create_folder", "pv_marker", TO_THE_CPO),
    ("P5b", "second_pv_check", "second_pv_marker", TO_THE_CPO),
    ("P5c", "pv_check", "pv_marker", TO_THE_CPO),
    ("P5c", "second_pv_check", "second_pv_marker", TO_THE_CPO),
    ("P5d", "full_pv_check", "pv_marker", TO_THE_CPO),
    ("P5d", "second_pv_check", "second_pv_marker", TO_THE_CPO),
    ("P5e", "pv_check", "pv_marker", TO_THE_VISITING_OFFICER),
]
IDS = [f"{p}-{s}" for p, s, _, _ in PV_QUESTIONS]
PV_CASE = {"potentially_violent": True}
NO_PV = {"potentially_violent": False}


def test_every_pv_marker_question_of_every_procedure_has_the_rule():
    """A PV question added later without the rule would take "No" on a PV case: this lists them all."""
    asked = {
        (p.id, step_id, f.name)
        for p in registry.latest()
        for step_id, step in p.steps.items()
        for f in step.fields
        if f.kind == "yes_no" and "PV marker" in f.label
    }
    assert asked == {(p, s, f) for p, s, f, _ in PV_QUESTIONS}
    for procedure_id, step_id, name, _message in PV_QUESTIONS:
        [f] = [f for f in registry.get(procedure_id).steps[step_id].fields if f.name == name]
        assert f.check is not None, f"{procedure_id} {name}"


def _check_its_page(procedure_id: str, step_id: str, name: str, answer: bool, facts: dict) -> None:
    procedure = registry.get(procedure_id)
    step = procedure.steps[step_id]
    page = next(p for p in question_pages(view_of(step_id, step)) if name in p.names)
    answers = {name: answer, CHECKLIST: list(step.checklist)}
    check_page(
        procedure_id,
        procedure.version,
        step_id,
        answers,
        page.names,
        checklist=step.checklist,
        facts=facts,
        today=TODAY,
    )


@pytest.mark.parametrize(("procedure_id", "step_id", "name", "message"), PV_QUESTIONS, ids=IDS)
def test_no_on_a_pv_case_is_refused_on_the_questions_own_page_at_the_field(procedure_id, step_id, name, message):
    with pytest.raises(ValidationFailed) as refused:
        _check_its_page(procedure_id, step_id, name, False, PV_CASE)
    assert refused.value.errors == {name: message}


@pytest.mark.parametrize(("procedure_id", "step_id", "name", "message"), PV_QUESTIONS, ids=IDS)
def test_yes_on_a_pv_case_and_no_on_a_case_without_a_marker_pass_the_page(procedure_id, step_id, name, message):
    _check_its_page(procedure_id, step_id, name, True, PV_CASE)
    _check_its_page(procedure_id, step_id, name, False, NO_PV)
    _check_its_page(procedure_id, step_id, name, True, NO_PV)  # a marker found that the record lacks: told, not refused


@pytest.mark.parametrize(("procedure_id", "step_id", "name", "message"), PV_QUESTIONS, ids=IDS)
def test_the_save_refuses_it_with_the_same_rule(procedure_id, step_id, name, message):
    """However the answer arrives (the API, practice, a page skipped), the step's save runs the same rule."""
    step = registry.get(procedure_id).steps[step_id]
    assert step.refusals(Ctx({name: False}, PV_CASE, TODAY)) == {name: message}
    assert step.refusals(Ctx({name: True}, PV_CASE, TODAY)) == {}
    assert step.refusals(Ctx({name: False}, NO_PV, TODAY)) == {}


SECOND_CHECKS = [("P5b", "create_folder"), ("P5c", "pv_check"), ("P5d", "full_pv_check")]


@pytest.mark.parametrize(("procedure_id", "first_check"), SECOND_CHECKS, ids=[p for p, _ in SECOND_CHECKS])
def test_every_second_pv_check_cautions_no_marker_after_the_first_checks_marker_and_names_its_day(
    procedure_id, first_check
):
    """Every procedure with two PV checks: the caution on their disagreeing (QA, seventh session). The first check's
    day comes from the run's record of its save; a run without that record (started before it was kept, or a
    practice run) is told without a day. Agreeing checks, and a first check with no marker, are not cautioned."""
    step = registry.get(procedure_id).steps["second_pv_check"]
    disagree = {"pv_marker": True, "second_pv_marker": False, "hearing_at": None, "confirmed_hearing_at": None}
    tail = (
        "recorded a PV marker, but this check says there is none. A PV marker is rarely removed: look at the 2012 "
        "system again before you confirm. If the marker is still there, change this check's answer to Yes. If the "
        "marker really has been removed, write what the 2012 system says "
        'about its removal under "What the second PV check showed": the CPO reads it in the email.'
    )
    saved = {"steps_saved_on": {first_check: date(2026, 11, 2)}}
    assert step.warnings(Ctx(disagree, saved, TODAY)) == [f"The first PV check on this run, on 2 November 2026, {tail}"]
    assert step.warnings(Ctx(disagree, {}, TODAY)) == [f"The first PV check on this run {tail}"]
    for first, second in ((True, True), (False, False), (False, True), (True, None)):
        answers = {**disagree, "pv_marker": first, "second_pv_marker": second}
        assert step.warnings(Ctx(answers, saved, TODAY)) == []


@pytest.mark.parametrize("procedure_id", [p for p, _ in SECOND_CHECKS])
def test_a_second_pv_check_brought_back_from_a_weekend_is_not_said_to_be_48_hours_before_the_hearing(procedure_id):
    """QA, fresh eyes (seventh session): a Tuesday 10:00 hearing's check is due on the Friday (48 hours before is the
    Sunday), which the caution called "48 hours before the hearing". It names the day it was brought back from; a
    Wednesday hearing's Monday check reads as before."""
    step = registry.get(procedure_id).steps["second_pv_check"]
    early = date(2026, 12, 1)

    def caution(hearing: datetime) -> list[str]:
        answers = {"pv_marker": False, "second_pv_marker": None, "hearing_known": True, "hearing_at": hearing}
        answers["confirmed_hearing_at"] = hearing  # each procedure reads the hearing from its own step
        return step.warnings(Ctx(answers, {"region": "England"}, early))

    then = ": a check done sooner may be out of date by the hearing, so do it when the CPO asks."
    assert caution(datetime(2027, 1, 12, 10, tzinfo=UK)) == [
        "The second PV check is due on 8 January 2027, the last working day before 10 January 2027, 48 hours before "
        f"the hearing. The CPO asks for it then{then}"
    ]
    assert caution(datetime(2027, 1, 13, 10, tzinfo=UK)) == [
        f"The second PV check is due on 11 January 2027, 48 hours before the hearing. The CPO asks for it then{then}"
    ]
