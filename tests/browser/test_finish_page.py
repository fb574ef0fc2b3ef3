"""In Chromium at 1366 px: the wizard's finish page keeps each SR number on one line beside the side column."""

import pytest
from playwright.sync_api import Page

from tests.app.test_finish_page import finished_p1
from tests.browser.helpers import settled
from tests.browser.test_console import _actor
from tests.browser.test_sign_in import sign_in

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
