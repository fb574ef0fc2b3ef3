"""A fresh server whose first request is a bookmarked page (a run's /wizard?run=..., an SR, another role's page).

Streamlit decides at a process's first session whether the `pages/` folder is an old-style multipage app;
serve.py decides it (no) before any session, so the first visitor gets app.py's sign-in and navigation like
every later one. These tests are that first visitor.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
import streamlit
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import ServiceRequest
from services import run_start
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.procedures.walk import find_case

pytestmark = pytest.mark.browser


def test_a_bookmarked_run_is_the_first_request_to_a_fresh_server(live_server, page: Page, actor_for):
    actor = actor_for("caseworker")
    run = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    heading = run.step.title

    sign_in(page, f"{live_server.url}/wizard?run={run.run_id}", "caseworker")  # nothing else has loaded the app

    settled(page, page.get_by_role("heading", name=heading))
    assert f"/wizard?run={run.run_id}" in page.url
    # app.py's navigation, not the pages/ list
    expect(page.get_by_role("link", name="My work", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="wizard widgets")).to_have_count(0)


def test_a_bookmarked_page_of_another_role_is_refused_in_words_as_on_any_server(live_server, page: Page):
    sign_in(page, f"{live_server.url}/outstanding", "caseworker")  # a team leader's page, first request
    settled(page, page.get_by_role("heading", name="You do not have access to that page"))
    expect(page.get_by_role("link", name="Outstanding SRs")).to_have_count(0)
    expect(page.get_by_role("link", name="My work", exact=True)).to_be_visible()


def test_a_bookmarked_sr_is_the_first_request_to_a_fresh_server(live_server, page: Page, actor_for):
    """Before serve.py decided the pages/ question at start, this showed "Page not found" over the sign-in."""
    actor = actor_for("teamleader")
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.team_id == actor.team_id).order_by(ServiceRequest.id)
        ).first()
        sr_id, number = sr.id, sr.number

    sign_in(page, f"{live_server.url}/sr?sr={sr_id}", "teamleader")  # nothing else has loaded the app
    settled(page, page.get_by_text(number, exact=False))
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("link", name="Outstanding SRs", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="sr detail")).to_have_count(0)


def test_the_sign_in_page_gets_its_text_and_icon_fonts(live_server, page: Page):
    """Streamlit's fonts are files under /static/media/. serve.py's download guard took any path with "/media/"
    in it for a download and refused them without a session: the sign-in page drew icons as their names and its
    text in the browser's fallback font, and the browser kept that for the session."""
    fonts = sorted((Path(streamlit.__file__).parent / "static" / "static" / "media").glob("*.woff2"))
    icons = [f for f in fonts if f.name.startswith("MaterialSymbols")]
    assert icons, "Streamlit ships its icon font"
    for font in (icons[0], next(f for f in fonts if f.name.startswith("SourceSans"))):
        with urllib.request.urlopen(f"{live_server.url}/static/media/{font.name}", timeout=10) as response:  # noqa: S310
            assert response.status == 200  # no cookie: public, like the rest of /static/
    refused: list[str] = []
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(live_server.url)
    settled(page, page.get_by_label("Username"))
    # Asked for here rather than waited for: the check does not depend on when Streamlit starts loading them.
    loaded = page.evaluate(
        """async () => [
            ...await document.fonts.load('24px "Material Symbols Rounded"', 'home'),
            ...await document.fonts.load('16px "Source Sans"', 'Sign in'),
        ].map(f => f.family + ': ' + f.status)"""
    )
    assert "Material Symbols Rounded: loaded" in loaded
    assert "Source Sans: loaded" in loaded
    assert page.evaluate("[...document.fonts].filter(f => f.status === 'error').map(f => f.family)") == []
    assert refused == []


def test_a_signed_in_tab_opening_home_by_its_address_shows_home_without_a_not_found_dialog(live_server, page: Page):
    """/home is where a bookmark made while signed out points (the sign-in page is served there too). Home was
    the default page, served at "/" only, so a signed-in tab opening /home drew "Page not found" over it."""
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")

    page.goto(f"{live_server.url}/home")  # a new browser session, resumed from the session cookie

    settled(page, page.get_by_role("heading", name="Welcome, Demo Caseworker"))
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("link", name="My work", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/outstanding")  # another role's page: refused, with a link home
    settled(page, page.get_by_role("heading", name="You do not have access to that page"))
    page.get_by_role("link", name="Go to your home page").click()
    settled(page, page.get_by_role("heading", name="Welcome, Demo Caseworker"))
    expect(page.get_by_text("Page not found")).to_have_count(0)
