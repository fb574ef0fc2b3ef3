"""Deadlines on SRs: worked out by domain.deadlines for the case's region, recorded with their explanation.

`set_due` is a records-style primitive (inside the caller's transaction, never commits): when the SR
already has an open deadline of that kind (the hearing moved, so the second PV check moves with it),
that one is moved and the move audited, instead of a second deadline being added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Deadline, ServiceRequest
from domain import deadlines as rules
from domain.clock import utcnow
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
        after={"due_at": due.due_at, "explanation": due.explanation},
    )
    return existing


def set_court_fee_deadline(
    session: Session, actor: Actor | None, sr: ServiceRequest, *, email_received_at: datetime
) -> Deadline:
    """P5a: the court fee payment, two days after the ECM's email, by the case's region."""
    return set_due(session, actor, sr, rules.court_fee_payment(email_received_at, sr.case.region))


def set_hearing_deadlines(session: Session, actor: Actor | None, sr: ServiceRequest) -> list[Deadline]:
    """P5b/c/d: the hearing and the second PV check 48 hours before it, from the SR's hearing_at."""
    if sr.hearing_at is None:
        raise ValueError(f"SR {sr.number} has no hearing date yet")
    return [
        set_due(session, actor, sr, rules.hearing(sr.hearing_at, sr.court)),
        set_due(session, actor, sr, rules.second_pv_check(sr.hearing_at, sr.case.region)),
    ]


def set_appointment_deadline(session: Session, actor: Actor | None, sr: ServiceRequest) -> Deadline:
    """P5e step 4: the face to face appointment, from the SR's appointment_at and location."""
    if sr.appointment_at is None:
        raise ValueError(f"SR {sr.number} has no appointment yet")
    return set_due(session, actor, sr, rules.appointment(sr.appointment_at, sr.appointment_location))


def set_representations_deadline(
    session: Session, actor: Actor | None, sr: ServiceRequest, *, letters_sent_on: date
) -> Deadline:
    """P4 step 3: the end of the 30 days for representations."""
    return set_due(session, actor, sr, rules.representations_end(letters_sent_on, sr.case.region))


def complete(session: Session, actor: Actor | None, sr: ServiceRequest, kind: str) -> Deadline | None:
    """Mark the SR's open deadline of `kind` done (the fee was paid, the PV check was sent)."""
    row = session.scalar(
        select(Deadline).where(Deadline.sr_id == sr.id, Deadline.kind == kind, Deadline.done.is_(False))
    )
    if row is None:
        return None
    row.done, row.done_at = True, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "deadline.done",
        entity_type="deadline",
        entity_id=row.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        after={"kind": kind},
    )
    return row


def deadline_views(session: Session, sr_ids: Iterable[int]) -> tuple[DeadlineView, ...]:
    """The deadlines of these SRs (already access-checked by the caller), soonest first, with explanations."""
    ids = sorted(set(sr_ids))
    if not ids:
        return ()
    rows = session.execute(
        select(Deadline, ServiceRequest.number)
        .join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
        .where(Deadline.sr_id.in_(ids))
        .order_by(Deadline.due_at, Deadline.id)
    ).all()
    now = utcnow()
    return tuple(
        DeadlineView(r.id, r.sr_id, r.kind, r.due_at, r.explanation, r.done, not r.done and r.due_at < now, number)
        for r, number in rows
    )


def sr_deadlines(actor: Actor, sr_id: int) -> list[DeadlineView]:
    """An SR's deadlines, soonest first, each with its explanation and whether it is overdue now."""
    with transaction() as session:
        load_sr(session, actor, sr_id, action="see this service request's deadlines")
        return list(deadline_views(session, [sr_id]))
