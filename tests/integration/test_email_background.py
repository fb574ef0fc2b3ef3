"""A slow mail server never holds up the page: a reassignment's, a hand-over's and a saved step's emails are committed
to the outbox, the call answers, and the background sender sends each once (services/email_background.py), against
a real SMTP server on loopback held by an event, never a sleep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, OutboundEmail
from domain.clock import as_of
from services import console, email_background, email_delivery
from services.email_background import BackgroundSender
from services.transaction import transaction
from tests.integration.test_reminders import (
    CHRISTMAS_EVE,
    SSST,
    _deadline,
    _only_these_deadlines,
    _plain_case_no,
    _sr_of,
    _user_id,
    _with_email,
)
from tests.procedures.ssst_walks import allocated_sr, case_value, outbox_rows
from tests.procedures.walk import Walk, team_named
from tests.ssst import Recorder, held_smtp_server, sent_in_background, smtp_server

WAIT = 30  # seconds at most for what a test waits on; each wait ends as soon as its event is set


@pytest.fixture
def smtp(monkeypatch):
    """Point the app at `server`; a long timeout, so a server the test holds is never given up on meanwhile."""
    for name in ("USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)

    def use(server) -> None:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "120")

    return use


def _digests() -> list[OutboundEmail]:
    with transaction() as session:
        rows = session.scalars(select(OutboundEmail).where(OutboundEmail.subject.like("%deadlines%"))).all()
        session.expunge_all()
        return list(rows)


def _overdue_sr_for_reassigning(actor_for) -> tuple[int, int]:
    """An SR of the caseworker's with a deadline overdue on Christmas Eve, and csa.cw2 given an email address."""
    _only_these_deadlines()
    deadline_id = _deadline(actor_for("caseworker"), CHRISTMAS_EVE - timedelta(hours=1))
    _with_email("csa.cw2")
    return _sr_of(deadline_id)


def test_a_reassignment_answers_while_the_mail_server_is_held_and_its_digest_goes_once_after(demo_db, actor_for, smtp):
    """A team leader reassigns a leaver's SR while the mail server is slow: the reassignment answers at once, saying the
    email is being sent; the digest waits in the outbox, claimed, until the server answers, then is sent once."""
    leader = actor_for("teamleader")
    sr_id, version = _overdue_sr_for_reassigning(actor_for)
    with held_smtp_server() as server:
        smtp(server)
        with as_of(CHRISTMAS_EVE):
            done = console.reassign(leader, [sr_id], _user_id("csa.cw2"), "Leave", expected_versions={sr_id: version})
        # Answered with the server holding nothing yet or holding the digest, never having accepted it.
        assert server.handler.received == []
        assert done.said.endswith(
            "An email telling of their deadlines is being sent; the Outbox shows whether it went."
        )
        [digest] = _digests()
        assert digest.status == "queued"
        assert server.handler.arrived.wait(WAIT)  # the background sender reached the server after the answer
        [digest] = _digests()
        assert (digest.status, digest.sending_since is not None) == ("queued", True)  # claimed: nobody else sends it
        server.handler.release.set()
        sent_in_background(WAIT)
        [received] = server.handler.received
    assert received.rcpt_tos == ["csa.cw2@demo.casework.invalid"]
    [digest] = _digests()
    assert (digest.status, digest.error, digest.sending_since, digest.raw) == ("sent", None, None, received.data)


