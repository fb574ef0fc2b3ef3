"""Letters on real databases: render, store, download, upload versions, and who is refused."""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document
from sqlalchemy import func, select
from typer.testing import CliRunner

from casework.cli import app as cli
from db.models import AuditEvent, Case, Letter, LetterTemplate, ServiceRequest, Team
from letters import catalogue
from letters.build_templates import cmsl5501
from letters.docx_writer import Para, write_docx
from letters.pdf import NO_LIBREOFFICE, pdf_available
from letters.render import committed_template, docx_text
from services import letter_templates, letters
from services.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.transaction import transaction
from tests.pdfs import pdf_text


def _sr_id(team: str = "CSA Rules Reassessment Team") -> int:
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == team))
        # ordered, and on an ordinary case: a nationally sensitive one answers another team with Special Client
        # Records' message instead (an unordered first() picked one now and then on PostgreSQL)
        return session.scalars(
            select(ServiceRequest.id)
            .join(Case, Case.id == ServiceRequest.case_id)
            .where(ServiceRequest.team_id == team_id, ~Case.sensitive, ~Case.nationally_sensitive)
            .order_by(ServiceRequest.id)
        ).first()


def _due(code: str = "CMSL5501", scenario: str | None = None, sr_id: int | None = None, **changes) -> int:
    spec = catalogue.get(code)
    context = {**spec.values_for(scenario or spec.samples[0].key), **changes}
    sr_id = sr_id or _sr_id()
    with transaction() as session:
        letter = Letter(sr_id=sr_id, template_code=code, recipient=spec.recipient, status="due", context=context)
        session.add(letter)
        session.flush()
        return letter.id


def _letter(letter_id: int) -> Letter:
    with transaction() as session:
        letter = session.get(Letter, letter_id)
        session.expunge(letter)
        return letter


def _audit(action: str) -> list[AuditEvent]:
    with transaction() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_rendering_a_due_letter_stores_the_docx_with_code_version_and_hash(demo_db, actor_for):
    letter_id = _due("CMSL5501", "escaped_name")
    row = letters.render_letter(actor_for("caseworker"), letter_id)
    stored = _letter(letter_id)
    assert row.status == stored.status == "rendered"
    assert stored.template_code == "CMSL5501"
    assert stored.template_version == 1
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    assert stored.rendered_at is not None
    text = docx_text(stored.content)
    assert f"Dear {catalogue.HARD_NAME}" in text
    assert catalogue.CMSL5501_PARAGRAPHS["complaint"] in text
    (event,) = _audit("letter.rendered")
    assert event.sr_id == stored.sr_id
    assert event.after["sha256"] == stored.sha256


def test_a_rendered_letter_downloads_again_byte_for_byte_and_is_not_rendered_twice(demo_db, actor_for):
    actor = actor_for("caseworker")
    letter_id = _due("CWGL011", "part")
    letters.render_letter(actor, letter_id)
    download = letters.download_letter(actor, letter_id)
    assert download.content == _letter(letter_id).content
    assert download.file_name.startswith("CWGL011-1-")
    assert "Tell us by 23 December 2026" in docx_text(download.content)
    with pytest.raises(DomainError, match=r"This letter \(CWGL011\) has already been produced"):
        letters.render_letter(actor, letter_id)


def test_a_letter_with_a_missing_field_is_refused_naming_it_and_stays_due(demo_db, actor_for):
    letter_id = _due("CMEL9180", costs=None)
    with pytest.raises(ValidationFailed) as caught:
        letters.render_letter(actor_for("caseworker"), letter_id)
    assert "costs" in caught.value.errors
    assert _letter(letter_id).status == "due"
    assert _letter(letter_id).content is None


def test_pdf_download_says_clearly_when_libreoffice_is_missing(demo_db, actor_for, no_libreoffice):
    assert not pdf_available()
    actor = actor_for("caseworker")
    letter_id = _due("CMEL9180")
    letters.render_letter(actor, letter_id)
    assert _letter(letter_id).pdf_content is None
    with pytest.raises(DomainError) as caught:
        letters.download_letter(actor, letter_id, fmt="pdf")
    assert caught.value.message == NO_LIBREOFFICE


