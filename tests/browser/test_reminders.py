"""In Chromium: a caseworker with a deadline due tomorrow sees it on Home once `remind` has run."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from db.models import Case, Deadline, User
from domain.clock import utcnow
from services import records, reminders
from services.transaction import transaction
from tests.browser.helpers import as_drawn, settled
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def _deadline_due_tomorrow_for(username: str) -> str:
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))  # only this test's deadline is open
        user = session.scalar(select(User).where(User.username == username))
        case = session.scalars(select(Case).where(Case.team_id == user.team_id).order_by(Case.id)).first()
        sr = records.create_sr(
            session,
            None,
            case=case,
            process="Arrears",
            area="Arrears Management",
            sub_area="Arrears Review",
            owner_id=user.id,
        )
        records.add_deadline(
            session, None, sr, kind="review_date", due_at=utcnow() + timedelta(days=1), explanation="browser test"
        )
        return sr.number


def test_a_caseworker_sees_a_deadline_due_tomorrow_on_home_after_remind_runs(live_server, page: Page):
    number = _deadline_due_tomorrow_for("caseworker")
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    expect(page.get_by_text("Due soon (1)")).to_have_count(0)  # nothing told yet
    assert reminders.remind().reminders == 1
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name="My work"))
    page.get_by_role("link", name="Home").click()
    settled(page, page.get_by_text("Due soon (1)"))
    expect(page.get_by_text(as_drawn(f"Review date: SR {number}"))).to_be_visible()  # in an alert
