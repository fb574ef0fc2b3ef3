"""An email queued while its mailbox was not set is addressed once that address is set (services/email_address_later).

It used to stay unaddressed for good, to be sent by hand (QA, "Still open"). Real SMTP on loopback, real databases.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditEvent, OutboundEmail
from domain import mail
from services import email as outbox_service
from services import email_address_later, email_delivery
from services.errors import DomainError, PermissionDenied
from services.transaction import transaction
from tests.integration.test_email import _cpt_draft, _use_smtp
from tests.ssst import smtp_server, team_sr

CPT = "Court Presenting Team <cpt.bath@example.org>"


def _queued_unaddressed(actor) -> int:
    view = email_delivery.send_email(actor, team_sr(actor), _cpt_draft())
    assert (view.status, view.to, view.address_not_set, view.addressable_to) == ("queued", "", True, None)
    return view.id


def _row(email_id: int) -> OutboundEmail:
    with transaction() as session:
        row = session.get_one(OutboundEmail, email_id)
        session.expunge(row)
        return row


def test_once_the_mailbox_is_set_the_outbox_offers_it_and_addressing_keeps_the_message(
    demo_db, actor_for, monkeypatch, mailboxes_not_set
):
    for name in ("HOST", "PORT"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    actor = actor_for("ssst.caseworker")
    email_id = _queued_unaddressed(actor)
    before = mail.parse(_row(email_id).raw)

    monkeypatch.setenv("CASEWORK_MAIL_CPT", CPT)
    (shown,) = [e for e in outbox_service.outbox(actor) if e.id == email_id]
    assert (shown.address_not_set, shown.addressable_to) == (True, CPT)

    view = email_address_later.address_now(actor, email_id)
    assert (view.status, view.to, view.error, view.address_not_set, view.addressable_to) == (
        "queued",
        CPT,
        None,
        False,
        None,
    )
    after = mail.parse(_row(email_id).raw)
    assert str(after["To"]) == CPT
    for header in ("Message-ID", "Date", "Subject", "From", "Disposition-Notification-To", "X-Casework-SR"):
        assert str(after[header]) == str(before[header]), header
    assert after.get_body(("plain",)).get_content() == before.get_body(("plain",)).get_content()
    with transaction() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "email.addressed")).all()
    assert (event.entity_id, event.before["to_addrs"], event.after["to_addrs"]) == (str(email_id), "", CPT)
    with pytest.raises(DomainError, match="already has its recipient"):
        email_address_later.address_now(actor, email_id)


def test_addressed_it_is_sent_by_smtp_like_any_other(demo_db, actor_for, monkeypatch, mailboxes_not_set):
    actor = actor_for("ssst.caseworker")
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        email_id = _queued_unaddressed(actor)
        assert server.handler.received == []
        monkeypatch.setenv("CASEWORK_MAIL_CPT", CPT)
        email_address_later.address_now(actor, email_id)
        sent = email_delivery.deliver(actor, email_id)
    assert sent.status == "sent"
    (received,) = server.handler.received
    assert received.rcpt_tos == ["cpt.bath@example.org"]


def test_never_addressed_on_its_own_nor_while_the_mailbox_is_still_not_set(
    demo_db, actor_for, monkeypatch, mailboxes_not_set
):
    """It may have been sent by hand already: only a person addresses it (the module's decision)."""
    actor = actor_for("ssst.caseworker")
    with smtp_server() as server:
        _use_smtp(monkeypatch, server)
        email_id = _queued_unaddressed(actor)
        with pytest.raises(DomainError, match="still not set"):
            email_address_later.address_now(actor, email_id)
        monkeypatch.setenv("CASEWORK_MAIL_CPT", CPT)
        assert email_delivery.send_waiting() == []
    assert server.handler.received == []
    assert _row(email_id).to_addrs == ""


def test_another_team_cannot_address_it(demo_db, actor_for, monkeypatch, mailboxes_not_set):
    owner = actor_for("ssst.caseworker")
    email_id = _queued_unaddressed(owner)
    monkeypatch.setenv("CASEWORK_MAIL_CPT", CPT)
    stranger = actor_for("caseworker")  # the demo's other team
    assert stranger.team_id != owner.team_id
    with pytest.raises(PermissionDenied):
        email_address_later.address_now(stranger, email_id)
    assert _row(email_id).to_addrs == ""


def test_the_follow_up_call_for_a_mailbox_not_set_names_it_as_it_is_named(demo_db, actor_for, mailboxes_not_set):
    """QA: "Phone the CSA VSAT INTERVIEWS"; "the court presenting team" keeps its article."""
    from db.models import Task

    actor = actor_for("ssst.caseworker")
    draft = mail.vsat_referral(scin="123456789012", sr_number="1-1", client_role="Paying parent", reason="Payments")
    email_delivery.send_email(actor, team_sr(actor), draft)
    email_delivery.send_email(actor, team_sr(actor), _cpt_draft())
    with transaction() as session:
        calls = session.scalars(select(Task.text).where(Task.text.startswith("Phone "))).all()
    assert any(text.startswith("Phone CSA VSAT INTERVIEWS to follow up the email") for text in calls)
    assert any(text.startswith("Phone the court presenting team to follow up the email") for text in calls)
