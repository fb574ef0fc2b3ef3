"""Two app servers on one PostgreSQL: what is changed through one is seen through the other (Chromium)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from db.models import ServiceRequest, Team, User
from services import records
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.conftest import LiveServer, free_port, start_server

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def two_servers(pg_demo_db, tmp_path) -> Iterator[tuple[LiveServer, LiveServer]]:
    first = start_server(pg_demo_db.url, tmp_path / "first.log", port=free_port())
    try:
        second = start_server(pg_demo_db.url, tmp_path / "second.log", port=free_port())
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


def test_a_user_added_on_one_server_signs_in_on_the_other_and_sees_work_allocated_meanwhile(
    two_servers, page: Page, browser: Browser
):
    first, second = two_servers
    assert first.url != second.url

    # On the second server an administrator adds a caseworker.
    admin = browser.new_context().new_page()
    sign_in(admin, second.url, "admin")
    settled(admin, "Welcome, Demo Admin")
    admin.get_by_role("link", name="Users").click()
    settled(admin, admin.get_by_label("Username")).fill("scale.out")
    admin.get_by_label("Full name").fill("Scale Out")
    admin.get_by_label("Team").click()
    admin.keyboard.type("CSA Rules Reassessment")
    admin.keyboard.press("Enter")
    admin.get_by_label("Temporary password (at least 10 characters)").fill("scale-out-password")
    admin.get_by_role("button", name="Add user").click()
    settled(admin, "Added scale.out.")

    # On the first server that caseworker signs in and has no work yet.
    sign_in(page, first.url, "scale.out", "scale-out-password")
    settled(page, "Welcome, Scale Out")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, "Service requests allocated to you (0)")

    # Meanwhile an SR is allocated to them (through the service layer, as a third process would).
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == "scale.out"))
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        sr = session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.team_id == team_id, ServiceRequest.status == "Open")
            .order_by(ServiceRequest.id)
        ).first()
        records.update_sr(session, None, sr, owner_id=user.id)
        number = sr.number

    # Both servers show it: the first on its next rerun, the second to a fresh sign-in there.
    page.get_by_role("link", name="Home").click()
    settled(page, "Welcome, Scale Out")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, "Service requests allocated to you (1)")
    elsewhere = browser.new_context().new_page()
    sign_in(elsewhere, second.url, "scale.out", "scale-out-password")
    settled(elsewhere, "Welcome, Scale Out")
    elsewhere.get_by_role("link", name="My work", exact=True).click()
    settled(elsewhere, "Service requests allocated to you (1)")
    with transaction() as session:
        owner = session.scalar(select(ServiceRequest.owner_id).where(ServiceRequest.number == number))
        assert owner == user.id
