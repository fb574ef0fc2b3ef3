"""An email address a caseworker types (P5b's and P5c's CPO, P5a's enforcement case manager) is refused by a rule of
the field itself (`Field.check`): on its own page, not at the step's last one, and by every save."""

from datetime import date

import pytest

from procedures import registry
from procedures.definition import Ctx
from services.errors import ValidationFailed
from services.question_pages import CHECKLIST, check_page, question_pages
from tests.unit.test_question_pages import view_of

TODAY = date(2026, 11, 30)
ADDRESSES = [
    ("P5b", "record_cpo", "cpo_email"),
    ("P5c", "cpo_assigned", "cpo_email"),
    ("P5a", "confirm_to_ecm", "ecm_email"),
]
IDS = [f"{p}-{s}" for p, s, _ in ADDRESSES]
NOT_AN_ADDRESS = "cpo at court dot example"
REFUSAL = f"Enter an email address in the correct format, like name@example.org (got {NOT_AN_ADDRESS!r})"


def _check_its_page(procedure_id: str, step_id: str, name: str, address: str) -> tuple[str, ...]:
    """The page that asks for the address, checked with only its own answers; the names the page asks."""
    procedure = registry.get(procedure_id)
    step = procedure.steps[step_id]
    page = next(p for p in question_pages(view_of(step_id, step)) if name in p.names)
    others = {f.name: "2026-12-10 10:30" if f.kind == "datetime" else "Sam Officer" for f in page.fields}
    answers = others | {name: address}
    answers[CHECKLIST] = list(step.checklist)
    check_page(
        procedure_id, procedure.version, step_id, answers, page.names, checklist=step.checklist, facts={}, today=TODAY
    )
    return page.names


@pytest.mark.parametrize(("procedure_id", "step_id", "name"), ADDRESSES, ids=IDS)
def test_an_address_mail_cannot_send_to_is_refused_on_its_own_page(procedure_id, step_id, name):
    with pytest.raises(ValidationFailed) as refused:
        _check_its_page(procedure_id, step_id, name, NOT_AN_ADDRESS)
    assert refused.value.errors == {name: REFUSAL}


def test_p5b_asks_the_hearing_question_on_a_later_page_than_the_address():
    """Why it matters: P5b's CPO address page comes before "Is the hearing date known?". Until 7 December 2026 a
    mistyped address was refused only after that question, at the step's save."""
    names = _check_its_page("P5b", "record_cpo", "cpo_email", "sam.officer@court.example")
    assert "hearing_known" not in names


@pytest.mark.parametrize(("procedure_id", "step_id", "name"), ADDRESSES, ids=IDS)
def test_a_good_address_or_none_passes_and_the_save_runs_the_same_rule(procedure_id, step_id, name):
    _check_its_page(procedure_id, step_id, name, "sam.officer@court.example")
    _check_its_page(procedure_id, step_id, name, "")  # optional: the team mailbox is used
    step = registry.get(procedure_id).steps[step_id]
    assert step.refusals(Ctx({name: NOT_AN_ADDRESS}, {}, TODAY)) == {name: REFUSAL}
    assert step.refusals(Ctx({name: "sam.officer@court.example"}, {}, TODAY)) == {}
