"""Case files on an SR: the outcome PDF (real PDFs only), zip bundles, and deleting the clerical files."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from db.models import Attachment, AuditEvent
from domain.files import sha256
from services import attachments, bundles
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.transaction import transaction
from tests import pdfs
from tests.pdfs import a_pdf
from tests.ssst import other_team_sr, team_sr


def _count(sr_id: int) -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(Attachment).where(Attachment.sr_id == sr_id)) or 0


def test_the_outcome_pdf_is_stored_with_the_sr_under_a_safe_name_with_its_sha256(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    pdf = a_pdf(pages=2)
    view = attachments.upload_outcome_pdf(actor, sr_id, file_name="C:\\scans\\..\\Outcome – Bath CC.PDF", data=pdf)
    assert (view.kind, view.file_name, view.media_type) == ("outcome_pdf", "Outcome-Bath-CC.pdf", "application/pdf")
    assert (view.size, view.sha256) == (len(pdf), sha256(pdf))
    download = attachments.download_attachment(actor, view.id)
    assert download.content == pdf
    assert [a.id for a in attachments.list_attachments(actor, sr_id)] == [view.id]
    with transaction() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.uploaded")).one()
        assert event.sr_id == sr_id
        assert event.after["pages"] == 2
        assert event.after["sha256"] == sha256(pdf)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (b"Dear SSST, the outcome was ...", "The selected file must be a PDF"),
        (b"PK\x03\x04 a word document", "The selected file must be a PDF"),
        (b"%PDF-1.7\n this is not really a pdf", "damaged and cannot be opened"),
        (a_pdf() + b"%" + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
        (a_pdf(password="secret"), "password protected"),
        (pdfs.pdf_with_document_javascript(), "contains JavaScript, so it cannot be kept as a case file"),
        (pdfs.pdf_with_link_to_javascript(), "contains JavaScript"),
        (pdfs.pdf_with_open_action("/Launch"), "an action that runs when it is opened"),
        (pdfs.pdf_with_open_action("/JavaScript"), "an action that runs when it is opened"),
        (pdfs.pdf_with_page_additional_action(), "an action that runs when it is opened"),
        (pdfs.pdf_with_embedded_file(), "has files embedded in it"),
        (pdfs.pdf_zip_polyglot(), "has another kind of file hidden in it"),
        (pdfs.pdf_with_data_after_eof(), "has another kind of file hidden in it"),
    ],
    ids=[
        "empty",
        "text",
        "word",
        "fake-header",
        "too-big",
        "encrypted",
        "javascript",
        "link-javascript",
        "open-launch",
        "open-javascript",
        "page-action",
        "embedded-exe",
        "zip-polyglot",
        "after-eof",
    ],  # fmt: skip
)
def test_anything_but_a_real_pdf_is_refused_at_the_field_and_nothing_is_stored(demo_db, actor_for, data, message):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with pytest.raises(ValidationFailed) as refused:
        attachments.upload_outcome_pdf(actor, sr_id, file_name="outcome.pdf", data=data)
    assert message in refused.value.errors["outcome_pdf"]
    assert _count(sr_id) == 0


def test_the_commitment_bundle_is_a_real_zip_that_later_steps_add_to(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    documents = [
        ("CMEL7211 court summons.docx", b"summons, partly completed"),
        ("PV check.pdf", a_pdf()),
        ("SSST referral form.docx", b"referral"),
    ]
    view = bundles.create_bundle(actor, sr_id, name="commitment", documents=documents)
    assert view.kind == "bundle_zip"
    assert view.file_name.endswith("-commitment.zip")
    data = attachments.download_attachment(actor, view.id).content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["CMEL7211-court-summons.docx", "PV-check.pdf", "SSST-referral-form.docx"]
        assert archive.read("PV-check.pdf") == documents[1][1]
    # Step 7: the completed summons replaces the partly completed one, and the court cover letter joins it.
    again = bundles.create_bundle(
        actor,
        sr_id,
        name="commitment",
        documents=[("CMEL7211 court summons.docx", b"summons, completed"), ("Court cover letter.docx", b"cover")],
    )
    assert again.id == view.id
    data = attachments.download_attachment(actor, view.id).content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("CMEL7211-court-summons.docx") == b"summons, completed"
        assert len(archive.namelist()) == 4
    assert again.sha256 == sha256(data)
    assert bundles.bundle_documents(actor, view.id)[-1] == "Court-cover-letter.docx"


def test_a_bundle_with_two_documents_of_the_same_name_is_refused(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with pytest.raises(ValidationFailed) as refused:
        bundles.create_bundle(actor, sr_id, name="liability_order", documents=[("a.pdf", b"1"), ("A.pdf", b"2")])
    assert "both called" in refused.value.errors["documents"]
    with pytest.raises(ValidationFailed):
        bundles.create_bundle(actor, sr_id, name="liability_order", documents=[])
    assert _count(sr_id) == 0


def test_deleting_the_clerical_files_removes_the_bundle_keeps_the_outcome_and_is_audited(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    outcome = attachments.upload_outcome_pdf(actor, sr_id, file_name="outcome.pdf", data=a_pdf())
    bundle = bundles.create_bundle(
        actor,
        sr_id,
        name="liability_order",
        documents=[("CMEL7298.docx", b"7298"), ("CMEL7000.docx", b"7000"), ("referral.docx", b"r"), ("pv.pdf", b"p")],
    )
    deleted = bundles.delete_clerical_files(actor, sr_id)
    assert [d.id for d in deleted] == [bundle.id]
    with pytest.raises(NotFound, match="was deleted on"):
        attachments.download_attachment(actor, bundle.id)
    assert attachments.download_attachment(actor, outcome.id).content.startswith(b"%PDF-")
    with transaction() as session:
        row = session.get(Attachment, bundle.id)
        assert row.content is None
        assert row.deleted_at is not None
        assert row.sha256 == bundle.sha256  # the record of what was deleted stays
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.deleted")).one()
        assert event.entity_id == str(bundle.id)
        assert event.before["sha256"] == bundle.sha256
    listed = {a.id: a for a in attachments.list_attachments(actor, sr_id)}
    assert listed[bundle.id].deleted_at is not None
    assert listed[outcome.id].deleted_at is None
    assert bundles.delete_clerical_files(actor, sr_id) == []  # nothing left to delete, nothing audited twice


def test_another_teams_sr_and_files_are_refused(demo_db, actor_for):
    ssst = actor_for("ssst.caseworker")
    other = actor_for("caseworker")
    foreign_sr = other_team_sr(ssst)
    with pytest.raises(PermissionDenied, match="it does not exist, or it is not your team's"):
        attachments.upload_outcome_pdf(ssst, foreign_sr, file_name="outcome.pdf", data=a_pdf())
    with pytest.raises(PermissionDenied):
        bundles.create_bundle(ssst, foreign_sr, name="commitment", documents=[("a.docx", b"a")])
    own = attachments.upload_outcome_pdf(ssst, team_sr(ssst), file_name="outcome.pdf", data=a_pdf())
    with pytest.raises(PermissionDenied):
        attachments.download_attachment(other, own.id)
    with pytest.raises(PermissionDenied):
        bundles.delete_clerical_files(other, own.sr_id)
    with pytest.raises(PermissionDenied):
        attachments.list_attachments(actor_for("policy"), own.sr_id)
    assert _count(foreign_sr) == 0
