"""Letters and templates: render due letters for SRs, download them, preview and upload templates.

- Caseworkers and team leaders render and download the letters of their own team's SRs.
- Policy staff list, preview (fictional samples only: they never see case data), download and
  upload templates. An upload is checked (letters.checks) and refused with every reason, or
  stored as the next version and made active; older versions stay downloadable, and any of them
  can be made active again. Version 1 is the file committed under letters/templates.
- `actor` None means the command line (bulk rendering by an operator on the server).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Letter, LetterTemplate, ProcedureRun, ServiceRequest, User
from domain.clock import utcnow
from letters import catalogue
from letters.checks import check_template
from letters.fields import ContextError
from letters.render import (
    DOCX_MEDIA_TYPE,
    NO_LIBREOFFICE,
    PDF_MEDIA_TYPE,
    PdfUnavailable,
    committed_template,
    first_page_png,
    pdf_available,
    render,
    to_html,
    to_pdf,
)
from letters.worker import BudgetExceeded, TemplateFault
from procedures import registry
from procedures.trace import published_steps
from services import audit
from services.access import check_run, check_sr, require_role, unavailable
from services.actor import Actor
from services.errors import DomainError, NotFound, ValidationFailed
from services.transaction import transaction

LETTER_AUDIT_FIELDS = ("template_code", "template_version", "recipient", "status", "file_name", "sha256")
CASE_ROLES = ("caseworker", "team_leader")


@dataclass(frozen=True, slots=True)
class FieldRow:
    name: str
    label: str
    kind: str
    required: bool
    choices: tuple[tuple[str, str], ...]
    help: str = ""  # where a value comes from when no published procedure gives it (e.g. a local period)


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    key: str
    label: str
    is_variant: bool


@dataclass(frozen=True, slots=True)
class TemplateRow:
    code: str
    title: str
    kind: str
    recipient: str
    used_by: tuple[str, ...]
    fields: tuple[FieldRow, ...]
    derived: tuple[tuple[str, str], ...]  # (name, explanation)
    scenarios: tuple[ScenarioRow, ...]
    active_version: int
    versions: tuple[int, ...]
    ours: bool
    send_as_pdf: bool


@dataclass(frozen=True, slots=True)
class VersionRow:
    code: str
    version: int
    sha256: str
    uploaded_by: str | None
    created_at: datetime | None
    active: bool


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
        )


@dataclass(frozen=True, slots=True)
class FileDownload:
    file_name: str
    media_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class PrintedSample:
    pdf: FileDownload
    first_page_png: bytes


@dataclass(frozen=True, slots=True)
class Preview:
    code: str
    version: int
    scenario: str | None
    values: dict[str, Any]
    html: str
    docx: FileDownload
    pdf_message: str | None  # None when PDF can be made here


# --- Template versions ---------------------------------------------------------------------------


def _spec(code: str) -> catalogue.TemplateSpec:
    try:
        return catalogue.get(code)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None


def _active(session: Session, code: str) -> tuple[int, bytes]:
    """The version that renders: the newest active upload, else the committed file (version 1)."""
    row = session.execute(
        select(LetterTemplate.version, LetterTemplate.content)
        .where(LetterTemplate.code == code, LetterTemplate.active)
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    ).first()
    if row is not None:
        return int(row[0]), bytes(row[1])
    return 1, committed_template(code)


def _version_content(session: Session, code: str, version: int) -> bytes:
    if version == 1:
        return committed_template(code)
    content = session.scalar(
        select(LetterTemplate.content).where(LetterTemplate.code == code, LetterTemplate.version == version)
    )
    if content is None:
        raise NotFound(f"{code} has no version {version}.")
    return bytes(content)


def _versions(session: Session) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for code, version in session.execute(
        select(LetterTemplate.code, LetterTemplate.version).order_by(LetterTemplate.version)
    ):
        out.setdefault(code, []).append(version)
    return out


def used_by_words(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The steps a template is used by, as policy staff read them: "P5e step 4", or "P4: <step title>" where
    the published procedure does not number the step; each once."""
    words: dict[str, None] = {}
    for procedure_id, step_id in pairs:
        numbered = published_steps(procedure_id, step_id)
        title = registry.get(procedure_id).steps[step_id].title
        for said in [f"{procedure_id} {ref}" for ref in numbered] or [f"{procedure_id}: {title}"]:
            words[said] = None
    return tuple(words)


def _template_row(spec: catalogue.TemplateSpec, active: int, versions: list[int]) -> TemplateRow:
    return TemplateRow(
        spec.code,
        spec.title,
        spec.kind,
        spec.recipient,
        used_by_words(spec.used_by),
        tuple(FieldRow(f.name, f.label, f.kind, f.required, f.choices, f.help) for f in spec.fields),
        tuple((d.name, d.explanation) for d in spec.derived),
        tuple(ScenarioRow(s.key, s.label, False) for s in spec.samples)
        + tuple(ScenarioRow(s.key, s.label, True) for s in spec.variants),
        active,
        (1, *versions),
        spec.ours,
        spec.send_as_pdf,
    )


