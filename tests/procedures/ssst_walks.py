"""Helpers for walking the SSST court procedures (P5b, P5c): the demo SR, emails, bundles, deadlines."""

from __future__ import annotations

import io
import zipfile
from email import message_from_bytes
from email.message import EmailMessage

from docx import Document
from sqlalchemy import select

from db.models import Attachment, Deadline, OutboundEmail, ServiceRequest, Task, User
from domain import mail
from services.actor import Actor
from services.transaction import transaction


def allocated_sr(actor: Actor, sub_area: str) -> tuple[int, int]:
    """(case id, SR id) of the first open demo Enforcement / Court Presentation SR allocated to the actor."""
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.process == "Enforcement",
                ServiceRequest.area == "Court Presentation",
                ServiceRequest.sub_area == sub_area,
                ServiceRequest.status != "Closed",
            )
            .order_by(ServiceRequest.id)
        ).first()
        assert sr is not None, f"no demo {sub_area} SR allocated to {actor.username}"
        return sr.case_id, sr.id


def sr_row(sr_id: int) -> ServiceRequest:
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        session.expunge(sr)
        return sr


def emails(sr_id: int) -> list[EmailMessage]:
    """The SR's emails in the outbox, oldest first, parsed back from the stored RFC 5322 bytes."""
    with transaction() as session:
        rows = session.scalars(select(OutboundEmail).where(OutboundEmail.sr_id == sr_id).order_by(OutboundEmail.id))
        parsed = [message_from_bytes(row.raw, policy=mail.POLICY) for row in rows]
    return [m for m in parsed if isinstance(m, EmailMessage)]


def addresses(message: EmailMessage, header: str) -> list[str]:
    return [a.addr_spec for a in message[header].addresses]


def attached(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename() or "": part.get_content() for part in message.iter_attachments()}


def tasks(sr_id: int) -> list[tuple[str, str, int | None]]:
    with transaction() as session:
        rows = session.scalars(select(Task).where(Task.sr_id == sr_id).order_by(Task.id)).all()
        return [(t.kind, t.text, t.assignee_id) for t in rows]


def deadlines(sr_id: int) -> dict[str, tuple[Deadline, ...]]:
    """The SR's deadlines by kind (expunged rows: due_at, explanation, done)."""
    with transaction() as session:
        rows = session.scalars(select(Deadline).where(Deadline.sr_id == sr_id).order_by(Deadline.id)).all()
        for row in rows:
            session.expunge(row)
    out: dict[str, tuple[Deadline, ...]] = {}
    for row in rows:
        out[row.kind] = (*out.get(row.kind, ()), row)
    return out


def files(sr_id: int) -> list[Attachment]:
    with transaction() as session:
        rows = session.scalars(select(Attachment).where(Attachment.sr_id == sr_id).order_by(Attachment.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


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
