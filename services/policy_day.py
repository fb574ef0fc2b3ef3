"""Home for policy staff: what is waiting on them, in the words of the pages that act on it.

Decisions (no issue names a policy home; it said only "open Letter preview"):
- **Values waiting for confirmation**: every reference value policy staff have not confirmed or corrected
  (services/reference.py), the ones a step uses first, most-used first. Until one is confirmed, caseworkers are told
  what to choose in words and the value only as a suggestion, so these are the values that matter to them most.
- **Where caseworkers are refused most**: the steps with the most refused answers over Insight's default period,
  every team, from the same figures Insight shows policy staff (counts under Insight's smallest are not shown there,
  so they are not here either). A step with none shown is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services import insight as step_insight
from services import reference
from services.access import require_role
from services.actor import Actor
from services.transaction import transaction

VALUES_LISTED = 5
STEPS_LISTED = 3


@dataclass(frozen=True, slots=True)
class WaitingValue:
    kind: str
    suggestion: str
    where_used: str
    steps: int  # how many steps use it


@dataclass(frozen=True, slots=True)
class RefusedStep:
    procedure_id: str
    title: str
    reached: int | None  # None: fewer than Insight's smallest count
    refused: int


@dataclass(frozen=True, slots=True)
class PolicyDay:
    unconfirmed_total: int
    unconfirmed_used: int  # of those, the ones a step uses
    values: list[WaitingValue]
    refused_steps: list[RefusedStep]
    days: int  # the period the refused steps cover, ending today


def policy_day(actor: Actor, *, today: date | None = None) -> PolicyDay:
    """The values waiting for policy staff to confirm and the steps where caseworkers are refused most (over the
    period ending `today`, a UK calendar day; None: today)."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="see what is waiting for policy staff")
    entries = [e for e in reference.list_entries(actor) if e.source == "unconfirmed"]
    used = sorted((e for e in entries if e.used_at), key=lambda e: (-len(e.used_at), e.kind, e.value))
    figures = step_insight.insight(actor, today=today)
    steps = [s for p in figures.procedures for s in p.steps if s.errors]
    steps.sort(key=lambda s: (-(s.errors or 0), s.procedure_id, s.title))
    return PolicyDay(
        unconfirmed_total=len(entries),
        unconfirmed_used=len(used),
        values=[WaitingValue(e.kind, e.value, e.where_used, len(e.used_at)) for e in used[:VALUES_LISTED]],
        refused_steps=[RefusedStep(s.procedure_id, s.title, s.reached, s.errors or 0) for s in steps[:STEPS_LISTED]],
        days=(figures.until - figures.since).days + 1,
    )
