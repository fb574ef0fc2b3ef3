"""In Chromium against the real server: the outbox hands over a real .eml that parses back."""

from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from domain import mail
from domain.clock import UK
from services import email as outbox
from services import email_delivery
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.ssst import team_sr

pytestmark = pytest.mark.browser


def test_a_caseworker_downloads_the_eml_and_marks_it_sent(live_server, page: Page, actor_for, monkeypatch):
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    actor = actor_for("ssst.caseworker")
    draft = mail.cpt_letter_ready(
        scin="123456789012", sr_number="1-1", hearing_at=datetime(2027, 3, 12, 10, 0, tzinfo=UK), court="Bath"
    )
    view = email_delivery.send_email(actor, team_sr(actor), draft)
    sign_in(page, live_server.url, "ssst.caseworker")
    settled(page, page.get_by_role("link", name="Outbox")).click()
    settled(page, "Waiting to be sent (1)")  # a click on a button Streamlit is still redrawing can be lost
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download .eml").click()
    download = download_info.value
    assert download.suggested_filename == outbox.eml_file_name(view)
    message = message_from_bytes(Path(download.path()).read_bytes(), policy=email_policy.default)
    assert message["Subject"] == draft.subject
    assert message["Message-ID"] == view.message_id
    assert "Disposition-Notification-To" in message
    # The download reruns nothing (on_click="ignore": tests/unit/test_downloads_race_no_rerun.py says why).
    settled(page, page.get_by_role("button", name="Mark as sent")).click()
    settled(page, "Sent (1)")
    expect(page.get_by_text("Waiting to be sent (0)", exact=True)).to_be_visible()
    assert outbox.outbox(actor)[0].status == "sent"
