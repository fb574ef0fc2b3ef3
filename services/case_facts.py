"""A case's facts as the procedures' guards, effects and prefills read them (`ctx.fact("region")`).

Out of services/runs.py: the case finder, My work and practice runs read the same facts without running a
step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from db.models import Case


def case_facts(case: Case) -> CaseFacts:
    """What guards may know about the case, read fresh in every transaction (cached on the loaded row)."""
    cached = case.__dict__.get("_facts")
    if cached is not None:
        return cached
    facts = case.__dict__["_facts"] = CaseFacts(case)
    return facts


def _liability_orders(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "court": lo.court,
            "granted_on": lo.granted_on,
            "amount": lo.amount,
            "discharged": lo.discharged,
            "enforcement": lo.enforcement,
        }
        for lo in case.liability_orders
    ]


def _arrears_periods(case: Case) -> list[dict[str, Any]]:
    return [
        {"start": p.period_start, "end": p.period_end, "due": p.amount_due, "paid": p.amount_paid}
        for p in case.arrears_periods
    ]


def _open_srs(case: Case) -> list[dict[str, Any]]:
    """The case's SRs that are not closed: a step about to create one can say the case has one already."""
    return [
        {
            "number": sr.number,
            "process": sr.process,
            "area": sr.area,
            "sub_area": sr.sub_area,
            "status": sr.status,
            "reason": sr.reason,
        }
        for sr in sorted(case.service_requests, key=lambda sr: sr.id)
        if sr.status != "Closed"
    ]


class CaseFacts(Mapping[str, Any]):
    """A case's facts as a read-only mapping, plus `extra` facts about the run.

    The case's liability orders and arrears periods are rows of their own: they are read (once, in the
    caller's transaction) only when a rule, an effect or a prefill asks for them, because most steps never
    do and each would cost a query on every step and every redraw.
    """

    _RELATED: dict[str, Callable[[Case], list[dict[str, Any]]]] = {
        "liability_orders": _liability_orders,
        "arrears_periods": _arrears_periods,
        "open_srs": _open_srs,
    }

    def __init__(self, case: Case) -> None:
        self._case = case
        self._related: dict[str, list[dict[str, Any]]] = {}  # shared with the copies with_extra makes
        self._values: dict[str, Any] = {
            "scin": case.scin,
            "scheme": case.scheme,
            "region": case.region,
            "segment": case.segment,
            "sensitive": case.sensitive,
            "nationally_sensitive": case.nationally_sensitive,
            "potentially_violent": case.potentially_violent,
            "legacy_ongoing_enforcement": case.legacy_ongoing_enforcement,
            "csa_liability_ended": case.csa_liability_ended,
            "financial_transition_complete": case.financial_transition_complete,
            "arrears_balance": case.arrears_balance,
            "sos_arrears": case.sos_arrears,
            "receiving_parent": case.receiving_parent_name,
            "receiving_parent_address": case.receiving_parent_address,
            "paying_parent": case.paying_parent_name,
            "paying_parent_address": case.paying_parent_address,
        }

    def with_extra(self, **extra: Any) -> CaseFacts:
        """These facts and `extra`; related rows read through either are read once for both."""
        facts = CaseFacts.__new__(CaseFacts)
        facts._case, facts._related, facts._values = self._case, self._related, {**self._values, **extra}
        return facts

    def __getitem__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name not in self._RELATED:
            raise KeyError(name)
        if name not in self._related:
            self._related[name] = self._RELATED[name](self._case)
        return self._related[name]

    def __contains__(self, name: object) -> bool:
        return name in self._values or name in self._RELATED

    def __iter__(self) -> Iterator[str]:
        yield from self._values
        yield from (name for name in self._RELATED if name not in self._values)

    def __len__(self) -> int:
        return len(self._values) + sum(1 for name in self._RELATED if name not in self._values)
