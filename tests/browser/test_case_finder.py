"""A new caseworker finds a case by a parent's name in Chromium, reads why P4 cannot start on it, and starts P1."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import Case, Team
from services.transaction import transaction
from tests.browser.helpers import choose_by_keyboard, settled
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def _moved_case() -> Case:
    """A CSA Rules Reassessment Team case whose arrears have moved to CMS: P1 starts, P4 does not."""
    with transaction() as session:
        team = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        case = session.scalars(
            select(Case)
            .where(
                Case.team_id == team,
                Case.csa_liability_ended,
                Case.financial_transition_complete,
                Case.sensitive.is_(False),
            )
            .order_by(Case.id)
        ).first()
        session.expunge(case)
        return case


def _give_a_namesake(case: Case) -> str:
    """Another case of the same team gets this case's receiving parent's name; returns that case's SCIN."""
    with transaction() as session:
        other = session.scalars(
            select(Case).where(Case.team_id == case.team_id, Case.id != case.id, Case.sensitive.is_(False))
        ).first()
        other.receiving_parent_name = case.receiving_parent_name
        return other.scin


def test_a_caseworker_finds_a_case_by_name_and_starts_the_procedure_that_applies(live_server, page: Page):
    case = _moved_case()
    namesake = _give_a_namesake(case)  # two cases match the name: the caseworker chooses by SCIN
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    expect(page.get_by_role("heading", name="Tasks for you")).to_be_visible()
    page.get_by_role("link", name="Start a procedure").click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    finder.fill(case.receiving_parent_name)
    finder.press("Enter")
    choice = settled(page, page.get_by_role("combobox", name="Which case?"))
    expect(page.get_by_text("2 cases match", exact=False)).to_be_visible()
    choose_by_keyboard(page, choice, case.scin, page.get_by_role("option", name=case.scin, exact=False))
    settled(page, page.locator("p", has_text=case.scin))
    expect(page.locator("p", has_text=namesake)).to_have_count(0)  # the case chosen, not its namesake
    expect(page.get_by_text("CSA liability has ended; financial transition to CMS is complete")).to_be_visible()
    expect(page.get_by_text("You cannot start P4 on this case now.")).to_be_visible()
    expect(page.get_by_role("button", name="Start P4")).to_have_count(0)
    expect(page.get_by_role("button", name="Start P5a")).to_have_count(0)

    page.get_by_role("button", name="Start P1").click()
    settled(page, page.get_by_role("heading", name="Check where the case is in transition"))
    assert "/wizard?run=" in page.url
