"""In Chromium against the real server: policy staff preview a letter and switch variant."""

import pytest
from playwright.sync_api import Page, expect

from letters.catalogue import CMSL5501_PARAGRAPHS
from tests.browser.helpers import SLOW_TIMEOUT, settled
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_policy_signs_in_and_previews_a_cmsl5501_letter_for_each_reason(live_server, page: Page):
    sign_in(page, live_server.url, "policy")
    settled(page, "Welcome, Demo Policy")
    page.get_by_role("link", name="Letter preview").click()
    preview = page.locator(".letter-preview")
    settled(page, preview.get_by_text("Information about your face to face meeting with us"), timeout=SLOW_TIMEOUT)
    expect(preview.get_by_text("1 December 2026 at 10:30am")).to_be_visible()
    expect(preview.get_by_text(CMSL5501_PARAGRAPHS["payments"])).to_be_visible()

    page.get_by_text("Reason: Appeal (variant)").click()
    settled(page, preview.get_by_text(CMSL5501_PARAGRAPHS["appeal"]))
    expect(preview.get_by_text(CMSL5501_PARAGRAPHS["payments"])).to_have_count(0)
    expect(page.get_by_role("button", name="Download .docx")).to_be_visible()
    page.screenshot(path=str(live_server.log.parent / "letter_studio.png"), full_page=True)
