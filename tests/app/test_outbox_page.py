"""The outbox page: waiting and failed emails, mark sent, send again; only for the team's own emails."""

from datetime import datetime

import pytest

from domain import mail
from domain.clock import UK
from services import email as outbox
from services import email_delivery
from tests.app.helpers import app_as, texts
from tests.ssst import Recorder, smtp_server, team_sr
from ui.text import md

DRAFT = mail.cpt_letter_ready(
    scin="123456789012", sr_number="1-1", hearing_at=datetime(2027, 3, 12, 10, 0, tzinfo=UK), court="Bath"
)


@pytest.fixture
def no_smtp(monkeypatch):
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)


def _open(actor):
    at = app_as(actor).run()
    at.switch_page("pages/outbox.py").run()
    assert not at.exception
    return at


def test_a_waiting_email_is_listed_and_marking_it_sent_moves_it_to_sent(sqlite_demo_db, actor_for, no_smtp):
    actor = actor_for("ssst.caseworker")
    view = email_delivery.send_email(actor, team_sr(actor), DRAFT)
    at = _open(actor)
    page = texts(at)
    assert "Sending is not set up on this server" in page
    assert "Waiting to be sent (1)" in page
    assert "No emails have been sent yet." in page  # a sentence, not an empty grid
    assert not at.dataframe
    assert DRAFT.subject in page
    assert any(md(DRAFT.subject) in str(m.value) for m in at.markdown)  # shown as text: markdown escaped
    at.button(key=f"sent_{view.id}").click().run()
    assert not at.exception
    assert "Marked as sent" in texts(at)
    assert "Waiting to be sent (0)" in texts(at)
    assert "Sent (1)" in texts(at)
    assert outbox.outbox(actor)[0].status == "sent"


def test_a_failed_email_shows_the_error_and_send_again_sends_it(sqlite_demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.teamleader")
    with smtp_server(Recorder(refuse_rcpt="*")) as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        view = email_delivery.send_email(actor, team_sr(actor), DRAFT)
    assert view.status == "failed"
    with smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        at = _open(actor)
        assert "Sending failed: SMTPRecipientsRefused" in texts(at)
        at.button(key=f"retry_{view.id}").click().run()
        assert not at.exception
    assert f"{DRAFT.subject}: sent" in texts(at)
    assert len(server.handler.received) == 1


def test_another_teams_caseworker_sees_none_of_the_ssst_emails(sqlite_demo_db, actor_for, no_smtp):
    ssst = actor_for("ssst.caseworker")
    email_delivery.send_email(ssst, team_sr(ssst), DRAFT)
    at = _open(actor_for("caseworker"))
    assert "Waiting to be sent (0)" in texts(at)
    assert DRAFT.subject not in texts(at)


def test_policy_staff_cannot_open_the_outbox(sqlite_demo_db, actor_for):
    at = app_as(actor_for("policy")).run()
    try:
        at.switch_page("pages/outbox.py").run()
    except ValueError:
        return
    assert "Outbox" not in [t.value for t in at.title]


def test_an_email_whose_mailbox_address_is_not_set_says_who_must_set_it_and_shows_no_placeholder(
    sqlite_demo_db, actor_for, no_smtp, mailboxes_not_set
):
    """QA: emails were listed as going to court.presenting.team@placeholder.invalid as if it were a recipient."""
    actor = actor_for("ssst.caseworker")
    view = email_delivery.send_email(actor, team_sr(actor), DRAFT)
    assert view.address_not_set
    at = _open(actor)
    page = texts(at)
    assert "To: not set" in page
    assert "The court presenting team email address is not set in Casework Guide" in page
    assert "An administrator must set it in the mail settings." in page
    assert "placeholder" not in page
    assert "invalid" not in page


def test_once_its_address_is_set_the_email_is_addressed_and_sent_with_one_click(
    sqlite_demo_db, actor_for, monkeypatch, mailboxes_not_set
):
    """QA ("Still open"): an email queued while its mailbox was not set stayed unaddressed after it was set."""
    actor = actor_for("ssst.caseworker")
    with smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        view = email_delivery.send_email(actor, team_sr(actor), DRAFT)
        at = _open(actor)
        assert not [b for b in at.button if b.key in (f"address_{view.id}", f"retry_{view.id}")]  # nothing to send to
        monkeypatch.setenv("CASEWORK_MAIL_CPT", "CPT Bath <cpt.bath@example.org>")
        at = _open(actor)
        assert "The address has been set since this email was saved: `CPT Bath <cpt.bath@example.org>`." in texts(at)
        assert "address it now and it is sent." in texts(at)
        at.button(key=f"address_{view.id}").click().run()
        assert not at.exception
        assert "Addressed to `CPT Bath <cpt.bath@example.org>`" in texts(at)
        assert "Waiting to be sent (0)" in texts(at)
        assert "Sent (1)" in texts(at)
    (received,) = server.handler.received
    assert received.rcpt_tos == ["cpt.bath@example.org"]
