"""SSST emails sent from procedure steps to a real SMTP server on loopback (aiosmtpd): what arrives reads back
as the stored message; a refusing server leaves the message in the outbox with the error and the step saved."""

from __future__ import annotations

from email import message_from_bytes

import pytest

from domain import mail
from services import email_delivery
from services.mail_settings import SSST_MAILBOX, mailbox
from tests.procedures.ssst_walks import allocated_sr, attachments, case_value, outbox_rows, set_case, sr_row, tasks_for
from tests.procedures.walk import Walk
from tests.ssst import Recorder, sent_in_background, smtp_server


@pytest.fixture
def ssst(actor_for, monkeypatch):
    for name in ("USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    return actor_for("ssst.caseworker")


def use(monkeypatch, server) -> None:
    monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
    monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "5")


def test_the_ecm_confirmation_reaches_the_smtp_server_as_stored_and_the_sr_closes(demo_db, ssst, monkeypatch):
    case_id, sr_id = allocated_sr(ssst, "Court Fee Payment")
    walk = Walk(ssst, "P5a", case_id, sr_id=sr_id)
    scin = case_value(case_id, "scin")
    walk.answer(email_received_at="2025-12-23 16:45", client_name="Sam Sample", scin=scin, court="Bath", fee="75.50")
    walk.answer(paid_on="2025-12-29", payment_reference="CF-9")
    with smtp_server() as server:
        use(monkeypatch, server)
        walk.answer(ecm_email="Pat Manager <pat.manager@ecm.example.org>")
        sent_in_background()  # the step answered first; its email goes from the background sender
    (received,) = server.handler.received
    assert (received.mail_from, received.rcpt_tos) == (SSST_MAILBOX, ["pat.manager@ecm.example.org"])
    message = message_from_bytes(received.data, policy=mail.POLICY)  # knows the read-receipt header
    assert message["Subject"] == f"Court fee paid: Sam Sample, SCIN {scin}, SR {sr_row(sr_id)['number']}"
    assert [a.addr_spec for a in message["Disposition-Notification-To"].addresses] == [SSST_MAILBOX]
    assert "The court fee of £75.50 for Sam Sample" in message.get_body(("plain",)).get_content()
    ((row, stored),) = outbox_rows(sr_id)
    assert (row.status, row.error, row.raw) == ("sent", None, received.data)
    assert stored["Message-ID"] == message["Message-ID"]
    assert sr_row(sr_id)["status"] == "Closed"
    assert any(text.startswith("Phone Pat Manager to follow up") for _k, text, sid in tasks_for("ssst.caseworker"))


def test_a_refusing_server_leaves_the_vsat_referral_in_the_outbox_with_the_error_and_the_step_saved(
    demo_db, ssst, monkeypatch
):
    case_id, sr_id = allocated_sr(ssst, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    walk = Walk(ssst, "P5e", case_id, sr_id=sr_id)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    with smtp_server(Recorder(refuse_rcpt="*")) as server:
        use(monkeypatch, server)
        walk.answer(visit_reason="Payments", referral_details="Prefers mornings.")
        sent_in_background()
    assert server.handler.received == []
    assert walk.step == "set_in_progress"  # the step is saved although the email did not go
    assert [a.kind for a in attachments(sr_id)] == ["bundle_zip"]
    ((row, message),) = outbox_rows(sr_id)
    assert row.status == "failed"
    assert "SMTPRecipientsRefused" in row.error
    assert "550" in row.error
    assert [a.addr_spec for a in message["To"].addresses] == [mailbox("vsat").addr_spec]
    assert [a.get_filename() for a in message.iter_attachments()] == ["CMSF5579.docx"]

    with smtp_server() as server:
        use(monkeypatch, server)
        retried = email_delivery.deliver(ssst, row.id)
    assert (retried.status, retried.error) == ("sent", None)
    (received,) = server.handler.received
    assert received.data == row.raw  # the very message that waited, not a new one
    assert received.rcpt_tos == [mailbox("vsat").addr_spec]
