"""Arranging P4 cases and time for the P4 tests: case facts set on a real row, and a clock that can move on."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from db.models import Case, Deadline, Letter, ProcedureRun, ServiceRequest
from services import run_context
from services.actor import Actor
from services.transaction import transaction
from tests.procedures.walk import Walk, find_case


class Clock:
    """Today as the procedure engine sees it; `advance` lets the 30-day periods pass without waiting."""

    def __init__(self) -> None:
        self.today: date = run_context.run_today()

    def __call__(self) -> date:
        return self.today

    def advance(self, days: int) -> None:
        self.today += timedelta(days=days)


def p4_case(actor: Actor, **facts: Any) -> int:
    """A case of the actor's team ready for P4 (liability ended, not yet transitioned), with `facts` set on it."""
    case_id = find_case(actor, csa_liability_ended=True, financial_transition_complete=False)
    values: dict[str, Any] = {
        "region": "England",
        "nationally_sensitive": False,
        "arrears_balance": Decimal("1000.00"),
        "sos_arrears": Decimal("0.00"),
        **facts,
    }
    with transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        for name, value in values.items():
            setattr(case, name, value)
        _periods_leave(case, Decimal(values["arrears_balance"]))
    return case_id


def _periods_leave(case: Case, balance: Decimal) -> None:
    """Make the case's account periods leave `balance` owed, as a real cleansed account does (the demo's periods
    are drawn apart from its balance): the same periods and amounts due, with the payments spread to fit."""
    periods = sorted(case.arrears_periods, key=lambda p: p.period_start)
    due = sum((p.amount_due for p in periods), Decimal("0.00"))
    if due < balance:
        periods[-1].amount_due += balance - due
        due = balance
    to_pay = due - balance
    for p in periods:
        p.amount_paid = min(p.amount_due, to_pay)
        to_pay -= p.amount_paid


def set_facts(case_id: int, **facts: Any) -> None:
    with transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        for name, value in facts.items():
            setattr(case, name, value)


def case_row(case_id: int) -> dict[str, Any]:
    with transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return {
            "receiving_parent": case.receiving_parent_name,
            "receiving_parent_address": case.receiving_parent_address,
            "paying_parent": case.paying_parent_name,
            "paying_parent_address": case.paying_parent_address,
            "scin": case.scin,
            "periods": [(p.period_start, p.period_end, p.amount_due, p.amount_paid) for p in case.arrears_periods],
        }


def counts(case_id: int) -> tuple[int, int, int]:
    """Runs, SRs and letters on the case: to show a refusal changed nothing."""
    with transaction() as session:
        srs = select(ServiceRequest.id).where(ServiceRequest.case_id == case_id)
        return (
            int(session.scalar(select(func.count()).where(ProcedureRun.case_id == case_id)) or 0),
            int(session.scalar(select(func.count()).select_from(srs.subquery())) or 0),
            int(session.scalar(select(func.count()).where(Letter.sr_id.in_(srs))) or 0),
        )


def to_await_response(walk: Walk, clock: Clock, balance: str = "1000.00") -> None:
    """Confirm the stable balance and record the stable balance letter dated today."""
    walk.answer(stable_balance=balance, cleanse_summary="Two duplicate payments removed")
    walk.answer(letter_date=clock.today.isoformat())
    assert walk.step == "await_response"


def to_after_window(walk: Walk, clock: Clock, amount: str) -> None:
    walk.answer(response="Receiving parent wants some or all of the arrears written off")
    walk.answer(write_off_amount=amount, write_off_letter_date=clock.today.isoformat())
    assert walk.step == "after_window"


def finish(walk: Walk, clock: Clock) -> None:
    """From record_outcome (CMG route, no dispute waiting for an answer) to the end."""
    walk.answer(dispute_before_outcome=False)
    assert walk.step == "send_to_cmg"
    walk.answer()
    walk.answer(closure_letter_date=clock.today.isoformat())
    assert walk.step == "done"


def open_deadlines(case_id: int) -> list[str]:
    """Kinds of the deadlines still open on the case's SRs (the demo's own SRs have review dates only)."""
    with transaction() as session:
        srs = select(ServiceRequest.id).where(ServiceRequest.case_id == case_id)
        kinds = session.scalars(
            select(Deadline.kind)
            .where(Deadline.sr_id.in_(srs), Deadline.done.is_(False), Deadline.kind != "review_date")
            .order_by(Deadline.id)
        )
        return list(kinds)
