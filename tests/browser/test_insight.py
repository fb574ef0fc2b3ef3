"""In Chromium: a team leader opens Insight, sees the funnel of their team's P1 runs, chooses a bar's figure
and opens the SR of a run behind it (issue 19). Every wait goes through `settled` (which runs axe-core)."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import User
from services import run_outcomes, run_start, runs
from services.actor import Actor
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_console import _choose
from tests.browser.test_sign_in import sign_in
from tests.crash_worker import run_script
from tests.procedures.walk import find_case
from ui.table_data import READ_IN_FULL

pytestmark = pytest.mark.browser
FIGURE = "2. Search the legacy systems: Reached the step"


def _walk_two_steps() -> str:
    """A caseworker's real P1 run, saved twice through the run services (the first save creates its SR)."""
    with transaction() as session:
        actor = Actor.of(session.scalars(select(User).where(User.username == "caseworker")).one())
    view = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    for _ in range(2):
        answers = {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}
        view = runs.submit_step(actor, view.run_id, answers, expected_version=view.version)
        if view.awaiting_confirmation:
            view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
    return run_outcomes.run_outcome(actor, view.run_id).srs["main"].number


def test_a_team_leader_sees_the_funnel_and_opens_the_runs_behind_a_bar(live_server, page: Page):
    sr_number = _walk_two_steps()
    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Insight").click()
    heading = settled(page, page.get_by_role("heading", name="P1 CSA Information Required", exact=False))
    expect(heading).to_have_count(1)
    funnel = page.get_by_test_id("stVegaLiteChart").filter(has_text="Runs that reached each step")
    expect(funnel).to_have_count(1)  # P1's funnel, drawn as SVG: its words are on the page
    for step in ("1. Check where the case is in transition", "2. Search the legacy systems"):
        expect(funnel.get_by_text(step, exact=True)).to_be_visible()
    # Every bar is named: Vega-Lite had hidden every second step's name (opacity 0) where it judged they touched.
    labels = funnel.locator("g.role-axis-label text")
    names = [labels.nth(i).text_content() or "" for i in range(labels.count())]
    assert "2. Search the legacy systems" in names
    hidden = [n for i, n in enumerate(names) if labels.nth(i).get_attribute("opacity") == "0"]
    assert hidden == []
    page.screenshot(path=str(live_server.log.parent / "insight.png"), full_page=True)
    # A click on the bar of step 2 lists the runs that reached it, each linking to its SR.
    funnel.locator("path[aria-label*='2. Search the legacy systems']").first.click()
    link = settled(page, page.get_by_role("link", name=f"SR {sr_number}: case", exact=False))
    expect(link).to_have_count(1)
    link.click()
    settled(page, page.get_by_role("heading", name=f"SR {sr_number}", exact=True))
    expect(page).to_have_title(f"SR {sr_number} – Casework Guide")  # the tab names the SR, as its heading does


def test_the_chooser_under_the_chart_lists_the_runs_behind_any_figure(live_server, page: Page):
    sr_number = _walk_two_steps()
    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Insight").click()
    settled(page, page.get_by_role("heading", name="P1 CSA Information Required", exact=False))
    # The charts and the table above the chooser draw after the run is over; a list opened before they have
    # drawn moved with them and closed (one run in eight under load). Wait for each one's first drawing.
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        expect(charts.nth(i).locator("svg, canvas").first).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_attached()
    _choose(page, "See the runs behind a figure", FIGURE)
    settled(page, page.get_by_role("link", name=f"SR {sr_number}: case", exact=False))


def test_the_insight_table_fits_a_1366_pixel_screen_without_sideways_scrolling(live_server, page: Page):
    """QA (7 December 2026, third session): with the demo runs, the step table ran past the page's edge at 1366 px:
    "Refused most at" was cut after "Refused most a", its values ("The checklist (c...") behind a sideways scroll."""
    from casework import demo_runs

    demo_runs.walk()  # as `make run` does: refused answers on P1's first steps
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Insight").click()
    settled(page, page.get_by_role("heading", name="P1 CSA Information Required", exact=False))
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    expect(grid.locator('th[role="columnheader"]').last).to_have_text("Refused most at")
    refused = grid.evaluate(
        "g => [...g.querySelectorAll('tbody tr')].map(r => [...r.querySelectorAll('td')].at(-1).textContent)"
    )
    assert any(refused), refused  # the column has values to show
    content, box = grid.locator(".dvn-scroller").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert content <= box, (content, box)
    expect(page.get_by_text(READ_IN_FULL, exact=True).first).to_be_visible()
