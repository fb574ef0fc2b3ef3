"""In Chromium: a CMS line, selected and copied, is exactly the line, in the list and in its tick box.

Caseworkers copy the "What to enter in CMS" lines into CMS. A word joiner (U+2060) that kept an address from
becoming a link was copied with it (QA: P5a's SR Notes line); the lines now show such words as code spans. Here
the court's name, as typed, holds an address, a URL, a "www." host and two Streamlit shortcodes: every line that
repeats it must read and copy back character for character, linking nothing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.procedures.ssst_walks import allocated_sr, case_value
from tests.procedures.walk import Walk

pytestmark = pytest.mark.browser

COURT = (
    "Demo Court (fees@court.example.org, https://court.example.org/fees?ref=1_a*b* www.court.example.org)"
    " :smile: :material/gavel:"
)
SELECT = """(el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString();
}"""


def _copied(page: Page, shown: Locator) -> tuple[str, str]:
    """What selecting the element's text gives, and what Ctrl+C then puts on the clipboard."""
    selected = page.evaluate(SELECT, shown.element_handle())
    page.keyboard.press("Control+C")
    return selected, page.evaluate("() => navigator.clipboard.readText()")


def _check(page: Page, shown: Locator, line: str) -> None:
    assert _copied(page, shown) == (line, line)
    assert "\u2060" not in shown.inner_text()
    expect(shown.locator("a")).to_have_count(0)  # no address, URL or host became a link
    expect(shown.get_by_role("img")).to_have_count(0)  # nor a shortcode an icon (an emoji would differ in the copy)


def test_a_cms_line_with_an_address_and_a_url_copies_as_exactly_the_line(live_server, browser, actor_for):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Court Fee Payment")
    walk = Walk(actor, "P5a", case_id, sr_id=sr_id)
    view = walk.answer(
        confirm=False,
        email_received_at="2025-12-23 16:45",
        client_name="Sam O'Sample",
        scin=case_value(case_id, "scin"),
        court=COURT,
        fee="£108.00",
    )
    assert view.awaiting_confirmation
    (listed,) = [line.text for line in view.cms if line.text.startswith("Add to SR Notes: Court fee request")]
    assert COURT in listed

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, live_server.url, "ssst.caseworker")
    settled(page, page.get_by_text("Welcome", exact=False))
    page.goto(f"{live_server.url}/wizard?run={view.run_id}")
    item = page.get_by_role("listitem").filter(has_text="Add to SR Notes: Court fee request")
    _check(page, settled(page, item), listed)  # "What to enter in CMS when you save this step"

    walk.confirm()
    view = walk.checked(paid_on="2025-12-29", payment_reference="CF-1")  # check your answers shows the note
    (note,) = [n.text for n in view.notes]
    assert COURT in note
    page.goto(f"{live_server.url}/wizard?run={view.run_id}")
    shown = page.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(r"^Court fee of"))
    _check(page, settled(page, shown), note)  # "Notes this step records": the note exactly as it will be saved
    view = walk.confirm()
    (ticked,) = [line.text for item in view.cms_saved for line in item.lines if "Court fee of" in line.text]
    assert COURT in ticked
    page.goto(f"{live_server.url}/wizard?run={view.run_id}")
    box = page.get_by_test_id("stCheckbox").filter(has_text="Court fee of")
    _check(page, settled(page, box).get_by_test_id("stMarkdownContainer"), ticked)  # "Enter in CMS now"
    context.close()
