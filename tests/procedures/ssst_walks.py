"""Reading back what the SSST procedure walks (P5a-P5e) recorded: the allocated demo SR, the case, the
outbox, deadlines, tasks, stored files and bundles, audit events."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from typing import Any

from docx import Document
from sqlalchemy import select

from db.models import Attachment, AuditEvent, Case, Deadline, OutboundEmail, ProcedureRun, ServiceRequest, Task, User
from domain import mail
from domain.clock import uk_local
from services.actor import Actor
from services.transaction import transaction


def allocated_sr(actor: Actor, sub_area: str) -> tuple[int, int]:
    """(case id, SR id) of the first demo SR of this Sub Area allocated to the actor and not closed (the
    SSST Sub Areas each belong to one Process / Area in the catalogue)."""
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.sub_area == sub_area,
                ServiceRequest.status != "Closed",
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


def service_request(sr_id: int) -> ServiceRequest:
    """The SR as stored (detached, every column loaded)."""
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        session.expunge(sr)
        return sr


def sr_row(sr_id: int) -> dict[str, Any]:
    """The SR's columns by name."""
    sr = service_request(sr_id)
    return {c.name: getattr(sr, c.name) for c in ServiceRequest.__table__.columns}


def outbox_rows(sr_id: int) -> list[tuple[OutboundEmail, EmailMessage]]:
    """The SR's outbox rows, oldest first, with their stored RFC 5322 messages parsed back."""
    with transaction() as session:
        rows = session.scalars(select(OutboundEmail).where(OutboundEmail.sr_id == sr_id).order_by(OutboundEmail.id))
        out = []
        for row in rows:
            session.expunge(row)
            parsed = message_from_bytes(row.raw, policy=mail.POLICY)
            assert isinstance(parsed, EmailMessage)
            out.append((row, parsed))
        return out


def emails(sr_id: int) -> list[EmailMessage]:
    """The SR's emails in the outbox, oldest first, parsed back from the stored RFC 5322 bytes."""
    return [message for _row, message in outbox_rows(sr_id)]


def addresses(message: EmailMessage, header: str) -> list[str]:
    return [a.addr_spec for a in message[header].addresses]


def attached(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename() or "": part.get_content() for part in message.iter_attachments()}


def _deadline_rows(sr_id: int) -> list[Deadline]:
    with transaction() as session:
        rows = session.scalars(select(Deadline).where(Deadline.sr_id == sr_id).order_by(Deadline.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def deadlines(sr_id: int) -> dict[str, tuple[Deadline, ...]]:
    """The SR's deadlines by kind (detached rows: due_at, explanation, done)."""
    out: dict[str, tuple[Deadline, ...]] = {}
    for row in _deadline_rows(sr_id):
        out[row.kind] = (*out.get(row.kind, ()), row)
    return out


def deadline_list(sr_id: int) -> list[tuple[str, bool, str]]:
    """(kind, done, explanation) of the SR's deadlines, oldest first."""
    return [(d.kind, d.done, d.explanation) for d in _deadline_rows(sr_id)]


def tasks(sr_id: int) -> list[tuple[str, str, int | None]]:
    """(kind, text, assignee id) of the SR's tasks."""
    with transaction() as session:
        rows = session.scalars(select(Task).where(Task.sr_id == sr_id).order_by(Task.id)).all()
        return [(t.kind, t.text, t.assignee_id) for t in rows]


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
    return len(outbox_rows(sr_id)), len(_deadline_rows(sr_id)), len(audit_actions(sr_id))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def docx_text(data: bytes) -> str:
    """All the text of a .docx, paragraphs and table cells, read back with python-docx."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def user_id(username: str) -> int:
    with transaction() as session:
        found = session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


UNDER_WHAT_IT_SHOWED = 'under "What the second PV check showed": the CPO reads it in the email'


def pv_checks_disagree(run_id: str, first_check: str, where: str = UNDER_WHAT_IT_SHOWED) -> str:
    """The caution on a second PV check that says "no marker" after the run's first check (step `first_check`)
    recorded one, naming the day that first check was saved, as the run recorded it."""
    kind, at = _run_row(run_id).step_visits[first_check]
    assert kind == "submit"
    day = uk_local(datetime.fromisoformat(at)).date()
    return (
        f"The first PV check on this run, on {day.day} {day:%B %Y}, recorded a PV marker, but this check says there "
        "is none. A PV marker is rarely removed: look at the 2012 system again before you confirm. If the marker "
        "is still there, change this check's answer to Yes. If the marker really has been removed, write what the "
        f"2012 system says about its removal {where}."
    )


def _run_row(run_id: str) -> ProcedureRun:
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        session.expunge(run)
        return run
