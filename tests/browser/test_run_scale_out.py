"""Two app servers on one PostgreSQL (Chromium): a run started on one is carried on from My work on the other,
the screen left open on the first is told to reload instead of saving over that work, and the SR the run
changed on the second is seen on the first.

Every step waits for the page to show the new state, and for its script run to finish, before acting again:
while Streamlit reruns, the old step's elements can stay in the DOM beside the new ones, and a button
clicked before the run that drew it has finished can be lost.
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

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
TIMEOUT = 20_000


def at_step(page: Page, title: str) -> None:
    """Wait until the wizard shows `title` as its only step heading (the previous step has gone)."""
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Continue")).to_have_count(1, timeout=TIMEOUT)
    settled(page)


def press(page: Page, name: str) -> None:
    """Click the one button called `name` once the run that drew it has finished."""
    button = page.get_by_role("button", name=name)
    expect(button).to_have_count(1, timeout=TIMEOUT)
    settled(page)
    button.click()


def tick(page: Page, label: str) -> None:
    page.get_by_text(label, exact=True).click()
    expect(page.get_by_role("checkbox", name=label)).to_be_checked(timeout=TIMEOUT)


def choose(page: Page, option: str) -> None:
    page.get_by_text(option, exact=True).click()
    expect(page.get_by_role("radio", name=option)).to_be_checked(timeout=TIMEOUT)


def search_legacy(page: Page, findings: str) -> None:
    for item in ("CSCS checked", "CS2 checked", "Clerical case database (CCD) checked"):
        tick(page, item)
    choose(page, "Yes")
    box = page.get_by_label("What you found", exact=True)
    expect(box).to_be_visible(timeout=TIMEOUT)
    box.fill(findings)
    press(page, "Continue")


def test_a_run_started_on_one_server_is_carried_on_from_my_work_on_the_other(  # noqa: PLR0915 - one story
    two_servers,  # noqa: F811
    page: Page,
    browser: Browser,
):
    first, second = two_servers
    scin = p1_scin()

    # On the first server: start P1 and save its first step (the SR is created there).
    sign_in(page, first.url, "caseworker")
    expect(page.get_by_text("Welcome, Demo Caseworker")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Start a procedure").click()
    scin_box = page.get_by_label("Find a case", exact=True)
    scin_box.fill(scin)
    scin_box.press("Enter")
    page.get_by_role("button", name="Start P1").click()
    at_step(page, "Check where the case is in transition")
    tick(page, "I have the case open in the 2012 system and have read the query")
    choose(page, "Complaint")
    page.get_by_label("What information is needed", exact=True).fill("Arrears history for the complaint")
    choose(page, "Yes")
    press(page, "Continue")
    expect(page.get_by_text("Check your answers before saving")).to_be_visible(timeout=TIMEOUT)
    press(page, "Confirm and save")
    at_step(page, "Search the legacy systems")
    found = re.search(r"/wizard\?run=([0-9a-f]{32})", page.url)
    assert found, page.url
    run_id = found.group(1)

    # On the second server (a load balancer without sticky sessions): My work lists the run; carry it on.
    elsewhere = browser.new_context().new_page()
    sign_in(elsewhere, second.url, "caseworker")
    expect(elsewhere.get_by_text("Welcome, Demo Caseworker")).to_be_visible(timeout=TIMEOUT)
    elsewhere.get_by_role("link", name="My work").click()
    expect(elsewhere.get_by_text(f"P1 on case {scin}")).to_be_visible(timeout=TIMEOUT)
    carry_on = elsewhere.locator(f'a[href*="run={run_id}"]')
    expect(carry_on).to_have_count(1, timeout=TIMEOUT)
    carry_on.click()
    at_step(elsewhere, "Search the legacy systems")
    search_legacy(elsewhere, "Found on CSCS via the second server")
    at_step(elsewhere, "Record what you found")

    # The screen still open on the first server shows the old step: saving from it is refused, with a reload.
    press(page, "Continue")
    expect(page.get_by_text("Reload to see the change, then try again.")).to_be_visible(timeout=TIMEOUT)
    press(page, "Reload")
    at_step(page, "Record what you found")
    expect(page.get_by_text("Reload to see the change, then try again.")).to_have_count(0, timeout=TIMEOUT)

    # The second server finishes the run.
    press(elsewhere, "Continue")
    at_step(elsewhere, "Does the case need to move segment?")
    choose(elsewhere, "No move needed")
    press(elsewhere, "Continue")
    press(elsewhere, "Confirm and save")
    expect(elsewhere.get_by_text("is finished")).to_be_visible(timeout=TIMEOUT)

    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        sr_id, number = run.sr_id, session.get_one(ServiceRequest, run.sr_id).number

    # Back on the first server, the team leader sees the SR as the second server left it.
    leader = browser.new_context().new_page()
    sign_in(leader, f"{first.url}/sr?sr={sr_id}", "teamleader")
    expect(leader.get_by_role("heading", name=f"SR {number}")).to_be_visible(timeout=TIMEOUT)
    expect(leader.get_by_text(re.compile(r"· Closed"))).to_be_visible(timeout=TIMEOUT)
    leader.get_by_role("tab", name="Notes").click()
    expect(
        leader.get_by_text("Information found on the legacy systems: Found on CSCS via the second server")
    ).to_be_visible(timeout=TIMEOUT)

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
