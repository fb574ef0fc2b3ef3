"""In Chromium: text people typed is shown as text on every page that shows it, never as markdown.

An image link in a caseworker's answer made the browser fetch an outside address from "Check your
answers", and an admin-set display name did the same on SR detail (issue 14). Here both hold an image
link to a loopback server that counts requests, a `javascript:` link and an HTML image: the pages must
show the characters, draw no image or link from them, and the server must see no request.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from db.models import ServiceRequest, User
from services import run_start, runs, service_requests
from services.actor import Actor
from services.transaction import transaction
from tests.browser.helpers import TIMEOUT, settled
from tests.browser.test_sign_in import sign_in
from tests.crash_worker import run_script
from tests.procedures.walk import find_case

pytestmark = pytest.mark.browser


class _Beacon(http.server.ThreadingHTTPServer):
    requests: list[str]


@pytest.fixture
def beacon() -> Iterator[_Beacon]:
    """A loopback web server that records every path asked of it."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            server.requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = _Beacon(("127.0.0.1", 0), Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()


def _payload(port: int) -> str:
    return (
        f"![x](http://127.0.0.1:{port}/beacon.png) [open](javascript:alert(1)) "
        f"<img src='http://127.0.0.1:{port}/html.png'> http://127.0.0.1:{port}/bare"
    )


def _actor(username: str) -> Actor:
    with transaction() as session:
        return Actor.of(session.scalars(select(User).where(User.username == username)).one())


def _nothing_active(page: Page, port: int) -> None:
    """The payload is on the (settled) page as characters, and nothing on the page links or loads from it."""
    expect(page.locator(f'img[src*="{port}"]')).to_have_count(0)
    expect(page.get_by_text("beacon.png").first).to_be_visible()
    # (a heading's own "#welcome-sam-..." anchor is a link within the page: it fetches nothing)
    expect(page.locator(f'a[href*="{port}"]:not([href^="#"])')).to_have_count(0)
    expect(page.locator('a[href^="javascript"]')).to_have_count(0)


def _open_signed_in(page: Page, url: str, username: str) -> None:
    """Open `url` directly: the app sends the browser through sign-in and reopens it."""
    page.goto(url)
    # a fresh server's first page is slow; the sign-in form of a run still going can lose what is typed into it
    settled(page, page.get_by_label("Username"), timeout=3 * TIMEOUT)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()


def test_typed_answers_and_display_names_are_shown_as_text(live_server, browser: Browser, beacon):
    port = beacon.server_address[1]
    payload = _payload(port)
    with transaction() as session:
        caseworker = session.scalars(select(User).where(User.username == "caseworker")).one()
        caseworker.display_name = "Sam " + payload  # as an administrator could set it
        owned = session.scalars(
            select(ServiceRequest.id).where(ServiceRequest.owner_id == caseworker.id).order_by(ServiceRequest.id)
        ).first()
    assert owned is not None
    actor = _actor("caseworker")
    view = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    answers = {**run_script()[view.step.id], "query_summary": payload, "_checklist": list(view.step.checklist)}
    view = runs.submit_step(actor, view.run_id, answers, expected_version=view.version)
    assert view.awaiting_confirmation

    caseworker_page = browser.new_page()
    _open_signed_in(caseworker_page, live_server.url, "caseworker")
    settled(caseworker_page, caseworker_page.get_by_text("Welcome, Sam"))
    _nothing_active(caseworker_page, port)  # home's title and the sidebar show the display name
    caseworker_page.goto(f"{live_server.url}/wizard?run={view.run_id}")  # a typed URL: the session resumes
    settled(caseworker_page, caseworker_page.get_by_role("heading", name="Check your answers before saving"))
    _nothing_active(caseworker_page, port)  # the answer in "Check your answers"

    # SR detail for the team leader: the owner's and the note author's display names, the note itself and
    # what a procedure recorded on the SR (court, presenting officer, appointment place), all typed text.
    service_requests.add_sr_note(actor, owned, payload)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, owned)
        sr.court, sr.cpo_name, sr.appointment_location = payload, payload, payload
        number = sr.number
    leader = browser.new_context().new_page()
    # Signed in first, then the SR by its URL: a fresh server's first request for /sr finds no such page
    # until some session has run app.py (README, "A bookmarked page as a fresh server's first request").
    sign_in(leader, live_server.url, "teamleader")
    settled(leader, leader.get_by_role("link", name="Outstanding SRs"))
    leader.goto(f"{live_server.url}/sr?sr={owned}")  # a typed URL: the session cookie resumes it
    settled(leader, leader.get_by_role("heading", name=f"SR {number}"))
    _nothing_active(leader, port)  # the owner's display name under the heading
    leader.get_by_role("tab", name="Notes").click()
    # Within the Notes tab: the Timeline tab's grid holds the same text in a hidden cell, first in the page, once
    # the grid has drawn its cells (it does so after the page's run, so an unscoped locator failed now and then).
    notes = leader.get_by_role("tabpanel", name="Notes")
    note = notes.get_by_text(payload, exact=True)  # the note, character for character
    settled(leader, note)
    expect(notes.get_by_text(re.compile(r", Sam !\[x\]\(http")).first).to_be_visible()  # its author
    _nothing_active(leader, port)
    for tab in ("Timeline", "Procedure", "Attachments"):
        leader.get_by_role("tab", name=tab).click()
        expect(leader.get_by_role("tabpanel", name=tab)).to_be_visible()
        _nothing_active(leader, port)

    assert beacon.requests == []
