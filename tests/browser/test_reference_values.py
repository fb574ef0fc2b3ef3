"""In Chromium: policy staff confirm a Resolution Code on the Reference values page; the SSST caseworker's next
step to save shows it in the CMS panel as an exact instruction, and the confirmation is in the audit trail."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import AuditEvent
from services import run_context
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_console import _actor, _choose
from tests.browser.test_sign_in import sign_in, sign_out
from tests.procedures.ssst_walks import allocated_sr
from tests.procedures.walk import Walk

pytestmark = pytest.mark.browser
TIMEOUT = 20_000


def _p5a_waiting_to_close() -> str:
    """A P5a run on an allocated SR, at its last step's "check your answers" (it closes the SR)."""
    actor = _actor("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Court Fee Payment")
    walk = Walk(actor, "P5a", case_id, sr_id=sr_id)
    scin = walk.view.case.scin
    walk.answer(
        email_received_at="2025-12-23 16:45", client_name="Sam O'Sample", scin=scin, court="Demo Court", fee="108.00"
    )
    walk.answer(paid_on="2025-12-29", payment_reference="CF-2025-0042")
    walk.answer(confirm=False)
    assert walk.view.awaiting_confirmation
    return walk.view.run_id


def test_policy_confirms_a_value_and_the_next_step_saved_shows_it_as_an_instruction(live_server, page: Page):
    run_id = _p5a_waiting_to_close()
    sign_in(page, live_server.url, "policy")
    settled(page, page.get_by_role("link", name="Reference values"))
    page.get_by_role("link", name="Reference values").click()
    # The first policy page to list the values works out where each is used (about a second on a quiet machine).
    settled(page, page.get_by_role("heading", name="Add a value"), timeout=3 * TIMEOUT)
    _choose(page, "Value", "Resolution Code: Completed (not confirmed)")
    confirm = page.get_by_role("button", name="Confirm 'Completed' is the value our CMS shows")
    settled(page, confirm).click()
    settled(page, page.get_by_text("Confirmed: Resolution Code = Completed"))
    with transaction() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == "resolution_code.completed")
        ).all()
    assert actions == ["reference.confirmed"]

    sign_out(page)  # the session cookie would resume policy's session
    sign_in(page, f"{live_server.url}/wizard?run={run_id}", "ssst.caseworker")
    settled(page, page.get_by_role("heading", name="Check your answers before saving"))
    expect(page.get_by_text("set Resolution Code = Completed")).to_be_visible()
    expect(
        page.get_by_text("Suggestion, not confirmed by the published procedure or your policy team: Completed")
    ).to_have_count(0)
    page.get_by_role("button", name="Confirm and save").click()
    settled(page, page.get_by_text("is finished"))
    expect(page.get_by_text("set Resolution Code = Completed")).to_be_visible()
    assert run_context.view_run(_actor("ssst.caseworker"), run_id).status == "finished"
