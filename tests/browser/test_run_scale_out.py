"""Two app servers on one PostgreSQL (Chromium): a run started on one is carried on from My work on the other,
the screen left open on the first is told to reload instead of saving over that work, and the SR the run
changed on the second is seen on the first.

Every step waits (`settled`) for the page to show the new state and for its script run to finish before
acting again: while Streamlit reruns, the old step's elements can stay in the DOM beside the new ones.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from db.models import AuditEvent, ProcedureRun, ServiceRequest
from services.audit import verify_chain
from services.transaction import transaction
from tests.browser.helpers import p1_scin, settled
from tests.browser.test_scale_out import two_servers  # noqa: F401 - the fixture
from tests.browser.test_sign_in import sign_in
from tests.browser.test_wizard import answer_p1_first_step, answer_search_legacy, at_step, press

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def choose(page: Page, option: str) -> None:
    page.get_by_text(option, exact=True).click()
    settled(page, page.get_by_role("radio", name=option, checked=True))


def test_a_run_started_on_one_server_is_carried_on_from_my_work_on_the_other(  # noqa: PLR0915 - one story
    two_servers,  # noqa: F811
    page: Page,
    browser: Browser,
):
    first, second = two_servers
    scin = p1_scin()

    # On the first server: start P1 and save its first step (the SR is created there).
    sign_in(page, first.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="Start a procedure").click()
    scin_box = settled(page, page.get_by_label("Find a case", exact=True))
    scin_box.fill(scin)
    scin_box.press("Enter")
    settled(page, page.get_by_role("button", name="Start P1")).click()
    answer_p1_first_step(page, "Arrears history for the complaint")
    press(page, "Confirm and save")
    at_step(page, "Search the legacy systems")
    found = re.search(r"/wizard\?run=([0-9a-f]{32})", page.url)
    assert found, page.url
    run_id = found.group(1)

    # On the second server (a load balancer without sticky sessions): My work lists the run; carry it on.
    elsewhere = browser.new_context().new_page()
    sign_in(elsewhere, second.url, "caseworker")
    settled(elsewhere, "Welcome, Demo Caseworker")
    elsewhere.get_by_role("link", name="My work", exact=True).click()
    settled(elsewhere, elsewhere.get_by_text(f"P1 on case {scin}"))
    carry_on = elsewhere.locator(f'a[href*="run={run_id}"]')
    expect(carry_on).to_have_count(1)
    carry_on.click()
    at_step(elsewhere, "Search the legacy systems")
    answer_search_legacy(elsewhere, "Found on CSCS via the second server")
    at_step(elsewhere, "Record what you found")

    # The screen still open on the first server shows the old step: saving from it is refused, with a reload.
    press(page, "Continue")
    settled(page, page.get_by_text("Reload to see the change, then try again."))
    press(page, "Reload")
    at_step(page, "Record what you found")
    expect(page.get_by_text("Reload to see the change, then try again.")).to_have_count(0)

    # The second server finishes the run (the typed findings go into the SR Notes: checked first).
    press(elsewhere, "Continue")
    at_step(elsewhere, "Check your answers before saving")
    press(elsewhere, "Confirm and save")
    at_step(elsewhere, "Does the case need to move segment?")
    choose(elsewhere, "No move needed")
    press(elsewhere, "Continue")
    at_step(elsewhere, "Check your answers before saving")
    press(elsewhere, "Confirm and save")
    settled(elsewhere, elsewhere.get_by_text(re.compile(r"is finished\.")))

    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        sr_id, number = run.sr_id, session.get_one(ServiceRequest, run.sr_id).number

    # Back on the first server, the team leader sees the SR as the second server left it.
    leader = browser.new_context().new_page()
    sign_in(leader, f"{first.url}/sr?sr={sr_id}", "teamleader")
    settled(leader, leader.get_by_role("heading", name=f"SR {number}"))
    expect(leader.get_by_text(re.compile(r"· Closed"))).to_be_visible()
    leader.get_by_role("tab", name="Notes").click()
    settled(leader, leader.get_by_text("Information found on the legacy systems: Found on CSCS via the second server"))

    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        assert run.status == "finished"
        assert run.answers["findings"] == "Found on CSCS via the second server"
        sr = session.get_one(ServiceRequest, run.sr_id)
        assert sr.status == "Closed"
        assert [n.text for n in sr.notes] == [
            "CSA information required (Complaint): Arrears history for the complaint",
            "Information found on the legacy systems: Found on CSCS via the second server",
        ]
        steps = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == run_id).order_by(AuditEvent.id)
        ).all()
        assert steps.count("run.started") == 1
        assert steps.count("run.step") == 4  # query_received, search_legacy, record_found, consider_segment
        assert verify_chain(session).ok
