"""In Chromium against the real server: the Sign out button ends the session and is audited."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import AuditEvent
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_signing_out_returns_to_the_sign_in_page_and_is_audited(live_server, page: Page):
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    sign_out(page)
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_text("Welcome, Demo Caseworker")).to_have_count(0)
    with transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sign_out").order_by(AuditEvent.id.desc())
        ).first()
    assert (event.actor_name, event.after) == ("caseworker", {"reason": "signed out"})
    assert "demo-password" not in live_server.log.read_text()
