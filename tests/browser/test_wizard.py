"""In Chromium: a caseworker walks P1, reloads the page mid-way, signs in again and finishes it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import p1_scin
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser
TIMEOUT = 20_000


def _continue(page: Page) -> None:
    """Click the step's Continue once the previous step's button has left the page.

    While Streamlit reruns, the old step's elements can stay in the DOM for a moment beside the new ones.
    """
    button = page.get_by_role("button", name="Continue")
    expect(button).to_have_count(1, timeout=TIMEOUT)
    button.click()


def test_a_caseworker_finishes_p1_after_reloading_mid_way(live_server, page: Page):
    scin = p1_scin()
    sign_in(page, live_server.url, "caseworker")
    page.get_by_role("link", name="Start a procedure").click()
    scin_box = page.get_by_label("Find a case", exact=True)
    scin_box.fill(scin)
    scin_box.press("Enter")
    page.get_by_role("button", name="Start P1").click()
    expect(page.get_by_role("heading", name="Check where the case is in transition")).to_be_visible(timeout=TIMEOUT)

    page.get_by_text("I have the case open in the 2012 system").click()
    page.get_by_text("Complaint", exact=True).click()
    page.get_by_label("What information is needed", exact=True).fill("Arrears history for the complaint")
    page.get_by_text("Yes", exact=True).click()
    _continue(page)
    expect(page.get_by_text("Check your answers before saving")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_role("heading", name="Search the legacy systems")).to_be_visible(timeout=TIMEOUT)
    assert re.search(r"/wizard\?run=[0-9a-f]{32}", page.url)

    # A reload starts a new browser session: sign in again and land on the same step with the run id.
    run_url = page.url
    page.reload()
    sign_in(page, run_url, "caseworker")
    expect(page.get_by_role("heading", name="Search the legacy systems")).to_be_visible(timeout=TIMEOUT)

    for item in ("CSCS checked", "CS2 checked", "Clerical case database (CCD) checked"):
        page.get_by_text(item, exact=True).click()
    page.get_by_text("Yes", exact=True).click()
    page.get_by_label("What you found", exact=True).fill("CSCS shows the payments")
    _continue(page)
    expect(page.get_by_role("heading", name="Record what you found")).to_be_visible(timeout=TIMEOUT)
    _continue(page)
    expect(page.get_by_role("heading", name="Does the case need to move segment?")).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("No move needed", exact=True).click()
    _continue(page)
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_text("is finished")).to_be_visible(timeout=TIMEOUT)
