"""Letters on service requests: record one as due, produce it, list and download it.

- A procedure step records a letter as due (`add_due_letter`, inside the step's transaction).
- Caseworkers and team leaders produce and download the letters of their own team's SRs.
- `actor` None means the command line (bulk rendering by an operator on the server, `due_letter_ids`).
The letter studio (templates, versions, previews) is services/letter_templates.py.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import take_write_lock
from db.models import Letter, ProcedureRun, ServiceRequest
from domain.clock import utcnow
from letters import catalogue
from letters.catalogue import recipient_words
from letters.fields import ContextError
from letters.pdf import NO_LIBREOFFICE as NO_LIBREOFFICE  # what the letters panel says without LibreOffice
from letters.pdf import PDF_MEDIA_TYPE, PdfUnavailable, pdf_available, to_pdf
from letters.render import DOCX_MEDIA_TYPE
from services import audit
from services.access import check_run, check_sr, unavailable
from services.actor import Actor
from services.downloads import FileDownload
from services.errors import DomainError, NotFound
from services.letter_contact import lacks_contact, with_contact
from services.letter_rendering import active_template, json_context, refused_values, render_version, template_spec
from services.transaction import transaction

LETTER_AUDIT_FIELDS = ("template_code", "template_version", "recipient", "status", "file_name", "sha256")
CASE_ROLES = ("caseworker", "team_leader")
STATUS_WORDS = {"due": "Due", "rendered": "Produced", "sent": "Sent", "cancelled": "Cancelled"}


@dataclass(frozen=True, slots=True)
class LetterRow:
    id: int
    sr_id: int
    template_code: str
    template_version: int | None
    recipient: str | None
    status: str
    file_name: str | None
    sha256: str | None
    rendered_at: datetime | None
    has_pdf: bool
    without_contact: bool = False  # produced with no way to contact us printed (services/letter_contact.py)

    @property
    def where_it_stands(self) -> str:
        """The status in words, for SR detail ("rendered" is a stored state, not what a team leader reads)."""
        return STATUS_WORDS.get(self.status, self.status.capitalize())

    @property
    def to(self) -> str:
        """Who it is to, in words ("receiving parent", never the stored "receiving_parent"; "case file")."""
        return recipient_words(self.recipient, article=False)

    @classmethod
    def of(cls, letter: Letter) -> LetterRow:
        return cls(
            letter.id,
            letter.sr_id,
            letter.template_code,
            letter.template_version,
            letter.recipient,
            letter.status,
            letter.file_name,
            letter.sha256,
            letter.rendered_at,
            letter.pdf_content is not None,
            letter.without_contact,
        )


def _letter(session: Session, actor: Actor | None, letter_id: int, *, action: str) -> tuple[Letter, ServiceRequest]:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(unavailable("letter"))
    sr = session.get_one(ServiceRequest, letter.sr_id)  # the foreign key guarantees it exists
    if actor is not None:
        check_sr(session, actor, sr, action=action, what="letter")
    return letter, sr


def letters_for_sr(actor: Actor, sr_id: int) -> list[LetterRow]:
    with transaction(read_only=True) as session:
        sr = session.get(ServiceRequest, sr_id)
        if sr is None:
            raise NotFound(unavailable("service request"))
        check_sr(session, actor, sr, action="see its letters")
        rows = session.scalars(select(Letter).where(Letter.sr_id == sr_id).order_by(Letter.id)).all()
        return [LetterRow.of(letter) for letter in rows]


@dataclass(frozen=True, slots=True)
class RunLetter:
    """A letter or form recorded by a procedure run, as the wizard lists it."""

    row: LetterRow
    sr_number: str
    title: str


def letters_for_run(actor: Actor, run_id: str) -> list[RunLetter]:
    """Every letter recorded on the run's SRs, oldest first, so the caseworker can produce and download them."""

    with transaction(read_only=True) as session:
        run = session.get(ProcedureRun, run_id)
        if run is None:
            raise NotFound(unavailable("procedure run"))
        check_run(session, actor, run, action="see its letters")
        sr_ids = sorted(set(run.sr_refs.values()) | ({run.sr_id} if run.sr_id else set()))
        rows = session.execute(
            select(Letter, ServiceRequest.number)
            .join(ServiceRequest, ServiceRequest.id == Letter.sr_id)
            .where(Letter.sr_id.in_(sr_ids))
            .order_by(Letter.id)
        ).all()
        return [
            RunLetter(LetterRow.of(letter), number, template_spec(letter.template_code).title)
            for letter, number in rows
        ]