def list_templates(actor: Actor) -> list[TemplateRow]:
    """Every letter and form with where it is used, its fields and its versions."""
    with transaction() as session:
        require_role(session, actor, "policy", *CASE_ROLES, action="see the letter templates")
        versions = _versions(session)
        return [
            _template_row(spec, _active(session, code)[0], versions.get(code, []))
            for code, spec in catalogue.TEMPLATES.items()
        ]


def template_versions(actor: Actor, code: str) -> list[VersionRow]:
    spec = _spec(code)
    with transaction() as session:
        require_role(session, actor, "policy", action="see template versions")
        active, _ = _active(session, code)
        rows = [VersionRow(code, 1, hashlib.sha256(committed_template(code)).hexdigest(), None, None, active == 1)]
        for t, username in session.execute(
            select(LetterTemplate, User.username)
            .outerjoin(User, User.id == LetterTemplate.uploaded_by_id)
            .where(LetterTemplate.code == spec.code)
            .order_by(LetterTemplate.version)
        ):
            rows.append(VersionRow(code, t.version, t.sha256, username, t.created_at, t.version == active))
        return rows


def download_template(actor: Actor, code: str, version: int | None = None) -> FileDownload:
    spec = _spec(code)
    with transaction() as session:
        require_role(session, actor, "policy", action="download letter templates")
        number = version if version is not None else _active(session, code)[0]
        content = _version_content(session, spec.code, number)
        return FileDownload(f"{code}-v{number}.docx", DOCX_MEDIA_TYPE, content)


def upload_template(actor: Actor, code: str, content: bytes) -> VersionRow:
    """Check a new version and, if it passes every check, store it as the next version and make it active."""
    spec = _spec(code)
    with transaction() as session:
        require_role(session, actor, "policy", action="upload letter templates")
        problems = check_template(spec, content)
        if problems:
            raise ValidationFailed({f"file_{i}": p for i, p in enumerate(problems)})
        latest = session.scalar(select(func.max(LetterTemplate.version)).where(LetterTemplate.code == code)) or 1
        digest = hashlib.sha256(content).hexdigest()
        session.execute(update(LetterTemplate).where(LetterTemplate.code == code).values(active=False))
        row = LetterTemplate(
            code=code, version=latest + 1, content=content, sha256=digest, uploaded_by_id=actor.user_id, active=True
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "letter_template.uploaded",
            entity_type="letter_template",
            entity_id=f"{code} v{row.version}",
            after={"code": code, "version": row.version, "sha256": digest, "size": len(content)},
        )
        return VersionRow(code, row.version, digest, actor.username, row.created_at, True)


def activate_version(actor: Actor, code: str, version: int) -> int:
    """Make an older (or newer) version the one that renders; nothing is deleted."""
    _spec(code)
    with transaction() as session:
        require_role(session, actor, "policy", action="change the active template version")
        before, _ = _active(session, code)
        _version_content(session, code, version)  # NotFound for a version that does not exist
        session.execute(
            update(LetterTemplate).where(LetterTemplate.code == code).values(active=LetterTemplate.version == version)
        )
        audit.record(
            session,
            actor,
            "letter_template.activated",
            entity_type="letter_template",
            entity_id=f"{code} v{version}",
            before={"active_version": before},
            after={"active_version": version},
        )
        return version


# --- Preview (policy, fictional data only) -------------------------------------------------------


def _problems(exc: ContextError) -> ValidationFailed:
    return ValidationFailed({name: f"{name}: {message}" for name, message in exc.problems.items()})


def _over_budget(code: str, version: int, exc: Exception) -> DomainError:
    """An uploaded version that failed or ran over the render budget with these values: nothing was saved."""
    return DomainError(
        f"Version {version} of {code} could not produce this letter: {exc}. Nothing was saved. Ask policy staff "
        "to make an earlier version active in the Letter studio."
    )


def preview(
    actor: Actor,
    code: str,
    *,
    scenario: str | None = None,
    values: Mapping[str, Any] | None = None,
    version: int | None = None,
) -> Preview:
    """Render a sample (or edited sample values) with a template version, as HTML and .docx."""
    spec = _spec(code)
    with transaction() as session:
        require_role(session, actor, "policy", action="preview letters")
        number = version if version is not None else _active(session, code)[0]
        template = _version_content(session, code, number)
    if values is None:
        try:
            values = spec.values_for(scenario or spec.samples[0].key)
        except KeyError as exc:
            raise NotFound(str(exc.args[0])) from None
    try:
        rendered = render(spec, values, template)
    except ContextError as exc:
        raise _problems(exc) from None
    except (BudgetExceeded, TemplateFault) as exc:
        raise _over_budget(code, number, exc) from None
    return Preview(
        code,
        number,
        scenario,
        dict(values),
        to_html(rendered.content),
        FileDownload(f"{code}-v{number}-sample.docx", DOCX_MEDIA_TYPE, rendered.content),
        None if pdf_available() else NO_LIBREOFFICE,
    )


