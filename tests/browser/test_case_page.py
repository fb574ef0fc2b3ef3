"""In Chromium: a team leader finds a case on the sidebar's Case page by its SCIN, reads it (banner, open and closed
SRs, Contact Notes: axe-core on each state), opens their team's SRs from it, open and closed, and comes back to the case
by the SR page's "Back to the case"; an SR page opened otherwise goes back to Outstanding SRs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from db.models import ServiceRequest
from services import records
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.integration.test_case_page import own_sr
from tests.procedures.test_handed_over_walks import hand_over_and_allocate

pytestmark = pytest.mark.browser


def address(page: Page) -> tuple[str, dict[str, list[str]]]:
    """The browser's address as the page's path and its query (the order of the query's parameters aside)."""
    url = urlsplit(page.url)
    return url.path, parse_qs(url.query)


def test_a_team_leader_reads_a_case_and_goes_between_it_and_its_sr(live_server, page: Page, actor_for):
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")  # the visit SR is the SSST's now
    own = own_sr(handed.case_id)
    with transaction() as session:
        visit, arrears = session.get_one(ServiceRequest, handed.sr_id), session.get_one(ServiceRequest, own)
        records.add_note(session, handed.worker, case=visit.case, sr=visit, text="Visit done: plan agreed.",
                         kind="contact")  # fmt: skip
        scin, visit_number, own_number = visit.case.scin, visit.number, arrears.number
        complaint = records.create_sr(session, None, case=visit.case, process="Escalated Enquiries", area="Complaints",
                                      sub_area="Resolution")  # fmt: skip
        records.set_status(session, None, complaint, "Closed", "Cancelled")  # closed today: listed first
        complaint_number, complaint_id = complaint.number, complaint.id

    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Case", exact=True).click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    expect(page.get_by_role("button", name="Start P1")).to_have_count(0)
    finder.fill(scin)
    finder.press("Enter")
    settled(page, page.get_by_role("heading", name="Contact Notes (", exact=False))  # axe-core on the case
    expect(page).to_have_title(f"Case {scin} – Casework Guide")
    expect(page.get_by_text("Visit done: plan agreed.")).to_be_visible()
    expect(page.get_by_text(f"Held by another team, so its page is that team's: SR {visit_number}.")).to_be_visible()
    expect(page.get_by_role("link", name=f"SR {visit_number}", exact=False)).to_have_count(0)
    expect(page.get_by_role("heading", name="Which procedure?")).to_have_count(0)

    closed = page.get_by_role("heading", name="Closed service requests on this case (", exact=False)
    expect(closed).to_be_visible()
    expect(page.get_by_text("How it was closed is as Casework Guide recorded it", exact=False)).to_be_visible()

    page.get_by_role("link", name=f"Open SR {own_number}: ", exact=False).click()
    settled(page, page.get_by_role("heading", name=f"SR {own_number}"))
    assert page.url.endswith(f"/sr?sr={own}&from=case")
    expect(page.get_by_role("link", name="Back to Outstanding SRs")).to_have_count(0)
    expect(page.get_by_role("link", name="Open the case")).to_have_count(0)  # "Back" goes there
    page.get_by_role("link", name="Back to the case").click()
    settled(page, page.get_by_role("heading", name="Contact Notes (", exact=False))
    assert page.url.endswith(f"/case?case={handed.case_id}")
    expect(page.locator("p", has_text=scin).first).to_be_visible()
    expect(page.get_by_text("Visit done: plan agreed.")).to_be_visible()

    page.get_by_role("link", name=f"Open SR {complaint_number}: ", exact=False).click()  # a closed one
    settled(page, page.get_by_role("heading", name=f"SR {complaint_number}"))
    assert page.url.endswith(f"/sr?sr={complaint_id}&from=case")
    page.get_by_role("link", name="Back to the case").click()
    settled(page, closed)

    page.goto(f"{live_server.url}/sr?sr={own}")  # not from the case: back to the list, and the case a link of its own
    settled(page, page.get_by_role("heading", name=f"SR {own_number}"))
    expect(page.get_by_role("link", name="Back to Outstanding SRs")).to_be_visible()
    page.get_by_role("link", name="Open the case").click()
    settled(page, page.get_by_role("heading", name="Contact Notes (", exact=False))
    assert page.url.endswith(f"/case?case={handed.case_id}")


def test_a_team_leader_goes_from_the_case_to_an_sr_then_a_related_one_and_back_down_the_chain(
    live_server, page: Page, actor_for
):
    """QA, eighth session: a related SR opened from an SR opened from the case offered no way back to the first SR.
    Its "Back to SR ..." goes there, and the first SR's "Back to the case" still goes to the case (axe-core on each)."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    first, second = own_sr(handed.case_id), own_sr(handed.case_id)  # the team's two SRs on the case: related
    with transaction() as session:
        first_number, second_number = (session.get_one(ServiceRequest, i).number for i in (first, second))
        scin = session.get_one(ServiceRequest, first).case.scin

    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Case", exact=True).click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    finder.fill(scin)
    finder.press("Enter")
    page.get_by_role("link", name=f"Open SR {first_number}: ", exact=False).click()
    settled(page, page.get_by_role("heading", name=f"SR {first_number}"))
    page.get_by_role("tab", name="Related SRs").click()
    page.get_by_role("link", name=f"{second_number}: ", exact=False).click()
    settled(page, page.get_by_role("heading", name=f"SR {second_number}"))
    # the address names the SR drawn (QA, ninth session: it still read the first SR's, so a reload showed that one)
    assert address(page) == ("/sr", {"sr": [str(second)], "back": [str(first)], "from": ["case"]})
    page.reload()
    settled(page, page.get_by_role("heading", name=f"SR {second_number}"))
    expect(page.get_by_role("link", name=f"Back to SR {first_number}")).to_be_visible()
    expect(page.get_by_role("link", name="Back to Outstanding SRs")).to_have_count(0)
    expect(page.get_by_role("link", name="Open the case")).to_be_visible()  # the case a link of its own

    page.get_by_role("link", name=f"Back to SR {first_number}").click()
    settled(page, page.get_by_role("heading", name=f"SR {first_number}"))
    assert address(page) == ("/sr", {"sr": [str(first)], "from": ["case"]})
    page.reload()
    settled(page, page.get_by_role("heading", name=f"SR {first_number}"))
    expect(page.get_by_role("link", name=f"Back to SR {first_number}")).to_have_count(0)
    page.get_by_role("link", name="Back to the case").click()
    settled(page, page.get_by_role("heading", name="Contact Notes (", exact=False))
    assert page.url.endswith(f"/case?case={handed.case_id}")
