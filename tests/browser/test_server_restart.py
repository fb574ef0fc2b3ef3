"""SIGKILL the real app server and start it again on the same database: nothing committed is lost.

Groundwork for the procedure-run version (a run resumes on restart): extend this with a run
started before the kill and continued after it.
"""

import signal

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from db.models import AuditEvent
from services.audit import verify_chain
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in, sign_out
from tests.conftest import free_port, start_server

pytestmark = pytest.mark.browser


def test_a_killed_server_restarts_on_the_same_database_with_everything_committed_intact(
    sqlite_demo_db, tmp_path, page: Page, browser: Browser
):
    port = free_port()
    server = start_server(sqlite_demo_db.url, tmp_path / "before.log", port=port)
    try:
        sign_in(page, server.url, "caseworker")
        settled(page, "Welcome, Demo Caseworker")
        sign_out(page)
        sign_in(page, server.url, "teamleader")
        settled(page, "Welcome, Demo Teamleader")
    finally:
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=30)
    assert server.process.returncode == -signal.SIGKILL
    with transaction() as session:
        before = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_name != "system").order_by(AuditEvent.id)
        ).all()
    assert before[-3:] == ["sign_in", "sign_out", "sign_in"]

    restarted = start_server(sqlite_demo_db.url, tmp_path / "after.log", port=port)
    try:
        page.reload()  # the old websocket is gone: the restarted server resumes the committed sign-in session
        settled(page, "Welcome, Demo Teamleader")
        # A second browser (no session cookie) signs in afresh on the restarted server.
        other = browser.new_context().new_page()
        sign_in(other, restarted.url, "caseworker")
        settled(other, "Welcome, Demo Caseworker")
        other.context.close()
    finally:
        restarted.stop()
    with transaction() as session:
        after = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_name != "system").order_by(AuditEvent.id)
        ).all()
        assert after[: len(before)] == before
        assert after[-1] == "sign_in"
        assert verify_chain(session).ok
