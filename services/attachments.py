"""Files on an SR: the outcome PDF scanned on to the system, and downloads of any stored file.

The outcome (P5b step 7, P5c step 12, P5d step 12) must be a real PDF: see domain.files for the check,
the 10 MB limit and the safe stored name. A refused file is reported at the field and nothing is stored.
Files are kept in the database (Attachment.content), so they share its backups and transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, ServiceRequest, User
from domain.clock import format_uk
from domain.files import FileRefused, check_pdf, safe_file_name, sha256
from services import audit
from services.access import check_sr, require_role, unavailable
from services.actor import Actor
from services.downloads import FileDownload
from services.errors import NotFound, ValidationFailed
from services.transaction import expect_version, transaction

OUTCOME_PDF = "outcome_pdf"
BUNDLE_ZIP = "bundle_zip"
ROLES = ("caseworker", "team_leader")
FIELD = "outcome_pdf"


@dataclass(frozen=True, slots=True)
class AttachmentView:
    id: int
    sr_id: int
    kind: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    deleted_at: datetime | None
    uploaded_by: str | None

    @classmethod
    def of(cls, row: Attachment, uploaded_by: str | None = None) -> AttachmentView:
        return cls(
            row.id,
            row.sr_id,
            row.kind,
            row.file_name,
            row.media_type,
            row.size,
            row.sha256,
            row.created_at,
            row.deleted_at,
            uploaded_by,
        )


def load_sr(
    session: Session, actor: Actor, sr_id: int, *, action: str, what: str = "service request"
) -> ServiceRequest:
    """The SR, after checking the actor's role and team may `action` it."""
    require_role(session, actor, *ROLES, action=action)
    sr = session.get(ServiceRequest, sr_id)
    if sr is None:
        raise NotFound(unavailable(what))
    check_sr(session, actor, sr, action=action, what=what)
    return sr


def store_outcome_pdf(
    session: Session, actor: Actor | None, sr: ServiceRequest, *, file_name: str, data: bytes
) -> Attachment:
    """Check and store the outcome PDF on the SR inside the caller's transaction; audit it."""
    try:
        info = check_pdf(data)
    except FileRefused as exc:
        raise ValidationFailed({FIELD: str(exc)}) from None
    return add_attachment(
        session,
        actor,
        sr,
        kind=OUTCOME_PDF,
        file_name=safe_file_name(file_name, default="outcome", extension="pdf"),
        media_type="application/pdf",
        content=data,
        action="attachment.uploaded",
        details={"pages": info.pages, "uploaded_as": file_name[:255]},
    )


def add_attachment(
    session: Session,
    actor: Actor | None,
    sr: ServiceRequest,
    *,
    kind: str,
    file_name: str,
    media_type: str,
    content: bytes,
    action: str,
    details: dict[str, Any],
) -> Attachment:
    """Store a file with the SR inside the caller's transaction, audited as `action` with its size and digest."""
    row = Attachment(
        sr_id=sr.id,
        kind=kind,
        file_name=file_name,
        media_type=media_type,
        size=len(content),
        sha256=sha256(content),
        content=content,
        uploaded_by_id=actor.user_id if actor else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        action,
        entity_type="attachment",
        entity_id=row.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        after={"kind": row.kind, "file_name": row.file_name, "size": row.size, "sha256": row.sha256, **details},
    )
    return row


def upload_outcome_pdf(
    actor: Actor, sr_id: int, *, file_name: str, data: bytes, expected_version: int | None = None
) -> AttachmentView:
    """Link the CPO's outcome, scanned as a PDF, to the SR."""
    with transaction() as session:
        sr = load_sr(session, actor, sr_id, action="add files to this service request")
        expect_version(sr, expected_version, what=f"Service request {sr.number}")
        row = store_outcome_pdf(session, actor, sr, file_name=file_name, data=data)
        return AttachmentView.of(row, actor.display_name)


def list_attachments(actor: Actor, sr_id: int, *, include_deleted: bool = True) -> list[AttachmentView]:
    """The SR's files, oldest first; deleted bundles stay listed (name, size, sha256) without content."""
    with transaction(read_only=True) as session:
        load_sr(session, actor, sr_id, action="see this service request's files")
        query = (
            select(Attachment, User.display_name)
            .outerjoin(User, Attachment.uploaded_by_id == User.id)
            .where(Attachment.sr_id == sr_id)
            .order_by(Attachment.id)
        )
        if not include_deleted:
            query = query.where(Attachment.deleted_at.is_(None))
        return [AttachmentView.of(row, name) for row, name in session.execute(query).all()]


def download_attachment(actor: Actor, attachment_id: int) -> FileDownload:
    """A stored file's bytes, for a download button; a deleted file says when it was deleted."""
    with transaction(read_only=True) as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            require_role(session, actor, *ROLES, action="download files")
            raise NotFound(unavailable("file"))
        load_sr(session, actor, row.sr_id, action="download this service request's files", what="file")
        if row.deleted_at is not None or row.content is None:
            raise NotFound(f"{row.file_name} was deleted on {format_uk(row.deleted_at)}; only its record is kept.")
        return FileDownload(row.file_name, row.media_type, row.content)
