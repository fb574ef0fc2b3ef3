"""Deadlines on SRs: worked out by domain.deadlines for the case's region, recorded with their explanation.

`set_due` is a records-style primitive (inside the caller's transaction, never commits): when the SR
already has an open deadline of that kind (the hearing moved, so the second PV check moves with it),
that one is moved and the move audited, instead of a second deadline being added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Deadline, DeadlineSnooze, ServiceRequest, User
from domain import deadlines as rules
from domain.clock import format_uk, utcnow
from domain.reference import SRStatus
from services import audit, records
from services.actor import Actor
from services.attachments import load_sr
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """A deadline as the caseworker (wizard) and the team leader (SR detail) see it, with its explanation."""

    id: int
    sr_id: int
    kind: str
    due_at: datetime
    explanation: str
    done: bool
    overdue: bool
    sr_number: str = ""
    # A team leader's snooze still holding its reminders: the one that holds longest (QA: SR detail never said a
    # deadline's reminders were held, so a snooze could only be found in the timeline, and was offered again).
    snoozed_until: datetime | None = None
    snooze_said: str = ""  # who held them and why, as they wrote it
    # Its SR is closed: closing ends what is still open on it, so it is neither overdue nor still to do. Reminders,
    # Home and the console leave closed SRs out already (QA, seventh session: the finish page of a P5a run that closed
    # the SR listed the demo's review date on it as "overdue").
    sr_closed: bool = False

    @property
    def what(self) -> str:
        return rules.label(self.kind)

    @property
    def state(self) -> str:
        """Where it stands in a word or two: "met", "ended with the SR" (closed), "overdue" or "to do"."""
        if self.done:
            return "met"
        if self.sr_closed:
            return "ended with the SR (closed)"
        return "overdue" if self.overdue else "to do"

    @property
    def snoozed(self) -> str | None:
        """The hold in a sentence, while one holds an open deadline's reminders."""
        if self.snoozed_until is None or self.done or self.sr_closed:
            return None
        return f"Reminders held until {format_uk(self.snoozed_until)} by {self.snooze_said}"


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """An open deadline on a list of SRs (My work's day, the team leader's console), with its SR and explanation."""

    sr_id: int
    sr_number: str
    scin: str
    kind: str
    due_at: datetime
    explanation: str
    overdue: bool
    owner: str | None = None
    source: str = "deadline"  # "deadline" (a Deadline row) or "sr" (worked out from the SR's fields)

    @property
    def what(self) -> str:
        return rules.label(self.kind)


def set_due(session: Session, actor: Actor | None, sr: ServiceRequest, due: rules.Due) -> Deadline:
    """Record `due` on the SR, moving its open deadline of the same kind if it has one."""
    existing = session.scalar(
        select(Deadline).where(Deadline.sr_id == sr.id, Deadline.kind == due.kind, Deadline.done.is_(False))
    )
    if existing is None:
        return records.add_deadline(session, actor, sr, kind=due.kind, due_at=due.due_at, explanation=due.explanation)
    before = {"due_at": existing.due_at, "explanation": existing.explanation}
    existing.due_at, existing.explanation = due.due_at, due.explanation
    session.flush()
    audit.record(
        session,
        actor,
        "deadline.moved",
        entity_type="deadline",
        entity_id=existing.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        before=before,
        after={"kind": due.kind, "due_at": due.due_at, "explanation": due.explanation},
    )
    return existing


def complete(session: Session, actor: Actor | None, sr: ServiceRequest, kinds: Iterable[str]) -> list[Deadline]:
    """Mark the SR's open deadlines of these kinds done (the fee was paid, the wait is over), each audited."""
    met = session.scalars(
        select(Deadline)
        .where(Deadline.sr_id == sr.id, Deadline.kind.in_(tuple(kinds)), Deadline.done.is_(False))
        .order_by(Deadline.id)
    ).all()
    for row in met:
        row.done, row.done_at = True, utcnow()
        audit.record(
            session,
            actor,
            "deadline.done",
            entity_type="deadline",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            after={"kind": row.kind},
        )
    session.flush()
    return list(met)


def deadline_views(session: Session, sr_ids: Iterable[int]) -> tuple[DeadlineView, ...]:
    """The deadlines of these SRs (already access-checked by the caller), soonest first, with explanations."""
    ids = sorted(set(sr_ids))
    if not ids:
        return ()
    rows = session.execute(
        select(Deadline, ServiceRequest.number, ServiceRequest.status)
        .join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
        .where(Deadline.sr_id.in_(ids))
        .order_by(Deadline.due_at, Deadline.id)
    ).all()
    now = utcnow()
    held: dict[int, tuple[datetime, str]] = {}
    for deadline_id, until, reason, by in session.execute(
        select(DeadlineSnooze.deadline_id, DeadlineSnooze.until, DeadlineSnooze.reason, User.display_name)
        .join(User, User.id == DeadlineSnooze.by_id)
        .where(DeadlineSnooze.deadline_id.in_([r.id for r, _, _ in rows]), DeadlineSnooze.until > now)
        .order_by(DeadlineSnooze.until, DeadlineSnooze.id)
    ):
        held[deadline_id] = (until, f"{by}: {reason}")  # the longest hold last, so kept
    views = []
    for r, number, status in rows:
        closed = status == SRStatus.CLOSED.value
        held_until, said = held.get(r.id, (None, ""))
        views.append(
            DeadlineView(
                r.id, r.sr_id, r.kind, r.due_at, r.explanation, r.done, not r.done and not closed and r.due_at < now,
                number, held_until, said, sr_closed=closed,
            )
        )  # fmt: skip
    return tuple(views)


def sr_deadlines(actor: Actor, sr_id: int) -> list[DeadlineView]:
    """An SR's deadlines, soonest first, each with its explanation and whether it is overdue now."""
    with transaction(read_only=True) as session:
        load_sr(session, actor, sr_id, action="see this service request's deadlines")
        return list(deadline_views(session, [sr_id]))
