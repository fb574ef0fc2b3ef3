"""Read models for pages: plain frozen dataclasses, so a page never holds a live database object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from db.models import Case, ServiceRequest


@dataclass(frozen=True, slots=True)
class CaseBanner:
    """What every screen about a case shows first: who, which scheme, and the warnings."""

    case_id: int
    scin: str
    scheme: str
    receiving_parent: str
    paying_parent: str
    segment: int
    region: str
    team_id: int
    potentially_violent: bool
    sensitive: bool
    nationally_sensitive: bool
    legacy_ongoing_enforcement: bool
    arrears_balance: Decimal
    sos_arrears: Decimal
    # Where the case stands in the move from CSA to CMS: P1 and P4 turn on these two facts.
    csa_liability_ended: bool = False
    financial_transition_complete: bool = False

    @property
    def transition_status(self) -> str:
        """The case's place in the move from the CSA scheme to CMS, in words."""
        if self.scheme not in ("CSA 1993", "CSA 2003"):
            return "CMS 2012 scheme case"
        liability = "CSA liability has ended" if self.csa_liability_ended else "CSA liability has not ended"
        transition = (
            "financial transition to CMS is complete"
            if self.financial_transition_complete
            else "financial transition to CMS is not complete"
        )
        return f"{liability}; {transition}"

    @classmethod
    def of(cls, case: Case) -> CaseBanner:
        return cls(
            case.id,
            case.scin,
            case.scheme,
            case.receiving_parent_name,
            case.paying_parent_name,
            case.segment,
            case.region,
            case.team_id,
            case.potentially_violent,
            case.sensitive,
            case.nationally_sensitive,
            case.legacy_ongoing_enforcement,
            case.arrears_balance,
            case.sos_arrears,
            case.csa_liability_ended,
            case.financial_transition_complete,
        )


@dataclass(frozen=True, slots=True)
class SRRow:
    id: int
    number: str
    case_id: int
    scin: str
    label: str
    status: str
    sub_status: str | None
    owner: str | None
    created_at: datetime
    updated_at: datetime
    potentially_violent: bool
    sensitive: bool
    catalogue: tuple[str, str | None, str | None]
    reason: str | None = None

    @classmethod
    def of(cls, sr: ServiceRequest) -> SRRow:
        return cls(
            sr.id,
            sr.number,
            sr.case_id,
            sr.case.scin,
            sr.label,
            sr.status,
            sr.sub_status,
            sr.owner.display_name if sr.owner else None,
            sr.created_at,
            sr.updated_at,
            sr.case.potentially_violent,
            sr.case.sensitive,
            (sr.process, sr.area, sr.sub_area),
            sr.reason,
        )


@dataclass(frozen=True, slots=True)
class BegunFrom:
    """The SR a run was begun from without working on it (P1 from a complaint or appeal SR: services/run_start.py),
    named as My work and SR detail name an SR: its number and its type."""

    sr_id: int
    number: str
    label: str  # "Escalated Enquiries / Complaints / Resolution", as the SR lists show it

    @property
    def words(self) -> str:
        """ "SR 1-00000012 (Escalated Enquiries / Complaints / Resolution)"."""
        return f"SR {self.number} ({self.label})"

    @classmethod
    def of(cls, sr: ServiceRequest | None) -> BegunFrom | None:
        return None if sr is None else cls(sr.id, sr.number, sr.label)


def begun_words(begun: BegunFrom | None, here: int | None = None) -> str:
    """Where a run was begun: "begun from SR ... (...)", "begun from this SR" (`here`, the SR being looked at) or
    "started from the case, not from an SR"."""
    if begun is None:
        return "started from the case, not from an SR"
    return "begun from this SR" if begun.sr_id == here else f"begun from {begun.words}"


def begun_counted(begun: Sequence[BegunFrom | None], here: int | None = None) -> str:
    """Runs in progress counted by where each was begun, `here` first, then other SRs, then the case: "2 begun from
    this SR and 1 started from the case, not from an SR" (My work's and Start a procedure's notes share the words)."""
    counts: dict[str, int] = {}
    for b in sorted(begun, key=lambda b: (b is None, b is not None and b.sr_id != here, b.number if b else "")):
        words = begun_words(b, here)
        counts[words] = counts.get(words, 0) + 1
    listed = [f"{count} {words}" for words, count in counts.items()]
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
