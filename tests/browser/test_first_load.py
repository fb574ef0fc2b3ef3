"""A fresh server whose first request is a bookmarked page (a run's /wizard?run=... after a restart).

Until some session has run app.py, Streamlit treats the pages/ folder as an old-style multipage app and runs
the page's file by itself, without app.py's sign-in and navigation. The page must still sign the user in and
open the run where it stands, not show a blank page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from services import runs
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.procedures.walk import find_case

pytestmark = pytest.mark.browser


def test_a_bookmarked_run_is_the_first_request_to_a_fresh_server(live_server, page: Page, actor_for):
    actor = actor_for("caseworker")
    run = runs.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    heading = run.step.title

    sign_in(page, f"{live_server.url}/wizard?run={run.run_id}", "caseworker")  # nothing else has loaded the app

    settled(page, page.get_by_role("heading", name=heading))
    assert f"/wizard?run={run.run_id}" in page.url
    # app.py's navigation, not the pages/ list
    expect(page.get_by_role("link", name="My work", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="wizard widgets")).to_have_count(0)


def test_a_bookmarked_page_of_another_role_signs_in_to_home(live_server, page: Page):
    sign_in(page, f"{live_server.url}/outstanding", "caseworker")  # a team leader's page, first request
    settled(page, "Welcome, Demo Caseworker")
    expect(page.get_by_role("link", name="Outstanding SRs")).to_have_count(0)
