"""Zip bundles for the court presenting officers (the seed's "WinZip"), stored with the SR.

The documents come from the letters renderer (another branch): this module takes them as
(file name, bytes) pairs and knows nothing about templates. A bundle is one Attachment of kind
'bundle_zip' per SR and bundle name; adding documents later (the completed summons and court cover
letter in P5c step 7, the CMEL9180 PDF in P5d step 7) rebuilds the zip in place, a document with
the same name replacing the earlier one. When the procedure says the clerical files must be deleted,
`delete_clerical_files` removes the bundles' content, keeps their record (name, size, sha256,
deleted_at) and audits it; the outcome PDF and everything else on the SR stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, ServiceRequest
from domain.clock import uk_local, utcnow
from domain.files import FileRefused, build_zip, merge_documents, read_zip, safe_file_name, sha256
from services import audit
from services.access import require_role, unavailable
from services.actor import Actor
from services.attachments import BUNDLE_ZIP, AttachmentView, add_attachment, load_sr
from services.errors import NotFound, ValidationFailed
from services.transaction import expect_version, transaction

FIELD = "documents"
COMMITMENT = "commitment"
LIABILITY_ORDER = "liability_order"

# What each bundle holds when it is first made (for checklists on the step; not enforced by file name).
BUNDLE_CONTENTS: dict[str, tuple[str, ...]] = {
    # P5c step 3; step 7 adds the court cover letter and the completed court summons.
    COMMITMENT: ("CMEL7211 court summons (partly completed)", "PV check", "SSST CPO referral form"),
    # P5d step 4; step 7 adds the CMEL9180 cover letter as a PDF.
    LIABILITY_ORDER: (
        "CMEL7298",
        "CMEL7000 liability order application",
        "SSST referral form",
        "PV check confirmation",
    ),
}


def _zip(documents: Sequence[tuple[str, bytes]]) -> bytes:
    try:
        return build_zip(documents, when=uk_local(utcnow()))
    except FileRefused as exc:
        raise ValidationFailed({FIELD: str(exc)}) from None


def _names(data: bytes) -> list[str]:
    return [name for name, _ in read_zip(data)]


def store_bundle(
    session: Session, actor: Actor | None, sr: ServiceRequest, *, name: str, documents: Sequence[tuple[str, bytes]]
) -> Attachment:
    """Build the zip and store it with the SR (inside the caller's transaction), or add the documents
    to the SR's existing bundle of that name."""
    file_name = safe_file_name(f"{sr.number}-{name}", extension="zip")
    existing = session.scalar(
        select(Attachment).where(
            Attachment.sr_id == sr.id,
            Attachment.kind == BUNDLE_ZIP,
            Attachment.file_name == file_name,
            Attachment.deleted_at.is_(None),
        )
    )
    if existing is not None:
        return add_documents(session, actor, existing, documents)
    data = _zip(documents)
    return add_attachment(
        session,
        actor,
        sr,
        kind=BUNDLE_ZIP,
        file_name=file_name,
        media_type="application/zip",
        content=data,
        action="bundle.created",
        details={"documents": _names(data)},
    )


def add_documents(
    session: Session, actor: Actor | None, bundle: Attachment, documents: Sequence[tuple[str, bytes]]
) -> Attachment:
    """Rebuild the bundle with the added documents (a same-named document replaces the old one)."""
    if bundle.content is None or bundle.deleted_at is not None:
        raise ValidationFailed({FIELD: f"{bundle.file_name} has been deleted; make a new bundle instead."})
    before = {"sha256": bundle.sha256, "size": bundle.size, "documents": _names(bundle.content)}
    data = _zip(merge_documents(read_zip(bundle.content), documents))
    bundle.content, bundle.size, bundle.sha256 = data, len(data), sha256(data)
    session.flush()
    sr = session.get(ServiceRequest, bundle.sr_id)
    audit.record(
        session,
        actor,
        "bundle.updated",
        entity_type="attachment",
        entity_id=bundle.id,
        case_id=sr.case_id if sr else None,
        sr_id=bundle.sr_id,
        before=before,
        after={"sha256": bundle.sha256, "size": bundle.size, "documents": _names(data)},
    )
    return bundle


def create_bundle(
    actor: Actor,
    sr_id: int,
    *,
    name: str,
    documents: Sequence[tuple[str, bytes]],
    expected_version: int | None = None,
) -> AttachmentView:
    """Make (or add to) the SR's zip bundle called `name`, e.g. 'commitment' or 'liability_order'."""
    with transaction() as session:
        sr = load_sr(session, actor, sr_id, action="add files to this service request")
        expect_version(sr, expected_version, what=f"Service request {sr.number}")
        return AttachmentView.of(store_bundle(session, actor, sr, name=name, documents=documents), actor.display_name)


def bundle_documents(actor: Actor, attachment_id: int) -> list[str]:
    """The file names inside a stored bundle."""
    with transaction(read_only=True) as session:
        row = session.get(Attachment, attachment_id)
        if row is None or row.kind != BUNDLE_ZIP:
            require_role(session, actor, "caseworker", "team_leader", action="see bundles")
            raise NotFound(unavailable("file"))
        load_sr(session, actor, row.sr_id, action="see this service request's files", what="file")
        if row.content is None:
            raise NotFound(f"{row.file_name} has been deleted.")
        return _names(row.content)


def delete_bundles(session: Session, actor: Actor | None, sr: ServiceRequest, *, reason: str) -> list[Attachment]:
    """Delete the content of the SR's bundles (inside the caller's transaction), keeping their record."""
    rows = session.scalars(
        select(Attachment).where(
            Attachment.sr_id == sr.id, Attachment.kind == BUNDLE_ZIP, Attachment.deleted_at.is_(None)
        )
    ).all()
    now = utcnow()
    for row in rows:
        row.content, row.deleted_at = None, now
        session.flush()
        audit.record(
            session,
            actor,
            "attachment.deleted",
            entity_type="attachment",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            before={"file_name": row.file_name, "size": row.size, "sha256": row.sha256},
            after={"deleted_at": now, "reason": reason},
        )
    return list(rows)


def delete_clerical_files(
    actor: Actor,
    sr_id: int,
    *,
    reason: str = "The procedure says the clerical files must be deleted once all action is completed.",
) -> list[AttachmentView]:
    """Delete the SR's bundles once the action is complete; the outcome PDF and other files stay."""
    with transaction() as session:
        sr = load_sr(session, actor, sr_id, action="delete this service request's clerical files")
        return [AttachmentView.of(row) for row in delete_bundles(session, actor, sr, reason=reason)]
