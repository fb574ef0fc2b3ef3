"""The demo cases are what a new caseworker practises on: their account must add up, or P4 refuses the account
breakdown on them (the arrears periods must leave exactly the balance the stable balance letter states)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Case
from services.transaction import transaction


def test_every_demo_case_s_arrears_periods_add_up_to_its_balance_which_covers_the_secretary_of_state_part(demo_db):
    with transaction() as session:
        cases = session.scalars(select(Case).options(selectinload(Case.arrears_periods))).all()
        assert cases
        for case in cases:
            assert case.arrears_periods, case.scin
            left = sum((p.amount_due - p.amount_paid for p in case.arrears_periods), Decimal("0.00"))
            assert left == case.arrears_balance, case.scin
            assert case.arrears_balance >= case.sos_arrears, case.scin
            assert all(p.amount_paid >= 0 and p.amount_due >= p.amount_paid for p in case.arrears_periods), case.scin
