"""The recipe's example procedure (docs/adding-a-procedure.md), walked through the run API on the demo data.

If the recipe's steps stop being enough to add a procedure, an SR and a letter, this test fails.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.models import Case
from domain.clock import uk_local, utcnow
from letters import catalogue
from procedures import registry
from services import run_context, run_outcomes
from services.errors import ValidationFailed
from services.transaction import transaction
from tests.example_procedure.procedure import PROCEDURE, STATEMENT, register
from tests.procedures.walk import Walk, find_case

pytestmark = pytest.mark.usefixtures("example_registered")

REQUEST = "Asked what they still owe after the last payment"


@pytest.fixture
def caseworker(actor_for):
    return actor_for("caseworker")


def _case(case_id: int) -> Case:
    with transaction() as session:
        case = session.get_one(Case, case_id)
        session.expunge(case)
        return case


def test_the_example_is_registered_only_while_the_fixture_holds_it():
    assert registry.get("EX1") is PROCEDURE
    assert catalogue.get(STATEMENT).used_by == (("EX1", "send_statement"),)
    with pytest.MonkeyPatch.context() as inner:
        inner.delitem(registry.REGISTRY, ("EX1", "1"))
        inner.delitem(catalogue.TEMPLATES, STATEMENT)
        with pytest.MonkeyPatch.context() as mp:
            register(mp)
            assert registry.get("EX1") is PROCEDURE
        with pytest.raises(registry.UnknownProcedure):
            registry.get("EX1")
        with pytest.raises(KeyError):
            catalogue.get(STATEMENT)


def test_a_written_statement_creates_the_sr_records_the_letter_due_and_closes_the_sr(demo_db, caseworker):
    case_id = find_case(caseworker)
    case = _case(case_id)
    walk = Walk(caseworker, "EX1", case_id)
    assert walk.step == "record_request"

    view = walk.answer(confirm=False, request=REQUEST, wants_statement=True)
    assert view.awaiting_confirmation  # creating an SR waits for "check your answers"
    walk.confirm()
    assert walk.step == "send_statement"

    view = walk.answer(confirm=False, balance="1234.56")
    assert view.awaiting_confirmation  # so does recording a letter
    walk.confirm()

    outcome = walk.outcome()
    assert outcome.status == "finished"
    assert walk.path() == ["record_request", "send_statement", "done"]
    assert set(outcome.srs) == {"main"}
    main = outcome.srs["main"]
    assert (main.process, main.area, main.sub_area) == ("Arrears", "Arrears Management", "Arrears Review")
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    assert f"Paying parent asked about their arrears balance: {REQUEST}" in main.notes
    assert len(outcome.letters) == 1
    code, recipient, status, context = outcome.letters[0]
    assert (code, recipient, status) == (STATEMENT, "paying_parent", "due")
    today = uk_local(utcnow()).date()
    assert context["recipient_name"] == case.paying_parent_name
    assert context["recipient_address"] == case.paying_parent_address
    assert context["scin"] == case.scin
    typed = catalogue.validate_context(STATEMENT, context)  # the recorded values are what the letter needs
    assert typed["amount_owed"] == Decimal("1234.56")
    assert typed["letter_date"] == today


def test_no_written_statement_closes_the_sr_without_a_letter(demo_db, caseworker):
    walk = Walk(caseworker, "EX1", find_case(caseworker))
    walk.answer(request=REQUEST, wants_statement=False)
    outcome = run_outcomes.run_outcome(caseworker, walk.view.run_id)
    assert outcome.status == "finished"
    assert walk.path() == ["record_request", "done"]
    assert (outcome.srs["main"].status, outcome.srs["main"].sub_status) == ("Closed", "Complete")
    assert outcome.letters == ()


def test_a_blank_balance_is_refused_at_the_field_and_records_nothing(demo_db, caseworker):
    walk = Walk(caseworker, "EX1", find_case(caseworker))
    walk.answer(request=REQUEST, wants_statement=True)
    before = walk.view.version
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(balance="")
    assert set(refused.value.errors) == {"balance"}
    assert run_context.view_run(caseworker, walk.view.run_id).version == before
    assert walk.outcome().letters == ()
