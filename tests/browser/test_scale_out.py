"""Two app servers on one PostgreSQL: what is changed through one is seen through the other (Chromium)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from db.models import ServiceRequest, Team, User
from services import records
from services.transaction import transaction
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
    expect(admin.get_by_text("Welcome, Demo Admin")).to_be_visible(timeout=20_000)
    admin.get_by_role("link", name="Users").click()
    admin.get_by_label("Username").fill("scale.out")
    admin.get_by_label("Full name").fill("Scale Out")
    admin.get_by_label("Team").click()
    admin.keyboard.type("CSA Rules Reassessment")
    admin.keyboard.press("Enter")
    admin.get_by_label("Temporary password (at least 10 characters)").fill("scale-out-password")
    admin.get_by_role("button", name="Add user").click()
    expect(admin.get_by_text("Added scale.out.")).to_be_visible(timeout=20_000)

    # On the first server that caseworker signs in and has no work yet.
    sign_in(page, first.url, "scale.out", "scale-out-password")
    expect(page.get_by_text("Welcome, Scale Out")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_text("Service requests allocated to you (0)")).to_be_visible(timeout=20_000)

    # Meanwhile an SR is allocated to them (through the service layer, as a third process would).
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == "scale.out"))
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.team_id == team_id, ServiceRequest.status == "Open")
        ).first()
        records.update_sr(session, None, sr, owner_id=user.id)
        number = sr.number

    # Both servers show it: the first on its next rerun, the second to a fresh sign-in there.
    page.get_by_role("link", name="Home").click()
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_text("Service requests allocated to you (1)")).to_be_visible(timeout=20_000)
    elsewhere = browser.new_context().new_page()
    sign_in(elsewhere, second.url, "scale.out", "scale-out-password")
    expect(elsewhere.get_by_text("Welcome, Scale Out")).to_be_visible(timeout=20_000)
    elsewhere.get_by_role("link", name="My work").click()
    expect(elsewhere.get_by_text("Service requests allocated to you (1)")).to_be_visible(timeout=20_000)
    with transaction() as session:
        owner = session.scalar(select(ServiceRequest.owner_id).where(ServiceRequest.number == number))
        assert owner == user.id
