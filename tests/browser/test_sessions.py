"""In Chromium: a signed-in session survives a reload, a new tab and a bookmark; it ends for every tab when
the user signs out or is deactivated; and the idle timeout clears the screen at the limit, with no click."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from db.models import UserSession
from services import users
from services.access import SESSION_ENDED
from services.sessions import COOKIE, IDLE_MESSAGE
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in, sign_out
from tests.conftest import Database, LiveServer, start_server

pytestmark = pytest.mark.browser
WELCOME = "Welcome, Demo Caseworker"


def _signed_in(page: Page, url: str) -> None:
    sign_in(page, url, "caseworker")
    settled(page, WELCOME)


def _session_cookie(context: BrowserContext) -> dict:
    return next(c for c in context.cookies() if c["name"] == COOKIE)


def test_reload_new_tab_and_bookmark_resume_the_session_held_only_as_a_hash(live_server, page: Page):
    _signed_in(page, live_server.url)
    cookie = _session_cookie(page.context)
    assert (cookie["sameSite"], cookie["httpOnly"], cookie["path"]) == ("Strict", False, "/")
    with transaction() as session:
        stored = session.scalars(select(UserSession.token_hash)).all()
    assert stored == [hashlib.sha256(cookie["value"].encode()).hexdigest()]

    page.reload()
    settled(page, WELCOME)
    expect(page.get_by_label("Username")).to_have_count(0)

    tab = page.context.new_page()
    tab.goto(live_server.url + "/my-work")  # a bookmark, opened in a new tab
    settled(tab, tab.get_by_role("heading", name="My work"))
    expect(tab.get_by_label("Username")).to_have_count(0)


def test_signing_out_in_one_tab_ends_the_session_in_the_other(live_server, page: Page):
    _signed_in(page, live_server.url)
    other = page.context.new_page()
    other.goto(live_server.url + "/my-work")
    settled(other, other.get_by_role("heading", name="My work"))
    sign_out(page)
    other.get_by_role("link", name="Home").click()  # the other tab's next page view
    settled(other, other.get_by_label("Username"))
    expect(other.get_by_text(WELCOME)).to_have_count(0)
    other.reload()
    settled(other, other.get_by_label("Username"))


def test_deactivation_ends_an_open_session_at_its_next_page_view_and_a_reload(live_server, page: Page):
    _signed_in(page, live_server.url)
    users.set_active(None, "caseworker", False)
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, SESSION_ENDED)
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("heading", name="My work")).to_have_count(0)
    page.reload()
    settled(page, page.get_by_label("Username"))
    expect(page.get_by_text(WELCOME)).to_have_count(0)


@pytest.fixture
def half_minute_server(sqlite_demo_db: Database, tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(sqlite_demo_db.url, tmp_path / "server.log", env={"CASEWORK_IDLE_MINUTES": "0.5"})
    try:
        yield server
    finally:
        server.stop()


def test_the_idle_timeout_clears_the_screen_at_the_limit_without_a_click(half_minute_server, page: Page):
    _signed_in(page, half_minute_server.url)
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name="My work"))
    # Nothing is clicked from here on: the page itself must clear once the half minute is up.
    settled(page, IDLE_MESSAGE, timeout=60_000)
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("heading", name="My work")).to_have_count(0)
