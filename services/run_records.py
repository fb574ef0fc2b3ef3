"""What a run's SRs hold (letters, deadlines, case files, emails), read for the wizard in ONE round trip.

Every wizard step and redraw shows these four panels. Four queries (one per table) cost four round trips
and four ORM passes each time, though most steps have nothing in most panels; one UNION ALL of small
column projections costs one. The four selects share a fixed row shape: a tag naming the table, the row's
id, SR id and SR number, then typed slots each table fills with its own columns (NULL elsewhere). Only
NULLs are cast (never a real column: SQLite's CAST would change stored values); the first select's types
give every slot its result processing (UTCDateTime stays aware UTC on both databases). Bytes are never
selected. Each panel's order is restored in Python, since a UNION has no order of its own per part.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Integer, Select, String, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from db.models import Attachment, Deadline, Letter, OutboundEmail, ServiceRequest
from db.types import UTCDateTime
from domain.clock import utcnow
from domain.reference import SRStatus
from letters import catalogue as letter_catalogue
from services import letter_contact
from services.attachments import AttachmentView
from services.deadlines import DeadlineView
from services.email import EmailView
from services.run_views import LetterLine

# Slot name -> type; each table's select fills the slots it needs and leaves the rest NULL of that type.
_SLOTS: dict[str, Any] = {
    "s1": String(),
    "s2": String(),
    "s3": String(),
    "s4": String(),
    "s5": String(),
    "t1": UTCDateTime(),
    "t2": UTCDateTime(),
    "i1": Integer(),
    "b1": Boolean(),
}


@dataclass(frozen=True, slots=True)
class RunRecords:
    letters: tuple[LetterLine, ...] = ()
    deadlines: tuple[DeadlineView, ...] = ()
    files: tuple[AttachmentView, ...] = ()
    emails: tuple[EmailView, ...] = ()


def _part(tag: str, model: Any, filled: dict[str, Any]) -> Select[Any]:
    slots = [
        filled[name].label(name) if name in filled else cast(null(), kind).label(name) for name, kind in _SLOTS.items()
    ]
    return (
        select(literal(tag, String()).label("tag"), model.id.label("id"), model.sr_id.label("sr_id"))
        .add_columns(ServiceRequest.number.label("number"), *slots)
        .join(ServiceRequest, ServiceRequest.id == model.sr_id)
        .where(model.sr_id.in_(bindparam("sr_ids", expanding=True)))
    )


def _letter_line(r: Any) -> LetterLine:
    """A letter row as the panel shows it: the catalogue's title and whether it is sent as PDF (a code no
    longer in the catalogue shows as itself), and what to do about our contact details: set them before a due one
    is produced, add them by hand to one produced without them (as stored when it was produced, `b1`)."""
    spec = letter_catalogue.TEMPLATES.get(r.s1)
    title, as_pdf = (spec.title, spec.send_as_pdf) if spec is not None else (r.s1, False)
    without = r.s3 != "due" and bool(r.b1)
    notice = letter_contact.not_set_notice(spec) if spec is not None and r.s3 == "due" else None
    if without:
        notice = letter_contact.PRODUCED_WITHOUT
    return LetterLine(r.id, r.s1, title, r.s2, r.s3, r.s4, r.number, as_pdf, notice, without)


# Built once: building the statement costs more Python than running it on a small case.
_QUERY = union_all(
    _part(
        "letter",
        Letter,
        {
            "s1": Letter.template_code,
            "s2": Letter.recipient,
            "s3": Letter.status,
            "s4": Letter.file_name,
            "b1": Letter.without_contact,
        },
    ),
    _part(
        "deadline",
        Deadline,
        {
            "s1": Deadline.kind,
            "s2": Deadline.explanation,
            "s3": ServiceRequest.status,  # closing the SR ends its open deadlines (DeadlineView.sr_closed)
            "t1": Deadline.due_at,
            "b1": Deadline.done,
        },
    ),
    _part(
        "file",
        Attachment,
        {
            "s1": Attachment.kind,
            "s2": Attachment.file_name,
            "s3": Attachment.media_type,
            "s4": Attachment.sha256,
            "i1": Attachment.size,
            "t1": Attachment.created_at,
            "t2": Attachment.deleted_at,
        },
    ),
    _part(
        "email",
        OutboundEmail,
        {
            "s1": OutboundEmail.to_addrs,
            "s2": OutboundEmail.subject,
            "s3": OutboundEmail.status,
            "s4": OutboundEmail.error,
            "s5": OutboundEmail.message_id,
            "t1": OutboundEmail.created_at,
            "t2": OutboundEmail.sent_at,
        },
    ),
)


def run_records(session: Session, sr_ids: Iterable[int]) -> RunRecords:
    """The letters, deadlines, files and emails of these SRs (already access-checked by the caller)."""
    ids = sorted(set(sr_ids))
    if not ids:
        return RunRecords()
    rows = session.execute(_QUERY, {"sr_ids": ids}).all()
    if not rows:
        return RunRecords()
    now = utcnow()
    letters, deadlines, files, emails = [], [], [], []
    for r in sorted(rows, key=lambda r: r.id):
        if r.tag == "letter":
            letters.append(_letter_line(r))
        elif r.tag == "deadline":
            done, closed = bool(r.b1), r.s3 == SRStatus.CLOSED.value
            deadlines.append(
                DeadlineView(
                    r.id, r.sr_id, r.s1, r.t1, r.s2, done, not done and not closed and r.t1 < now, r.number,
                    sr_closed=closed,
                )
            )  # fmt: skip
        elif r.tag == "file":
            files.append(AttachmentView(r.id, r.sr_id, r.s1, r.s2, r.s3, r.i1, r.s4, r.t1, r.t2, None))
        else:
            emails.append(EmailView(r.id, r.sr_id, r.number, r.s1, r.s2, r.s3, r.s4, r.t1, r.t2, r.s5))
    deadlines.sort(key=lambda d: (d.due_at, d.id))
    return RunRecords(tuple(letters), tuple(deadlines), tuple(files), tuple(emails))
