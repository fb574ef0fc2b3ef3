"""The outbox: emails stored, sent to a real SMTP server on loopback, kept with the error when sending fails."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy

import pytest
from sqlalchemy import select

from db.models import AuditEvent, OutboundEmail, Task, User
from domain import mail
from domain.clock import UK
from services import email as outbox_service
from services import email_delivery
from services.errors import DomainError, PermissionDenied, ValidationFailed
from services.mail_settings import SSST_MAILBOX, mailbox
from services.transaction import transaction
from tests.ssst import Recorder, other_team_sr, smtp_server, team_sr

HEARING = datetime(2027, 3, 12, 10, 0, tzinfo=UK)
PASSWORD = "s3cret-relay-password"


@pytest.fixture
def no_smtp(monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)


def _use_smtp(monkeypatch, server, **extra):
    monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
    monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "5")
    for key, value in extra.items():
        monkeypatch.setenv(f"CASEWORK_SMTP_{key.upper()}", value)


def _cpt_draft(sr_number="1-00000001"):
    return mail.cpt_letter_ready(scin="123456789012", sr_number=sr_number, hearing_at=HEARING, court="Bath")


def _parsed(raw: bytes):
    return message_from_bytes(raw, policy=mail.POLICY)


def test_without_smtp_the_email_waits_in_the_outbox_with_a_read_receipt_and_a_follow_up_call(
    demo_db, actor_for, no_smtp
):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    view = email_delivery.send_email(actor, sr_id, _cpt_draft())
    assert view.status == "queued"
    assert [v.id for v in outbox_service.outbox(actor)] == [view.id]
    with transaction() as session:
        row = session.get(OutboundEmail, view.id)
        message = _parsed(row.raw)
        assert message["Message-ID"] == row.message_id
        assert [a.addr_spec for a in message["Disposition-Notification-To"].addresses] == [SSST_MAILBOX]
        assert message["From"].addresses[0].addr_spec == SSST_MAILBOX
        assert message["To"].addresses[0].addr_spec == mailbox("cpt").addr_spec
        assert message["Subject"].startswith("Hearing 12 March 2027:")
        assert message["Date"].datetime is not None
        task = session.scalars(select(Task).where(Task.sr_id == sr_id)).one()
        assert task.assignee_id == actor.user_id
        assert "Phone Court Presenting Team to follow up the email" in task.text
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.sr_id == sr_id)).all()
        assert "email.queued" in actions
        assert "task.raised" in actions


def test_with_smtp_the_email_reaches_the_server_and_is_marked_sent(demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        view = email_delivery.send_email(
            actor, sr_id, _cpt_draft(), to=["Court Presenting Team Bath <cpt.bath@example.org>"]
        )
    assert view.status == "sent"
    assert view.sent_at is not None
    assert view.error is None
    [received] = server.handler.received
    assert received.rcpt_tos == ["cpt.bath@example.org"]
    assert received.mail_from == SSST_MAILBOX
    message = _parsed(received.data)
    assert message["Subject"] == _cpt_draft().subject
    assert [a.addr_spec for a in message["Disposition-Notification-To"].addresses] == [SSST_MAILBOX]
    assert message["Message-ID"] == view.message_id
    assert "Demo" in message.get_body(("plain",)).get_content()  # signed by the sender
    with transaction() as session:
        assert session.get(OutboundEmail, view.id).raw == received.data
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "outbound_email").order_by(AuditEvent.id)
        ).all()
        assert actions[-3:] == ["email.queued", "email.sending", "email.sent"]  # claimed, then sent (two servers)


def test_the_vsat_referral_carries_the_completed_cmsf5579(demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    form = b"PK\x03\x04 a completed CMSF5579"
    draft = mail.vsat_referral(scin="123456789012", sr_number="1-1", client_role="paying parent", reason="payments")
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        email_delivery.send_email(actor, sr_id, draft, attachments=[("CMSF5579 completed.docx", form)])
    [received] = server.handler.received
    assert received.rcpt_tos == [mailbox("vsat").addr_spec]
    message = _parsed(received.data)
    assert message["To"].addresses[0].display_name == "CSA VSAT INTERVIEWS"
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()) == ("CMSF5579-completed.docx", form)


def test_a_refusing_server_leaves_the_email_failed_with_the_error_and_a_retry_sends_it(demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with smtp_server(Recorder(refuse_rcpt="*")) as server:
        _use_smtp(monkeypatch, server)
        failed = email_delivery.send_email(actor, sr_id, _cpt_draft())
    assert failed.status == "failed"
    assert "SMTPRecipientsRefused" in failed.error
    assert "550" in failed.error
    assert server.handler.received == []
    assert [v.status for v in outbox_service.outbox(actor)] == ["failed"]
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        retried = email_delivery.deliver(actor, failed.id)
    assert (retried.status, retried.error) == ("sent", None)
    assert len(server.handler.received) == 1
    assert email_delivery.deliver(actor, failed.id).status == "sent"  # already sent: not sent twice
    assert len(server.handler.received) == 1


def test_a_temporary_failure_after_the_data_keeps_the_message(demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with smtp_server(Recorder(refuse_data="451 4.3.0 Try again later")) as server:
        _use_smtp(monkeypatch, server)
        failed = email_delivery.send_email(actor, sr_id, _cpt_draft())
    assert failed.status == "failed"
    assert "451" in failed.error
    with transaction() as session:
        assert _parsed(session.get(OutboundEmail, failed.id).raw)["Subject"].startswith("Hearing 12 March 2027")


def test_no_server_listening_leaves_the_email_failed(demo_db, actor_for, monkeypatch):
    from tests.conftest import free_port

    actor = actor_for("ssst.caseworker")
    monkeypatch.setenv("CASEWORK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(free_port()))
    failed = email_delivery.send_email(actor, team_sr(actor), _cpt_draft())
    assert failed.status == "failed"
    assert "ConnectionRefusedError" in failed.error


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=auth_data.login == b"ssst" and auth_data.password == PASSWORD.encode(), handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_smtp_login_is_used_and_a_wrong_password_is_never_stored(demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    options = dict(authenticator=_authenticator, auth_require_tls=False, auth_required=True)
    with smtp_server(**options) as server:
        _use_smtp(monkeypatch, server, user="ssst", password="wrong-" + PASSWORD)
        failed = email_delivery.send_email(actor, sr_id, _cpt_draft())
        assert failed.status == "failed"
        assert "SMTPAuthenticationError" in failed.error
        assert PASSWORD not in failed.error
        _use_smtp(monkeypatch, server, user="ssst", password=PASSWORD)
        assert email_delivery.deliver(actor, failed.id).status == "sent"
    assert len(server.handler.received) == 1
    with transaction() as session:
        stored = " ".join(str(e.after) for e in session.scalars(select(AuditEvent)))
        assert PASSWORD not in stored


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_starttls_with_the_configured_ca_file(demo_db, actor_for, monkeypatch, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    actor = actor_for("ssst.caseworker")
    with smtp_server(tls_context=context, require_starttls=True) as server:
        _use_smtp(monkeypatch, server, starttls="1", cafile=str(cert))
        view = email_delivery.send_email(actor, team_sr(actor), _cpt_draft())
    assert view.status == "sent"
    assert len(server.handler.received) == 1


def test_the_eml_download_parses_back_and_marking_it_sent_is_recorded(demo_db, actor_for, no_smtp):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    draft = mail.vsat_referral(scin="123456789012", sr_number="1-1", client_role="receiving parent", reason="x")
    view = email_delivery.send_email(actor, sr_id, draft, attachments=[("CMSF5579.docx", b"form bytes")])
    eml = outbox_service.download_eml(actor, view.id)
    assert eml.file_name.endswith(f"-email-{view.id}.eml")
    message = message_from_bytes(eml.content, policy=email_policy.default)
    assert message["Subject"] == draft.subject
    assert message["Message-ID"] == view.message_id
    assert "Disposition-Notification-To" in message
    assert [a.get_content() for a in message.iter_attachments()] == [b"form bytes"]
    sent = outbox_service.mark_sent(actor, view.id)
    assert sent.status == "sent"
    assert sent.sent_at is not None
    with pytest.raises(DomainError, match="already marked as sent"):
        outbox_service.mark_sent(actor, view.id)
    with transaction() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(view.id))).all()
        assert {"email.downloaded", "email.marked_sent"} <= set(actions)


def test_the_owning_caseworker_and_team_leader_are_told_when_vsat_rejects(demo_db, actor_for, no_smtp):
    actor = actor_for("ssst.caseworker")
    owner = actor_for("caseworker")
    sr_id = team_sr(actor)
    with transaction() as session:
        from db.models import ServiceRequest

        sr = session.get(ServiceRequest, sr_id)
        people = outbox_service.owner_and_team_leader(session, owner.user_id)
        draft = mail.vsat_rejected(scin=sr.case.scin, sr_number=sr.number, reason="No visiting capacity")
        row = outbox_service.queue_email(session, actor, sr, draft, to=people)
        email_id = row.id
        leader = session.scalar(select(User).where(User.username == "teamleader"))
        expected = {"caseworker@demo.casework.invalid", leader.email}
    with transaction() as session:
        message = _parsed(session.get(OutboundEmail, email_id).raw)
        assert {a.addr_spec for a in message["To"].addresses} >= expected
        assert message["Subject"].startswith("Face to face referral rejected")


def test_a_bad_address_is_refused_at_the_field_and_nothing_is_stored(demo_db, actor_for, no_smtp):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with pytest.raises(ValidationFailed) as refused:
        email_delivery.send_email(actor, sr_id, _cpt_draft(), to=["not an address"])
    assert "to" in refused.value.errors
    assert outbox_service.outbox(actor) == []


def test_another_teams_sr_and_email_are_refused(demo_db, actor_for, no_smtp):
    ssst = actor_for("ssst.caseworker")
    other = actor_for("caseworker")
    with pytest.raises(PermissionDenied, match="it does not exist, or it is not your team's"):
        email_delivery.send_email(ssst, other_team_sr(ssst), _cpt_draft())
    view = email_delivery.send_email(ssst, team_sr(ssst), _cpt_draft())
    assert outbox_service.outbox(other) == []
    for action in (outbox_service.download_eml, outbox_service.mark_sent, email_delivery.deliver):
        with pytest.raises(PermissionDenied):
            action(other, view.id)
    assert outbox_service.outbox(ssst)[0].status == "queued"
    with pytest.raises(PermissionDenied):
        outbox_service.outbox(actor_for("policy"))


def test_the_outbox_send_command_sends_what_waits_and_reports_failures(demo_db, actor_for, monkeypatch):
    from typer.testing import CliRunner

    from casework.cli import app

    actor = actor_for("ssst.caseworker")
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    queued = email_delivery.send_email(actor, team_sr(actor), _cpt_draft())
    assert CliRunner().invoke(app, ["outbox", "send"]).exit_code == 1  # no SMTP: nothing to do, said so
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        result = CliRunner().invoke(app, ["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0." in result.output
    assert len(server.handler.received) == 1
    assert outbox_service.outbox(actor)[0].status == "sent"
    with transaction() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "email.sent")).one()
        assert (event.entity_id, event.actor_name) == (str(queued.id), "system")


def test_a_recipient_refused_while_another_accepted_is_sent_with_the_refusal_kept(demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    to = ["CPT <cpt@example.org>", "Old CPO <old.cpo@gone.example.org>"]
    with smtp_server(Recorder(refuse_rcpt="@gone.example.org")) as server:
        _use_smtp(monkeypatch, server)
        view = email_delivery.send_email(actor, team_sr(actor), _cpt_draft(), to=to)
    assert view.status == "sent"  # it went to the CPT; sending again would send it twice
    assert "old.cpo@gone.example.org: 550" in view.error
    [received] = server.handler.received
    assert received.rcpt_tos == ["cpt@example.org"]


def test_an_email_whose_mailbox_address_is_not_set_is_never_sent_nor_retried_by_the_send_command(
    demo_db, actor_for, monkeypatch, mailboxes_not_set
):
    """A mailbox still on its placeholder is not set (services.mail_settings): no recipient, no SMTP, no cron retry."""
    from typer.testing import CliRunner

    from casework.cli import app

    actor = actor_for("ssst.caseworker")
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        view = email_delivery.send_email(actor, team_sr(actor), _cpt_draft())
        result = CliRunner().invoke(app, ["outbox", "send"])
    assert (view.status, view.to, view.address_not_set) == ("queued", "", True)
    assert "court presenting team email address is not set" in (view.error or "")
    assert server.handler.received == []
    assert result.exit_code == 0, result.output
    assert "Sent 0, failed 0." in result.output