def test_with_libreoffice_cmel9180_is_stored_as_pdf_too_and_downloads_as_pdf(demo_db, actor_for, libreoffice, tmp_path):
    actor = actor_for("caseworker")
    letter_id = _due("CMEL9180", recipient_name="Mr O'Brien <&>", costs="120.50")
    letters.render_letter(actor, letter_id, out_dir=tmp_path)
    stored = _letter(letter_id)
    text = pdf_text(bytes(stored.pdf_content))
    assert "Mr O'Brien <&>" in text
    assert "£120.50" in text
    download = letters.download_letter(actor, letter_id, fmt="pdf")
    assert (download.media_type, download.content) == ("application/pdf", bytes(stored.pdf_content))
    assert download.file_name == stored.file_name.removesuffix(".docx") + ".pdf"
    assert (tmp_path / download.file_name).read_bytes() == download.content  # the bulk output folder has it too
    assert [e.after["format"] for e in _audit("letter.downloaded")][-1:] == ["pdf"]


def test_another_teams_caseworker_cannot_render_or_download_and_is_audited(demo_db, actor_for):
    letter_id = _due()
    with pytest.raises(PermissionDenied, match="it does not exist, or it is not your team's"):
        letters.render_letter(actor_for("ssst.caseworker"), letter_id)
    letters.render_letter(actor_for("caseworker"), letter_id)
    with pytest.raises(PermissionDenied):
        letters.download_letter(actor_for("ssst.caseworker"), letter_id)
    refusals = _audit("refused")
    assert [e.after["attempted"] for e in refusals] == ["produce its letters", "download its letters"]


def test_policy_staff_see_no_case_letters_and_caseworkers_cannot_preview_or_upload(demo_db, actor_for):
    letter_id = _due()
    with pytest.raises(PermissionDenied, match="no access to case data"):
        letters.render_letter(actor_for("policy"), letter_id)
    with pytest.raises(PermissionDenied, match="cannot preview letters"):
        letter_templates.preview(actor_for("caseworker"), "CMSL5501")
    with pytest.raises(PermissionDenied, match="cannot upload letter templates"):
        letter_templates.upload_template(actor_for("caseworker"), "CMSL5501", committed_template("CMSL5501"))
    assert len(_audit("refused")) == 3


def test_policy_previews_each_variant_as_html(demo_db, actor_for):
    actor = actor_for("policy")
    shown = letter_templates.preview(actor, "CMSL5501", scenario="reason_under_16")
    assert catalogue.CMSL5501_PARAGRAPHS["under_16"] in shown.html
    assert shown.version == 1
    edited = letter_templates.preview(actor, "CMSL5501", values={**shown.values, "recipient_name": "Jo <Test>"})
    assert "Dear Jo &lt;Test&gt;" in edited.html
    with pytest.raises(ValidationFailed, match="appointment_date"):
        letter_templates.preview(actor, "CMSL5501", values={**shown.values, "appointment_date": "soon"})
    with pytest.raises(NotFound):
        letter_templates.preview(actor, "CMSL5501", scenario="no_such_sample")


def _version_two() -> bytes:
    return write_docx([*cmsl5501(), Para("Version two of this letter.")], title="v2")


def test_a_checked_upload_becomes_the_next_active_version_and_the_old_one_stays(demo_db, actor_for):
    policy = actor_for("policy")
    added = letter_templates.upload_template(policy, "CMSL5501", _version_two())
    assert added.version == 2
    versions = letter_templates.template_versions(policy, "CMSL5501")
    assert [(v.version, v.active) for v in versions] == [(1, False), (2, True)]
    assert letter_templates.download_template(policy, "CMSL5501", 1).content == committed_template("CMSL5501")
    assert letter_templates.download_template(policy, "CMSL5501").content == _version_two()
    assert "Version two of this letter." in letter_templates.preview(policy, "CMSL5501").html
    assert "Version two" not in letter_templates.preview(policy, "CMSL5501", version=1).html

    letter_id = _due("CMSL5501")
    letters.render_letter(actor_for("caseworker"), letter_id)
    assert _letter(letter_id).template_version == 2
    assert "Version two of this letter." in docx_text(_letter(letter_id).content)
    assert len(_audit("letter_template.uploaded")) == 1

    letter_templates.activate_version(policy, "CMSL5501", 1)
    assert letter_templates.preview(policy, "CMSL5501").version == 1


