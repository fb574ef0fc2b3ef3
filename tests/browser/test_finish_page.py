"""In Chromium at 1366 px: the wizard's finish page keeps each SR number on one line beside the side column."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from db.models import OutboundEmail
from services.transaction import transaction
from tests.app.test_finish_page import finished_p1
from tests.browser.helpers import settled
from tests.browser.test_console import _actor
from tests.browser.test_sign_in import sign_in
from tests.procedures.ssst_walks import sr_row
from tests.procedures.test_p5e import refer, start
from ui.text import WORD_JOINER

pytestmark = pytest.mark.browser

# Each cell of the table's SR column with the number of lines its text takes; and whether the table fits its column.
SR_CELLS = """table => {
    const column = [...table.querySelectorAll('thead th')].findIndex(th => th.innerText.trim() === 'SR');
    const lines = [...table.querySelectorAll('tbody tr')].map(row => {
        const cell = row.children[column];
        const text = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const tops = new Set();
        while (text.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(text.currentNode);
            [...range.getClientRects()].forEach(r => tops.add(Math.round(r.top)));
        }
        return [cell.innerText.trim(), tops.size];
    });
    const box = table.closest('[data-testid="stTable"]');
    return {lines, fits: table.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1};
}"""


def test_the_finish_pages_sr_numbers_stay_on_one_line_at_1366_pixels(live_server, page: Page):
    """QA: the SR column showed "1-" over "00000072" beside the wizard's side column."""
    walk, outcome = finished_p1(_actor("caseworker"))
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.goto(f"{live_server.url}/wizard?run={walk.view.run_id}")
    settled(page, page.get_by_role("heading", name="Service requests (2)"))
    table = page.get_by_test_id("stTable").first.locator("table")
    shown = table.evaluate(SR_CELLS)
    assert shown["lines"] == [[outcome.srs["main"].number, 1], [outcome.srs["segment"].number, 1]], shown
    assert shown["fits"], "the table no longer fits its column"


# Each span that keeps an SR number whole (ui.text.kept_whole): its text, how many lines it takes, its white-space.
KEPT_WHOLE = """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"] span[style]')]
    .filter(span => span.style.whiteSpace === 'nowrap')
    .map(span => [span.innerText, new Set([...span.getClientRects()].map(r => Math.round(r.top))).size,
                  getComputedStyle(span).whiteSpace])"""


def test_an_sr_number_in_a_sentence_stays_whole_and_typed_text_around_it_stays_text(
    live_server, page: Page, monkeypatch
):
    """QA: "1-" at the end of one line and "00000072" on the next. In the "In CMS on SR" heading and each email's
    subject the number is in a span that does not wrap, with nothing added to it; the markup and HTML of a subject
    (typed values go into subjects) is shown as its characters, though the line is drawn with HTML allowed."""
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    walk, _case_id, sr_id = start(_actor("ssst.caseworker"))
    refer(walk)
    walk.answer(vsat_accepted=False, rejection_reason="No visiting officer covers the area.")
    walk.answer()
    number = sr_row(sr_id)["number"]
    typed = '<img src="/x.png" alt="typed"> <b>bold</b> **strong** [link](http://127.0.0.1:9/) &amp; '
    with transaction() as session:
        session.execute(
            update(OutboundEmail).where(OutboundEmail.sr_id == sr_id).values(subject=typed + OutboundEmail.subject)
        )

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "ssst.caseworker")
    settled(page, "Welcome, Demo SSST Caseworker")
    page.goto(f"{live_server.url}/wizard?run={walk.view.run_id}")
    settled(page, page.get_by_role("heading", name="Emails (2)"))
    spans = page.evaluate(KEPT_WHOLE)
    assert spans == [[number, 1, "nowrap"]] * 3, spans  # the heading and the two subjects
    emails = page.get_by_test_id("stMarkdownContainer").filter(has_text="To: ")
    expect(emails).to_have_count(2)
    for i in range(2):
        email = emails.nth(i)
        shown = email.inner_text().replace(WORD_JOINER, "")  # md's joiner: "http:" makes no link
        assert shown.startswith(typed + "Face to face referral"), shown
        assert email.locator("img, b, strong, a").count() == 0
