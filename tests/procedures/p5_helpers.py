"""Reading back what the P5a and P5e walks recorded: the allocated demo SRs, the outbox, deadlines, files."""

from __future__ import annotations

from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from db.models import Attachment, AuditEvent, Case, Deadline, OutboundEmail, ServiceRequest, Task, User
from services.actor import Actor
from services.transaction import transaction


def allocated_sr(actor: Actor, sub_area: str) -> tuple[int, int]:
    """(case id, SR id) of the open demo SR of this Sub Area allocated to the actor."""
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.sub_area == sub_area,
                ServiceRequest.status == "Open",
            )
            .order_by(ServiceRequest.id)
        ).first()
        assert sr is not None, f"no open {sub_area} SR allocated to {actor.username} in the demo data"
        return sr.case_id, sr.id


def set_case(case_id: int, **facts: Any) -> None:
    with transaction() as session:
        case = session.get_one(Case, case_id)
        for name, value in facts.items():
            setattr(case, name, value)


def case_value(case_id: int, name: str) -> Any:
    with transaction() as session:
        return getattr(session.get_one(Case, case_id), name)


def sr_row(sr_id: int) -> dict[str, Any]:
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        return {c.name: getattr(sr, c.name) for c in ServiceRequest.__table__.columns}


def emails(sr_id: int) -> list[tuple[OutboundEmail, EmailMessage]]:
    """The SR's outbox rows with their stored RFC 5322 messages parsed back."""
    with transaction() as session:
        rows = session.scalars(select(OutboundEmail).where(OutboundEmail.sr_id == sr_id).order_by(OutboundEmail.id))
        out = []
        for row in rows:
            session.expunge(row)
            parsed = message_from_bytes(row.raw, policy=email_policy.default)
            assert isinstance(parsed, EmailMessage)
            out.append((row, parsed))
        return out


def deadlines(sr_id: int) -> list[tuple[str, bool, str]]:
    """(kind, done, explanation) of the SR's deadlines, oldest first."""
    with transaction() as session:
        rows = session.scalars(select(Deadline).where(Deadline.sr_id == sr_id).order_by(Deadline.id)).all()
        return [(d.kind, d.done, d.explanation) for d in rows]


def tasks_for(username: str) -> list[tuple[str, str, int | None]]:
    """(kind, text, sr id) of the tasks and messages assigned to a user."""
    with transaction() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        rows = session.scalars(select(Task).where(Task.assignee_id == user_id).order_by(Task.id)).all()
        return [(t.kind, t.text, t.sr_id) for t in rows]


def attachments(sr_id: int) -> list[Attachment]:
    with transaction() as session:
        rows = session.scalars(select(Attachment).where(Attachment.sr_id == sr_id).order_by(Attachment.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def audit_actions(sr_id: int) -> list[str]:
    with transaction() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.sr_id == sr_id).order_by(AuditEvent.id)))


def counts(sr_id: int) -> tuple[int, int, int]:
    """(emails, deadlines, audit events) on the SR: a refusal changes none of them."""
    return len(emails(sr_id)), len(deadlines(sr_id)), len(audit_actions(sr_id))
