"""In Chromium against the real server: policy staff preview a letter and switch variant."""

import re

import pytest
from playwright.sync_api import Page, expect

from letters.catalogue import CMSL5501_PARAGRAPHS
from letters.pdf import pdf_available
from tests.browser.helpers import SLOW_TIMEOUT, settled
from tests.browser.test_sign_in import sign_in
from ui.studio_panels import UNAVAILABLE

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


def test_policy_edits_a_sample_in_the_form_and_a_wrong_value_is_shown_at_its_field(live_server, page: Page):
    sign_in(page, live_server.url, "policy")
    settled(page, "Welcome, Demo Policy")
    page.get_by_role("link", name="Letter preview").click()
    preview = page.locator(".letter-preview")
    settled(page, preview.get_by_text("Information about your face to face meeting with us"), timeout=SLOW_TIMEOUT)
    page.get_by_text("Edit the sample values", exact=True).click()
    name = settled(page, page.get_by_role("textbox", name="Name of the person the letter is to", exact=True))
    expect(name).to_have_value("Alex Example")

    name.fill("Jordan Sample")
    name.press("Enter")
    settled(page, preview.get_by_text("Jordan Sample", exact=False).first, timeout=SLOW_TIMEOUT)
    # The appointment date, typed into the date field as a keyboard user does (day, month, year).
    page.get_by_role("group", name="Appointment date").get_by_role("spinbutton").first.click()
    page.keyboard.type("15122026")
    page.get_by_role("heading", name="Letter preview").click()  # the date is sent when the field loses focus
    settled(page, preview.get_by_text("15 December 2026 at 10:30am", exact=False), timeout=SLOW_TIMEOUT)
    expect(preview.get_by_text("1 December 2026 at 10:30am", exact=False)).to_have_count(0)

    # A required value removed: the message at the field and in the summary, the last good preview kept.
    name.fill("")
    name.press("Enter")
    message = "Error: Enter a value. This field is required."
    settled(page, page.get_by_text(message, exact=True))
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    # one colon, after the label (QA: "...is to: Enter a value: this field is required.")
    summary = "Name of the person the letter is to: Enter a value. This field is required."
    expect(page.get_by_text(summary)).to_be_visible()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(preview.get_by_text("Jordan Sample", exact=False).first).to_be_visible()
    expect(preview.get_by_text("15 December 2026 at 10:30am", exact=False)).to_be_visible()
    expect(page.get_by_text("The preview below shows the last values that were valid", exact=False)).to_be_visible()
    # Nothing to take away while a value is wrong (QA: Download and Make PDF gave the last good values), and why.
    expect(page.get_by_text(UNAVAILABLE, exact=True)).to_be_visible()
    download, make_pdf = page.get_by_role("button", name="Download .docx"), page.get_by_role("button", name="Make PDF")
    expect(download).to_be_disabled()
    if pdf_available():  # the server offers Make PDF only where LibreOffice is installed (CI installs it)
        expect(make_pdf).to_be_disabled()

    name.fill("Sam Corrected")
    name.press("Enter")
    settled(page, preview.get_by_text("Sam Corrected", exact=False).first, timeout=SLOW_TIMEOUT)
    expect(page.get_by_text(UNAVAILABLE, exact=True)).to_have_count(0)
    expect(download).to_be_enabled()
    if pdf_available():
        expect(make_pdf).to_be_enabled()
