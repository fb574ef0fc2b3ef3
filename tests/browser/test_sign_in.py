"""In Chromium against the real server: a caseworker signs in and sees the home page."""

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import FIRST_PAGE_TIMEOUT, TIMEOUT, settled

pytestmark = pytest.mark.browser


def sign_in(page: Page, base_url: str, username: str, password: str = "demo-password") -> None:
    """Open `base_url` (a new session: sign-in), sign in; the caller waits for the page it lands on."""
    page.goto(base_url)
    settled(page, page.get_by_role("button", name="Sign in"), timeout=FIRST_PAGE_TIMEOUT)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page, shows: Locator | str = "You have signed out.", *, timeout: float = TIMEOUT) -> None:
    """Click Sign out and wait until the sign-in page `shows`: the only way a browser test signs out.

    The click only sends a rerun request; the session ends on the server when that run gets to it. A test
    that went to another address straight after the click (issue 20: test_practice, one full run in four)
    closed the page's connection first, so the run never ended the session, and the next page load was
    resumed from the still-valid session cookie as the user who had "signed out".
    """
    page.get_by_role("button", name="Sign out").click()
    settled(page, shows, timeout=timeout)


def test_a_caseworker_signs_in_and_sees_the_home_page(live_server, page: Page):
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    expect(page.get_by_role("link", name="My work", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Outstanding SRs")).to_have_count(0)
    page.screenshot(path=str(live_server.log.parent / "home.png"))


def test_a_page_outside_the_role_says_access_was_refused_and_shows_nothing(live_server, page: Page):
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.goto(live_server.url + "/outstanding")
    # A typed URL starts a new Streamlit session, which the session cookie resumes; the page is refused.
    settled(page, page.get_by_role("heading", name="You do not have access to that page"))
    expect(page.get_by_text("Outstanding SRs")).to_have_count(0)
    expect(page.get_by_label("Username")).to_have_count(0)