def test_a_hand_over_answers_at_once_and_its_confirmation_says_where_the_email_is(demo_db, actor_for, smtp):
    """The receiving team's leader is told by email; the giving team leader reads that it is being sent and that the
    receiving team's Outbox shows it (the giving team's cannot: the SR is no longer theirs)."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=1), case_no=_plain_case_no(caseworker))
    _with_email("ssst.teamleader")
    sr_id, version = _sr_of(deadline_id)
    with held_smtp_server() as server:
        smtp(server)
        with as_of(CHRISTMAS_EVE):
            done = console.hand_over(leader, [sr_id], team_named(SSST), "SSST work", expected_versions={sr_id: version})
        assert server.handler.received == []
        assert done.said.endswith(
            f"An email telling of their deadlines is being sent; {SSST}'s Outbox shows whether it went."
        )
        server.handler.release.set()
        sent_in_background(WAIT)
        [received] = server.handler.received
    assert received.rcpt_tos == ["ssst.teamleader@demo.casework.invalid"]
    assert [d.status for d in _digests()] == ["sent"]


def test_a_refusing_server_leaves_the_reassignments_digest_failed_in_the_outbox_and_the_move_saved(
    demo_db, actor_for, smtp
):
    leader = actor_for("teamleader")
    sr_id, version = _overdue_sr_for_reassigning(actor_for)
    with smtp_server(Recorder(refuse_rcpt="*")) as server:
        smtp(server)
        with as_of(CHRISTMAS_EVE):
            done = console.reassign(leader, [sr_id], _user_id("csa.cw2"), "Leave", expected_versions={sr_id: version})
        sent_in_background(WAIT)
    assert done.sr_numbers  # moved, whatever became of the email
    assert server.handler.received == []
    [digest] = _digests()
    assert digest.status == "failed"
    assert "SMTPRecipientsRefused" in digest.error
    assert "550" in digest.error
    assert digest.sending_since is None  # not left claimed: Send again and `outbox send` may try it


def test_a_saved_steps_email_waits_for_no_mail_server_and_is_sent_once_after(demo_db, actor_for, smtp):
    """A caseworker saves P5a's email step while the mail server is slow: the step is saved and the wizard answers with
    the email queued; it is sent, once, when the server answers, audited under the caseworker's name."""
    ssst = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(ssst, "Court Fee Payment")
    walk = Walk(ssst, "P5a", case_id, sr_id=sr_id)
    scin = case_value(case_id, "scin")
    walk.answer(email_received_at="2025-12-23 16:45", client_name="Sam Sample", scin=scin, court="Bath", fee="75.50")
    walk.answer(paid_on="2025-12-29", payment_reference="CF-9")
    with held_smtp_server() as server:
        smtp(server)
        view = walk.answer(ecm_email="Pat Manager <pat.manager@ecm.example.org>")
        assert server.handler.received == []
        assert [e.status for e in view.emails] == ["queued"]  # what the wizard shows: being sent, not sent
        ((row, _message),) = outbox_rows(sr_id)
        assert row.status == "queued"
        server.handler.release.set()
        sent_in_background(WAIT)
        [received] = server.handler.received
    ((row, _message),) = outbox_rows(sr_id)
    assert (row.status, row.raw) == ("sent", received.data)
    with transaction() as session:
        sent_by = session.scalars(
            select(AuditEvent.actor_name).where(AuditEvent.action == "email.sent", AuditEvent.entity_id == str(row.id))
        ).all()
    assert sent_by == ["ssst.caseworker"]


def test_two_senders_given_the_same_email_send_it_once(demo_db, actor_for, smtp):
    """This server's sender has the reassignment's digest and is held at the slow mail server; another server's sender
    and cron's `outbox send` are handed the same email meanwhile: both find the claim and send nothing. Released, the
    email goes once."""
    leader = actor_for("teamleader")
    sr_id, version = _overdue_sr_for_reassigning(actor_for)
    other_server = BackgroundSender(name="other-server")
    with held_smtp_server() as server:
        smtp(server)
        with as_of(CHRISTMAS_EVE):
            console.reassign(leader, [sr_id], _user_id("csa.cw2"), "Leave", expected_versions={sr_id: version})
        assert server.handler.arrived.wait(WAIT)  # this server's sender has claimed it and is sending
        [digest] = _digests()
        other_server.send([digest.id])
        assert other_server.wait_until_idle(WAIT)  # done at once: it found the claim and left the email alone
        # Nor does cron's `outbox send` take it over: it reports the email as it stands, still being sent.
        assert [(v.id, v.status, v.sending_now) for v in email_delivery.send_waiting()] == [(digest.id, "queued", True)]
        assert server.handler.received == []
        server.handler.release.set()
        sent_in_background(WAIT)
        assert len(server.handler.received) == 1
    assert [d.status for d in _digests()] == ["sent"]


def test_an_email_the_process_never_sent_waits_queued_for_outbox_send(demo_db, actor_for, smtp, monkeypatch):
    """A server stopped between the reassignment's commit and its sender taking the digest (stood for here by a
    hand-over to the sender that does nothing) leaves it queued, not lost: cron's `outbox send` sends it, and a sender
    that gets to it afterwards sends nothing again."""
    leader = actor_for("teamleader")
    sr_id, version = _overdue_sr_for_reassigning(actor_for)
    monkeypatch.setattr(email_background, "send_after_commit", lambda *_args, **_kwargs: None)
    with smtp_server() as server:
        smtp(server)
        with as_of(CHRISTMAS_EVE):
            console.reassign(leader, [sr_id], _user_id("csa.cw2"), "Leave", expected_versions={sr_id: version})
        [digest] = _digests()
        assert (digest.status, len(server.handler.received)) == ("queued", 0)
        assert [v.status for v in email_delivery.send_waiting()] == ["sent"]
        late = BackgroundSender(name="restarted-server")
        late.send([digest.id])
        assert late.wait_until_idle(WAIT)
        assert len(server.handler.received) == 1
