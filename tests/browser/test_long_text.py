"""In Chromium: a note pasted over a field's limit stays in the box and is refused at the field with the limit.

Only the browser shows this: Streamlit's text box, given `max_chars`, ignores a change that would go over it, so a
long note pasted from a CSA system vanished whole and Continue then said "Enter ..." (QA, eighth session).
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import p1_scin, settled
from tests.browser.test_sign_in import sign_in
from tests.browser.test_wizard import at_step, choose, press

pytestmark = pytest.mark.browser


def test_a_note_pasted_over_the_limit_is_kept_and_refused_with_its_length(live_server, page: Page):
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="Start a procedure").click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    finder.fill(p1_scin())
    finder.press("Enter")
    settled(page, page.get_by_role("button", name="Start P1")).click()
    at_step(page, "Check where the case is in transition")
    page.get_by_text("I have the case open in the 2012 system", exact=False).click()
    press(page, "Continue")
    at_step(page, "What needs the CSA information?")
    choose(page, "Complaint")
    press(page, "Continue")
    at_step(page, "What information is needed")

    box = page.get_by_role("textbox", name="What information is needed", exact=True)
    box.click()
    page.keyboard.insert_text("x" * 4100)  # as a paste arrives: one input of the whole text
    expect(box).to_have_value("x" * 4100)
    press(page, "Continue")
    settled(page, page.get_by_text("There is a problem", exact=True))
    expect(page.get_by_text("Error: Keep this to 4,000 characters or fewer (it has 4,100).")).to_be_visible()
    expect(box).to_have_value("x" * 4100)  # still there to shorten


def test_a_search_pasted_over_the_finders_limit_is_kept_and_refused_with_its_length(live_server, page: Page):
    """The boxes outside the wizard are drawn as its fields are (ui.text_box): the case finder stands for them."""
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="Start a procedure").click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    pasted = "Carly Smith, receiving parent, phoned about the payment due on Friday"  # 69 characters
    finder.click()
    page.keyboard.insert_text(pasted)  # as a paste arrives: one input of the whole text
    expect(finder).to_have_value(pasted)
    finder.press("Enter")
    settled(page, page.get_by_text("There is a problem", exact=True))
    expect(page.get_by_text("Keep this to 60 characters or fewer (it has 69).")).to_be_visible()
    expect(finder).to_have_value(pasted)  # still there to shorten
