"""In Chromium: a team leader filters the outstanding SRs by owner and reassigns one with a reason; the
new owner is shown on the SR and the caseworker finds it in My work.

Streamlit reruns the script after each widget change and keeps the old elements on screen until the new
run draws them again, so every step waits (`settled`) for the state it caused (a count, the options offered)
and for the run to be over before the next one: never a fixed sleep.
"""

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from db.models import AuditEvent, ServiceRequest, User
from services import console
from services.actor import Actor
from services.transaction import transaction
from services.work import my_work
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in, sign_out

pytestmark = pytest.mark.browser
REASON = "Covering annual leave"


def _actor(username: str) -> Actor:
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return Actor.of(user)


def _listbox(page: Page, label: str) -> Locator:
    # Its accessible name also takes in the "Open" button, so match the aria-label itself.
    return page.locator(f'[role="listbox"][aria-label="{label}"]')


def _open(page: Page, label: str) -> Locator:
    """Open the select or multiselect labelled `label` and return its input."""
    box = page.get_by_role("combobox", name=label, exact=True)
    # Mid-screen first: opened at the bottom edge, the list scrolls the page to fit and closes on that scroll.
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    # ... and that scroll's own events let pass before the click opens the list, or they arrive a frame later and
    # close it (Insight's chooser, once in a full run on 5 December; helpers.choose_by_keyboard waits the same way).
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    box.click()
    settled(page, _listbox(page, label))
    return box


def _choose(page: Page, label: str, option: str) -> None:
    """Pick by keyboard (type, then Enter on the one option left): a mouse click on the list was lost
    now and then when the list moved under the pointer."""
    box = _open(page, label)
    box.fill(option)
    settled(page, _listbox(page, label).get_by_role("option", name=option, exact=True))
    box.press("Enter")


def _matching(page: Page, count: int) -> None:
    words = "service request matches" if count == 1 else "service requests match"
    settled(page, page.get_by_text(f"{count} {words}", exact=True))


def test_a_team_leader_filters_by_owner_and_reassigns_an_sr_to_a_caseworker_with_a_reason(live_server, page: Page):
    leader, worker = _actor("teamleader"), _actor("caseworker")
    owned = console.ConsoleFilter(owner_id=worker.user_id)
    mine = console.counts(leader, owned).total
    allocated = len(my_work(worker).service_requests)
    row = next(r for r in console.outstanding_page(leader).rows if r.owner_id not in (None, worker.user_id))
    theirs = console.counts(leader, console.ConsoleFilter(owner_id=row.owner_id)).total
    assert row.owner is not None
    assert 0 < theirs < console.PAGE_SIZE  # all on the first page
    assert mine != theirs  # so each filter shows its own count

    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Outstanding SRs").click()
    _matching(page, console.counts(leader).total)
    # The status filter's two default chips fit side by side, the second's remove button on screen (in a quarter of
    # the row, "In Progress" ran under the box's edge and its remove button could not be clicked).
    tags = page.get_by_test_id("stMultiSelectTagsContainer").first
    tags_box, remove = tags.bounding_box(), page.get_by_role("button", name="Remove In Progress").bounding_box()
    assert tags_box is not None
    assert remove is not None
    assert remove["x"] + remove["width"] <= tags_box["x"] + tags_box["width"]

    _choose(page, "Owner", worker.display_name)
    _matching(page, mine)
    _choose(page, "Owner", row.owner)
    _matching(page, theirs)

    # Tick the SR's row in the table (the grid's row marker column), then reassign the ticked rows.
    index = [r.id for r in console.outstanding_page(leader, console.ConsoleFilter(owner_id=row.owner_id)).rows].index(
        row.id
    )
    grid = page.locator('[data-testid="stDataFrame"]').nth(3)  # after the three count tables
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    grid.click(position={"x": 18, "y": 35 * (index + 1) + 17})  # header row, then 35 px a row
    form = page.locator('[data-testid="stForm"]')
    settled(page, form.get_by_text(f"Selected in the table: {row.number}", exact=True))
    _choose(page, "New owner", worker.display_name)
    expect(page.get_by_role("combobox", name="New owner", exact=True)).to_have_value(worker.display_name)
    form.get_by_label("Reason for reassigning").fill(REASON)
    form.get_by_role("button", name="Reassign").click()

    settled(page, page.get_by_text(f"Reassigned {row.number} to {worker.display_name}."))
    _matching(page, theirs - 1)  # it left the old owner's list
    _choose(page, "Owner", worker.display_name)
    _matching(page, mine + 1)  # and joined the new owner's

    _choose(page, "Open an SR", f"{row.number}: case {row.scin}, {row.label}")
    settled(page, page.get_by_role("button", name="Open SR detail")).click()
    settled(page, page.get_by_role("heading", name=f"SR {row.number}"))
    expect(page.get_by_text(f"owner {worker.display_name}")).to_be_visible()

    with transaction() as session:
        assert session.get(ServiceRequest, row.id).owner_id == worker.user_id
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "sr.reassigned")).one()
        assert (event.entity_id, event.actor_id, event.before["owner_id"]) == (row.number, leader.user_id, row.owner_id)
        assert (event.after["owner_id"], event.after["reason"]) == (worker.user_id, REASON)

    sign_out(page)
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name=f"Service requests allocated to you ({allocated + 1})"))


def test_the_consoles_tables_fit_a_1366_pixel_screen_without_sideways_scrolling(live_server, page: Page):
    """QA: at 1366 px the main table needed scrolling sideways and some columns were cut."""
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Outstanding SRs").click()
    _matching(page, console.counts(_actor("teamleader")).total)
    settled(page, page.get_by_text("Deadlines of the matching SRs, soonest first"))
    grids = page.locator('[data-testid="stDataFrame"]')
    grids.last.scroll_into_view_if_needed()
    # Each grid's scroller: wider content than its box is a sideways scroll bar.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
            .map(e => [e.scrollWidth, e.clientWidth])"""
    )
    assert len(sizes) == 5, sizes  # three counts, the SRs, the deadlines
    assert all(content <= box for content, box in sizes), sizes
