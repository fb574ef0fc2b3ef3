"""The letter studio: every template with where it is used, its versions, uploads, and previews of samples.

Policy staff list, preview (fictional samples only: they never see case data), download and upload
templates. An upload is checked (letters.checks) and refused with every reason, or stored as the next
version and made active; older versions stay downloadable, and any of them can be made active again.
Version 1 is the file committed under letters/templates. Caseworkers and team leaders may list them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import LetterTemplate, User
from letters import catalogue
from letters.checks import check_template
from letters.fields import KIND_WORDS, Field
from letters.pdf import NO_LIBREOFFICE, PDF_MEDIA_TYPE, PdfUnavailable, first_page_png, pdf_available, to_pdf
from letters.render import DOCX_MEDIA_TYPE, committed_template, to_html
from procedures import registry
from procedures.trace import published_steps
from services import audit
from services.access import require_role
from services.actor import Actor
from services.downloads import FileDownload
from services.errors import DomainError, NotFound, ValidationFailed
from services.letter_rendering import active_template, render_version, template_spec
from services.letter_samples import sample_references
from services.letters import CASE_ROLES
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class FieldRow:
    name: str
    label: str
    kind: str
    required: bool
    choices: tuple[tuple[str, str], ...]
    help: str = ""  # where a value comes from when no published procedure gives it (e.g. a local period)
    needed_when: str = ""  # an optional field needed for one choice of another, in words
    columns: tuple[tuple[str, str], ...] = ()  # a table of rows: each column's name and its label (the grid's heading)

    @property
    def label_in_form(self) -> str:
        """The label as the form shows it: "(optional)" only on a field never needed (QA: one was needed for
        reason 'other' and still said optional)."""
        return self.label + ("" if self.required or self.needed_when else " (optional)")

    @property
    def described(self) -> str:
        """What the field takes, in words, for the studio's list of a letter's values: "a date, optional." (QA: the
        studio listed field names and kinds as the code has them)."""
        optional = "" if self.required or self.needed_when else ", optional"
        return " ".join(p for p in (f"{KIND_WORDS[self.kind]}{optional}.", self.needed_when, self.help) if p)


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

    @property
    def recipient_words(self) -> str:
        """Who the letter is for, in words: "the court presenting officer", not "cpo"."""
        return catalogue.recipient_words(self.recipient)


@dataclass(frozen=True, slots=True)
class VersionRow:
    code: str
    version: int
    sha256: str
    uploaded_by: str | None
    created_at: datetime | None
    active: bool


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


def _needed_when(spec: catalogue.TemplateSpec, f: Field) -> str:
    if f.required_when is None:
        return ""
    other, value = f.required_when
    chosen = spec.field(other)
    return f"Needed when {chosen.label.lower()} is “{chosen.choice_label(value)}”."


def _template_row(spec: catalogue.TemplateSpec, active: int, versions: list[int]) -> TemplateRow:
    return TemplateRow(
        spec.code,
        spec.title,
        spec.kind,
        spec.recipient,
        used_by_words(spec.used_by),
        tuple(
            FieldRow(
                f.name,
                f.label,
                f.kind,
                f.required,
                f.choices,
                f.help,
                _needed_when(spec, f),
                tuple((c.name, c.label) for c in f.columns),
            )
            for f in spec.fields
        ),
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
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", *CASE_ROLES, action="see the letter templates")
        versions = _versions(session)
        return [
            _template_row(spec, active_template(session, code)[0], versions.get(code, []))
            for code, spec in catalogue.TEMPLATES.items()
        ]


def template_versions(actor: Actor, code: str) -> list[VersionRow]:
    spec = template_spec(code)
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="see template versions")
        active, _ = active_template(session, code)
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
    spec = template_spec(code)
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="download letter templates")
        number = version if version is not None else active_template(session, code)[0]
        content = _version_content(session, spec.code, number)
        return FileDownload(f"{code}-v{number}.docx", DOCX_MEDIA_TYPE, content)


def upload_template(actor: Actor, code: str, content: bytes) -> VersionRow:
    """Check a new version and, if it passes every check, store it as the next version and make it active."""
    spec = template_spec(code)
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
    template_spec(code)
    with transaction() as session:
        require_role(session, actor, "policy", action="change the active template version")
        before, _ = active_template(session, code)
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


def preview(
    actor: Actor,
    code: str,
    *,
    scenario: str | None = None,
    values: Mapping[str, Any] | None = None,
    version: int | None = None,
) -> Preview:
    """Render a sample (or edited sample values) with a template version, as HTML and .docx."""
    spec = template_spec(code)
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="preview letters")
        number = version if version is not None else active_template(session, code)[0]
        template = _version_content(session, code, number)
    if values is None:
        try:
            values = spec.values_for(scenario or spec.samples[0].key)
        except KeyError as exc:
            raise NotFound(str(exc.args[0])) from None
    else:  # typed in the studio: the SCIN and SR number as a letter prints them, or refused at their fields
        values, problems = sample_references(values)
        if problems:
            raise ValidationFailed(problems)
    rendered = render_version(spec, values, number, template)
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
