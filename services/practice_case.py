"""The fictional case of a practice run, and the scenario values that stand for dates and uploads.

A practice case is a *transient* `Case` (never added to a session, so never flushed): the scenario's `facts`
over FICTIONAL_CASE, under the practice reference where a SCIN would be.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from db.models import ArrearsPeriod, Case, LiabilityOrder

FICTIONAL_CASE: dict[str, Any] = {
    "scheme": "CSA 2003",
    "region": "England",
    "segment": 1,
    "sensitive": False,
    "nationally_sensitive": False,
    "potentially_violent": False,
    "legacy_ongoing_enforcement": False,
    "csa_liability_ended": False,
    "financial_transition_complete": False,
    "arrears_balance": "0.00",
    "sos_arrears": "0.00",
    "receiving_parent": "Robin Practice",
    "receiving_parent_address": "1 Rehearsal Road\nSampletown\nZZ1 1ZZ",
    "paying_parent": "Jordan Exercise",
    "paying_parent_address": "2 Drill Lane\nSampletown\nZZ1 2ZZ",
    "liability_orders": [],
    "arrears_periods": [],
}
"""The fictional case every scenario starts from; a scenario's `facts` override what its story needs."""


def blank_pdf() -> bytes:
    """A real one-page blank PDF, for a scenario's "pdf:<file name>" upload."""

    from pypdf import PdfWriter  # here, not at the top: only a scenario with an upload needs it

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def resolve(value: Any, today: date) -> Any:
    """Scenario values may say "today+3" or "today+3 10:30" (or "today-1"): dates relative to the rehearsal;
    "pdf:outcome.pdf" uploads a blank PDF of that name."""
    if isinstance(value, str) and value.startswith("pdf:"):
        return (value[4:], blank_pdf())
    if isinstance(value, str) and re.fullmatch(r"today([+-]\d+)?( \d\d:\d\d)?", value):
        day_part, _, clock = value.partition(" ")
        offset = int(day_part[5:] or 0)
        day = today + timedelta(days=offset)
        return f"{day.isoformat()} {clock}" if clock else day.isoformat()
    if isinstance(value, list):
        return [resolve(v, today) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, today) for k, v in value.items()}
    return value


def fictional_case(reference: str, facts: Mapping[str, Any], team_id: int | None, today: date) -> Case:
    """A transient Case (never added to a session) with the scenario's facts, under the practice reference."""
    merged = {**FICTIONAL_CASE, **resolve(dict(facts), today)}
    case = Case(
        id=0,
        scin=reference,
        scheme=merged["scheme"],
        receiving_parent_name=merged["receiving_parent"],
        receiving_parent_address=merged["receiving_parent_address"],
        paying_parent_name=merged["paying_parent"],
        paying_parent_address=merged["paying_parent_address"],
        segment=int(merged["segment"]),
        region=merged["region"],
        team_id=team_id or 0,
        sensitive=bool(merged["sensitive"]),
        nationally_sensitive=bool(merged["nationally_sensitive"]),
        potentially_violent=bool(merged["potentially_violent"]),
        legacy_ongoing_enforcement=bool(merged["legacy_ongoing_enforcement"]),
        csa_liability_ended=bool(merged["csa_liability_ended"]),
        financial_transition_complete=bool(merged["financial_transition_complete"]),
        arrears_balance=Decimal(str(merged["arrears_balance"])),
        sos_arrears=Decimal(str(merged["sos_arrears"])),
    )
    # Plain lists on a transient row: CaseFacts reads them like loaded relationships, and nothing is flushed.
    case.__dict__["liability_orders"] = [
        LiabilityOrder(
            court=lo["court"],
            granted_on=date.fromisoformat(lo["granted_on"]),
            amount=Decimal(str(lo["amount"])),
            discharged=bool(lo.get("discharged", False)),
            enforcement=lo.get("enforcement"),
        )
        for lo in merged["liability_orders"]
    ]
    case.__dict__["arrears_periods"] = [
        ArrearsPeriod(
            period_start=date.fromisoformat(p["start"]),
            period_end=date.fromisoformat(p["end"]),
            amount_due=Decimal(str(p["due"])),
            amount_paid=Decimal(str(p["paid"])),
        )
        for p in merged["arrears_periods"]
    ]
    return case


def real_json(value: Any) -> Any:
    """A letter context as JSON (dates and money as text), as the real letter row stores it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): real_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [real_json(v) for v in value]
    return value