def test_an_upload_that_fails_a_check_is_refused_with_its_reasons_and_nothing_is_stored(demo_db, actor_for):
    bad = write_docx([*cmsl5501(), Para("Dear {{ nickname }}, as a person with care...")], title="bad")
    with pytest.raises(ValidationFailed) as caught:
        letter_templates.upload_template(actor_for("policy"), "CMSL5501", bad)
    reasons = " ".join(caught.value.errors.values())
    assert "no procedure step supplies: nickname" in reasons
    assert "person with care" in reasons
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0
    assert letter_templates.preview(actor_for("policy"), "CMSL5501").version == 1


def test_the_bulk_command_renders_every_due_letter_and_resumes(demo_db, actor_for, tmp_path):
    out = tmp_path / "letters"
    ids = [_due("CMSL5501", f"reason_{r}") for r, _ in catalogue.REASONS]
    other = _due("CWGL013", "outcome_no_response")
    broken = _due("CMSL5501", appointment_time="half ten")
    letters.render_letter(actor_for("caseworker"), ids[0])  # rendered before the run: skipped

    result = CliRunner().invoke(cli, ["letters", "render-due", "--code", "CMSL5501", "--out", str(out)])
    assert result.exit_code == 1  # one letter could not be rendered
    assert "Rendered 9 letter(s)" in result.output
    assert f"letter {broken}" in result.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 9
    assert all(_letter(i).status == "rendered" for i in ids)
    assert _letter(other).status == "due"
    paragraphs = [p.text for p in Document(io.BytesIO((out / _letter(ids[1]).file_name).read_bytes())).paragraphs]
    assert catalogue.CMSL5501_PARAGRAPHS[catalogue.REASONS[1][0]] in paragraphs

    again = CliRunner().invoke(cli, ["letters", "render-due", "--out", str(out)])
    assert "Rendered 1 letter(s)" in again.output  # only the other template's letter was left
    assert _letter(other).status == "rendered"


def test_a_step_records_a_due_letter_from_python_values_and_it_then_renders(demo_db, actor_for):
    from datetime import date, time
    from decimal import Decimal

    actor = actor_for("caseworker")
    values = {
        **catalogue.get("CMEL9180").values_for("standard"),
        "hearing_date": date(2027, 1, 14),
        "hearing_time": time(14, 0),
        "costs": Decimal("95.00"),
    }
    sr_id = _sr_id()
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        letter_id = letters.add_due_letter(session, actor, sr=sr, code="CMEL9180", context=values).id
    stored = _letter(letter_id)
    assert stored.status == "due"
    assert stored.recipient == "paying_parent"
    assert stored.context["hearing_date"] == "2027-01-14"
    assert stored.context["hearing_time"] == "14:00"
    assert stored.context["costs"] == "95.00"
    letters.render_letter(actor, letter_id)
    assert "14 January 2027 at 2pm" in docx_text(_letter(letter_id).content)
    assert len(_audit("letter.due")) == 1


def test_a_step_cannot_record_a_due_letter_the_template_cannot_produce(demo_db, actor_for):
    values = {k: v for k, v in catalogue.get("CMEL9180").values_for("standard").items() if k != "costs"}
    actor, sr_id = actor_for("caseworker"), _sr_id()
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        with pytest.raises(ValidationFailed) as caught:
            letters.add_due_letter(session, actor, sr=sr, code="CMEL9180", context=values)
    assert caught.value.errors == {"costs": "costs: this field is required by the template but was not supplied"}
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 0