def preview_pdf(
    actor: Actor,
    code: str,
    *,
    scenario: str | None = None,
    values: Mapping[str, Any] | None = None,
    version: int | None = None,
) -> PrintedSample:
    """The sample (or the edited values, as previewed) as PDF with an image of its first page; DomainError with
    the reason without LibreOffice. One conversion serves both (LibreOffice takes a second or two)."""
    sample = preview(actor, code, scenario=scenario, values=values, version=version)
    try:
        pdf = to_pdf(sample.docx.content)
    except PdfUnavailable as exc:
        raise DomainError(str(exc)) from None
    return PrintedSample(FileDownload(f"{code}-v{sample.version}-sample.pdf", PDF_MEDIA_TYPE, pdf), first_page_png(pdf))


# --- Letters for service requests ----------------------------------------------------------------


def _letter(session: Session, actor: Actor | None, letter_id: int, *, action: str) -> tuple[Letter, ServiceRequest]:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(unavailable("letter"))
    sr = session.get_one(ServiceRequest, letter.sr_id)  # the foreign key guarantees it exists
    if actor is not None:
        check_sr(session, actor, sr, action=action, what="letter")
    return letter, sr


def letters_for_sr(actor: Actor, sr_id: int) -> list[LetterRow]:
    with transaction() as session:
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

    with transaction() as session:
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
        return [RunLetter(LetterRow.of(letter), number, _spec(letter.template_code).title) for letter, number in rows]


def _write_atomically(directory: Path, name: str, content: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{name}.partial"
    partial.write_bytes(content)
    os.replace(partial, directory / name)


def render_letter(actor: Actor | None, letter_id: int, *, out_dir: Path | None = None) -> LetterRow:
    """Render a due letter with its template's active version and store it with the SR.

    Stores the .docx, the template code and version, its sha256 and when; a template that is sent
    as PDF (CMEL9180) also gets its PDF when LibreOffice is installed. With `out_dir` the file is
    also written there before the commit, so a crash leaves the letter due and a rerun redoes it.
    """
    with transaction() as session:
        letter, sr = _letter(session, actor, letter_id, action="produce its letters")
        if letter.status != "due":
            raise DomainError(f"Letter {letter.id} ({letter.template_code}) is already {letter.status}.")
        spec = _spec(letter.template_code)
        before = audit.snapshot(letter, LETTER_AUDIT_FIELDS)
        version, template = _active(session, spec.code)
        try:
            rendered = render(spec, letter.context or {}, template)
        except ContextError as exc:
            raise _problems(exc) from None
        except (BudgetExceeded, TemplateFault) as exc:
            raise _over_budget(spec.code, version, exc) from None
        pdf = None
        if spec.send_as_pdf and pdf_available():
            try:
                pdf = to_pdf(rendered.content)
            except PdfUnavailable:
                pdf = None  # the .docx is still produced; the PDF can be made on download
        letter.file_name = f"{spec.code}-{sr.number}-{letter.id}.docx"
        letter.content = rendered.content
        letter.pdf_content = pdf
        letter.sha256 = rendered.sha256
        letter.template_version = version
        letter.status = "rendered"
        letter.rendered_at = utcnow()
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


def _json_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the Letter row keeps them: money and dates as text, times as HH:MM."""

    def plain(value: Any) -> Any:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return dict(audit.jsonable({k: plain(v) for k, v in context.items()}))


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
    spec = _spec(code)
    try:
        catalogue.validate_context(code, context)
    except ContextError as exc:
        raise _problems(exc) from None
    letter = Letter(
        sr_id=sr.id,
        template_code=code,
        recipient=recipient or spec.recipient,
        status="due",
        context=_json_context(context),
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


def render_document(session: Session, code: str, context: Mapping[str, Any]) -> tuple[str, bytes]:
    """A form or letter rendered now with its active template, for an email or a bundle: (file name, .docx).

    Runs inside the caller's transaction (a procedure step's effects), so a context the template
    cannot take refuses the whole step with the fields named, and nothing is half-done.
    """
    spec = _spec(code)
    version, template = _active(session, spec.code)
    try:
        rendered = render(spec, _json_context(context), template)
    except ContextError as exc:
        raise _problems(exc) from None
    except (BudgetExceeded, TemplateFault) as exc:
        raise _over_budget(spec.code, version, exc) from None
    return f"{spec.code}.docx", rendered.content


def due_letter_ids(code: str | None = None) -> list[int]:
    """Ids of letters still due (optionally of one template), oldest first: the bulk command's work list."""
    with transaction() as session:
        query = select(Letter.id).where(Letter.status == "due").order_by(Letter.id)
        if code:
            _spec(code)
            query = query.where(Letter.template_code == code)
        return list(session.scalars(query))
