"""In Chromium: a page that stops early still names itself in the tab ("<page> – Casework Guide").

Once a run asks Streamlit to stop, every message it sends afterwards is dropped, app.py's title included, so the
tab kept the previous page's title (or Streamlit's bare page name on a fresh load). Pages stop through ui.stop,
which sends the title first. Policy's Home stops after its one line (policy staff work no cases), and the
wizard opened without a run stops after saying where to start one: both always stop, whatever the data.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_pages_that_stop_early_still_name_themselves_in_the_tab(live_server, page: Page):
    sign_in(page, live_server.url, "policy")
    settled(page, "Welcome, Demo Policy")
    expect(page).to_have_title("Home – Casework Guide")
    page.get_by_role("link", name="Letter preview").click()
    settled(page, page.get_by_role("heading", name="Letter preview"))
    expect(page).to_have_title("Letter preview – Casework Guide")
    page.get_by_role("link", name="Home").click()  # Home stops again: the tab must not keep "Letter preview"
    settled(page, "Welcome, Demo Policy")
    expect(page).to_have_title("Home – Casework Guide")
    sign_out(page)

    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.goto(live_server.url + "/wizard")  # no run chosen: the page says where to start one, and stops
    settled(page, "Open a procedure from My work, or start one from Start a procedure.")
    expect(page).to_have_title("Procedure – Casework Guide")
    page.get_by_role("link", name="My work").click()
    settled(page, page.get_by_role("heading", name="My work"))
    expect(page).to_have_title("My work – Casework Guide")
