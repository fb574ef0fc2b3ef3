"""Shared by the browser tests: waiting for Streamlit to finish a run, and a case to start P1 on."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import Case, Team
from services.transaction import transaction

TIMEOUT = 20_000


def settled(page: Page) -> None:
    """Wait until the page's script run has finished: a button drawn by a run still going can lose its click,
    and a file chosen in an uploader the run is about to draw afresh is dropped."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT)


def p1_scin() -> str:
    """A demo case of the CSA Rules Reassessment Team whose financial transition is complete (P1 starts on it)."""
    with transaction() as session:
        team = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        return session.scalars(
            select(Case.scin).where(Case.team_id == team, Case.financial_transition_complete).order_by(Case.id)
        ).first()