def _write_atomically(directory: Path, name: str, content: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{name}.partial"
    partial.write_bytes(content)
    os.replace(partial, directory / name)


_ALREADY = (
    "This letter ({code}) has already been produced, from another screen or by someone else. Reload the page to "
    "download it."
)


def render_letter(actor: Actor | None, letter_id: int, *, out_dir: Path | None = None) -> LetterRow:
    """Render a due letter with its template's active version and store it with the SR.

    Our contact details are the ones set now (services/letter_contact.py), not when the letter became due; whether
    it was made without them is stored with it (`Letter.without_contact`), for its Download line.
    Stores the .docx, the template code and version, its sha256 and when; a template that is sent
    as PDF (CMEL9180) also gets its PDF when LibreOffice is installed. With `out_dir` the file is
    also written there before the commit, so a crash leaves the letter due and a rerun redoes it.
    """
    with transaction() as session:
        letter, sr = _letter(session, actor, letter_id, action="produce its letters")
        if letter.status != "due":
            raise DomainError(_ALREADY.format(code=letter.template_code))
        spec = template_spec(letter.template_code)
        before = audit.snapshot(letter, LETTER_AUDIT_FIELDS)
        version, template = active_template(session, spec.code)
        values = with_contact(spec, letter.context or {})
        rendered = render_version(spec, values, version, template)
        pdf = None
        if spec.send_as_pdf and pdf_available():
            try:
                pdf = to_pdf(rendered.content)
            except PdfUnavailable:
                pdf = None  # the .docx is still produced; the PDF can be made on download
        # The render above took no lock, so two Produce pressed at once (two servers) both got here; the write lock
        # now, and the status read again under it: the second is refused, instead of writing over the letter the
        # first made (and may have downloaded) with a render of its own (QA, 7 December, eighth session).
        take_write_lock(session)
        session.refresh(letter, attribute_names=["status"])
        if letter.status != "due":
            raise DomainError(_ALREADY.format(code=letter.template_code))
        letter.file_name = f"{spec.code}-{sr.number}-{letter.id}.docx"
        letter.content = rendered.content
        letter.pdf_content = pdf
        letter.sha256 = rendered.sha256
        letter.template_version = version
        letter.status = "rendered"
        letter.rendered_at = utcnow()
        letter.without_contact = lacks_contact(spec, values)  # what it was made with, not what is set later
        if out_dir is not None:
            _write_atomically(out_dir, letter.file_name, rendered.content)
            if pdf is not None:
                _write_atomically(out_dir, letter.file_name.removesuffix(".docx") + ".pdf", pdf)
        audit.record(
            session,
            actor,
            "letter.rendered",
            entity_type="letter",
            entity_id=letter.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            before=before,
            after=audit.snapshot(letter, LETTER_AUDIT_FIELDS),
        )
        return LetterRow.of(letter)


def download_letter(actor: Actor, letter_id: int, *, fmt: str = "docx") -> FileDownload:
    """The stored letter again (.docx, or .pdf when stored or LibreOffice can make it now)."""
    with transaction() as session:
        letter, sr = _letter(session, actor, letter_id, action="download its letters")
        if letter.content is None or letter.file_name is None:
            raise DomainError(f"Letter {letter.id} ({letter.template_code}) has not been produced yet.")
        if fmt == "pdf":
            if letter.pdf_content is not None:
                content = bytes(letter.pdf_content)
            else:
                try:
                    content = to_pdf(bytes(letter.content))
                except PdfUnavailable as exc:
                    raise DomainError(str(exc)) from None
            download = FileDownload(letter.file_name.removesuffix(".docx") + ".pdf", PDF_MEDIA_TYPE, content)
        else:
            download = FileDownload(letter.file_name, DOCX_MEDIA_TYPE, bytes(letter.content))
        audit.record(
            session,
            actor,
            "letter.downloaded",
            entity_type="letter",
            entity_id=letter.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            after={"format": fmt, "sha256": letter.sha256},
        )
        return download


def add_due_letter(
    session: Session,
    actor: Actor | None,
    *,
    sr: ServiceRequest,
    code: str,
    context: Mapping[str, Any],
    recipient: str | None = None,
) -> Letter:
    """Record a letter as due on an SR inside the caller's transaction (a procedure step's primitive).

    The context is checked against the template first (`letters.catalogue.validate_context`), so a
    step can never record a letter that cannot be produced; problems come back as ValidationFailed
    keyed by field. Never commits; writes its audit event in the same transaction.
    """
    spec = template_spec(code)
    try:
        catalogue.validate_context(code, context)
    except ContextError as exc:
        raise refused_values(exc) from None
    letter = Letter(
        sr_id=sr.id,
        template_code=code,
        recipient=recipient or spec.recipient,
        status="due",
        context=json_context(context),
        created_by_id=actor.user_id if actor else None,
    )
    session.add(letter)
    session.flush()
    audit.record(
        session,
        actor,
        "letter.due",
        entity_type="letter",
        entity_id=letter.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        after=audit.snapshot(letter, ("template_code", "recipient", "status")),
    )
    return letter


def due_letter_ids(code: str | None = None) -> list[int]:
    """Ids of letters still due (optionally of one template), oldest first: the bulk command's work list."""
    with transaction(read_only=True) as session:
        query = select(Letter.id).where(Letter.status == "due").order_by(Letter.id)
        if code:
            template_spec(code)
            query = query.where(Letter.template_code == code)
        return list(session.scalars(query))
