"""EX1 Arrears statement on request: the example procedure of docs/adding-a-procedure.md.

Test-only: it is registered into `procedures.registry` and `letters.catalogue` by the `example_registered`
fixture (tests/example_procedure/conftest.py) for the length of a test, never by product code. It is
built exactly as a real procedure is (compare procedures/p1_csa_information_required.py): a strict
`StateMachine` whose states are the steps and whose guard is a rule named as a question, a `Step` of data
beside each state, pure effect functions, and a `Procedure` tying them together.

Two steps: record the paying parent's request on an SR (one SR, an existing SR catalogue entry), then, if
they want it in writing, record a statement letter as due (one letter, the test-only template below) and
close the SR. The SR type and wording are an example, not a published procedure.
"""

from __future__ import annotations

import pytest
from statemachine import State, StateMachine

from domain import reference
from domain.clock import format_date
from domain.reference import SRStatus, SubStatus
from letters import catalogue
from letters.catalogue import AMOUNT_OWED, LETTER_HEAD, Scenario, TemplateSpec
from procedures import registry
from procedures.definition import Ctx, Field, Procedure, Step
from procedures.effects import AddNote, CreateSR, Effect, LetterDue, SetStatus

STATEMENT = "CWGX001"  # a code of ours ("CWG"): the published procedures name no such letter
SR_TYPE = "sr.arrears_review"  # an existing entry of the reference catalogue (domain/reference.py SR_TYPES)


class ExampleMachine(StateMachine):
    """States are the steps; the guard is the rule, named as a question."""

    record_request = State("Record the request", initial=True)
    send_statement = State("Send the arrears statement")
    done = State("Finished", final=True)

    proceed = (
        record_request.to(send_statement, cond="wants_statement") | record_request.to(done) | send_statement.to(done)
    )

    def wants_statement(self, ctx: Ctx) -> bool:
        return bool(ctx["wants_statement"])


def _open_sr(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = [
        CreateSR("main", *reference.sr_type(SR_TYPE), status=SRStatus.IN_PROGRESS, status_given=False),
        AddNote("main", f"Paying parent asked about their arrears balance: {ctx['request']}", typed=True),
    ]
    if not ctx["wants_statement"]:
        effects.append(SetStatus("main", SRStatus.CLOSED, SubStatus.COMPLETE, status_given=False))
    return effects


def _statement(ctx: Ctx) -> list[Effect]:
    return [
        LetterDue(
            "main",
            STATEMENT,
            "paying_parent",
            {
                "letter_date": ctx.today,
                "recipient_name": ctx.fact("paying_parent"),  # case facts: services.case_facts.CaseFacts
                "recipient_address": ctx.fact("paying_parent_address"),
                "scin": ctx.fact("scin"),
                "amount_owed": ctx["balance"],
            },
        ),
        AddNote("main", f"Arrears statement dated {format_date(ctx.today)} recorded as due to the paying parent."),
        SetStatus("main", SRStatus.CLOSED, SubStatus.COMPLETE, status_given=False),
    ]


STEPS = {
    "record_request": Step(
        title="Record the request",
        guidance="Note what the paying parent asked, and whether they want the balance in writing.",
        checklist=("I have checked the caller is the paying parent",),
        fields=(
            Field("request", label="What they asked", kind="long_text"),
            Field("wants_statement", label="Do they want a written statement?", kind="yes_no"),
        ),
        effects=_open_sr,
    ),
    "send_statement": Step(
        title="Send the arrears statement",
        guidance="Confirm the balance on the case; the statement is recorded as due and produced from Letters.",
        fields=(Field("balance", label="Arrears balance", kind="money", default_fact="arrears_balance"),),
        effects=_statement,
    ),
    "done": Step(title="Finished", guidance="The request is recorded.", final=True),
}

PROCEDURE = Procedure(
    id="EX1",
    version="1",
    title="Arrears statement on request (example)",
    seed="",  # a real procedure names its seed file in docs/seeds/ and has rows in procedures/trace.py
    roles=("caseworker",),
    starts="A paying parent asks for their arrears balance.",
    machine=ExampleMachine,
    steps=STEPS,
    main_sr=reference.sr_type(SR_TYPE),
)


def statement_spec() -> TemplateSpec:
    """The letter's catalogue entry: who gets it, which step records it, its fields and a fictional sample."""
    return TemplateSpec(
        code=STATEMENT,
        title="Arrears statement to the paying parent (example)",
        kind="letter",
        recipient="paying_parent",
        used_by=(("EX1", "send_statement"),),
        fields=(*LETTER_HEAD, AMOUNT_OWED),
        samples=(
            Scenario(
                "standard",
                "A balance of £1,234.56",
                {
                    "letter_date": "2026-11-23",
                    "recipient_name": "Sam Sample",
                    "recipient_address": "1 Example Street\nExampletown\nEX1 1AA",
                    "scin": "210987654321",
                    "amount_owed": "1234.56",
                },
                ("23 November 2026", "£1,234.56"),
            ),
        ),
        ours=True,
    )


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the procedure and its letter where the product looks for them; `monkeypatch` takes them out again."""
    monkeypatch.setitem(registry.REGISTRY, (PROCEDURE.id, PROCEDURE.version), PROCEDURE)
    monkeypatch.setitem(catalogue.TEMPLATES, STATEMENT, statement_spec())


__all__ = ["PROCEDURE", "STATEMENT", "register", "statement_spec"]
