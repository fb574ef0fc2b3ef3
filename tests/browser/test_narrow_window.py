"""In Chromium at 1024 x 768: what a caseworker presses and reads is whole on a narrow window (QA, eighth session)."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import User
from services import records
from services.transaction import transaction
from tests.browser.helpers import p1_scin, settled
from tests.browser.test_sign_in import sign_in
from ui.table_data import READ_IN_FULL

pytestmark = pytest.mark.browser


def _a_task_for_the_caseworker() -> None:
    with transaction() as session:
        caseworker = session.scalars(select(User).where(User.username == "caseworker")).one()
        records.raise_task(
            session, None, text="Call the receiving parent back about the arrears", assignee_id=caseworker.id
        )


@pytest.mark.parametrize(("link", "heading"), [("Home", "Welcome, Demo Caseworker"), ("My work", "My work")])
def test_mark_as_done_is_not_cut_short_on_a_1024_pixel_window(live_server, page: Page, link: str, heading: str):
    """Beside the task's text, in a sixth of the card, the button read "Mark a…" at 1024 px."""
    _a_task_for_the_caseworker()
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name=link, exact=True).click()
    settled(page, page.get_by_role("heading", name=heading, exact=True))
    button = page.get_by_role("button", name="Mark as done")
    expect(button).to_have_count(1)
    expect(button).to_have_text("Mark as done")
    # Streamlit cuts a label that does not fit in a box of its own with an ellipsis: its text is wider than the box.
    cut = button.evaluate("b => [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth)")
    assert not cut, "the button's label is cut short"


def test_a_cases_open_srs_show_every_column_on_a_1024_pixel_window(live_server, page: Page):
    """Start a procedure's grid of the case's open SRs cut its Owner column to "Ow" at the right edge (QA)."""
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="Start a procedure").click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    finder.fill(p1_scin())
    finder.press("Enter")
    settled(page, page.get_by_role("heading", name=re.compile(r"^Open service requests on this case")))
    owner = page.get_by_role("columnheader", name="Owner", exact=True)
    expect(owner).to_be_visible()
    column = page.get_by_test_id("stMainBlockContainer").bounding_box()
    heading = owner.bounding_box()
    assert column is not None
    assert heading is not None
    assert heading["x"] + heading["width"] <= column["x"] + column["width"], "the Owner column is cut off"


def test_my_works_pv_marker_is_in_view_on_a_1024_pixel_window(live_server, page: Page):
    """My work's grid at 1024 px showed SR, SCIN, Type and half of Status: the PV marker, which a new caseworker needs
    before any contact, was off to the right behind a sideways scroll (QA). It now stands beside the SR."""
    from db.models import Case
    from tests.browser.test_console import _actor, _column_spans, _headings

    worker = _actor("caseworker")
    with transaction() as session:  # one SR allocated to the caseworker, on a case with the PV marker
        case = session.scalars(select(Case).where(Case.team_id == worker.team_id).order_by(Case.id)).first()
        assert case is not None
        case.potentially_violent = True
        records.create_sr(session, None, case=case, process="Arrears", area="Arrears Management",
                          sub_area="Arrears Review", owner_id=worker.user_id)  # fmt: skip
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name=re.compile(r"^Service requests allocated to you")))
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.get_by_text("SCIN", exact=True)).last
    grid.scroll_into_view_if_needed()
    headings = _headings(grid)
    assert headings[:3] == ["SR", "PV", "SCIN"], headings
    spans = _column_spans(grid, ticks=False)
    box = grid.bounding_box()
    assert box is not None
    assert len(spans) > 1, spans
    assert spans[1][1] <= box["width"], (spans, box["width"])  # the PV column whole in view
    # ... and so are Created and "Worked by" (they needed a sideways scroll, QA ninth session): every column in view,
    # nothing to scroll to, every heading whole.
    _every_column_in_view(page, grid, headings, spans, box["width"])
    assert {"Created", "Worked by"} <= set(headings), headings


FOUR_LINES = "Transition / Set Up/Amend Residual Arrears / Set Up Legacy LO"


def _every_column_in_view(page: Page, grid, headings: list[str], spans, width: float) -> None:  # noqa: ANN001
    """Every column of My work's grid is in view without a sideways scroll, its heading whole, and every Type the
    catalogue has and every "Worked by" value fits its column in the three lines a row has."""
    from domain.catalogue import CATALOGUE

    assert len(spans) == len(headings), (spans, headings)
    assert spans[-1][1] <= width, (spans, width)
    content, shown = grid.locator(".dvn-scroller").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert content <= shown, (content, shown)  # no sideways scroll
    font = grid.evaluate(
        """g => { const s = getComputedStyle(g.querySelector('[style*="--gdg-header-font-style"]'));
            return s.getPropertyValue('--gdg-base-font-style') + ' ' + s.getPropertyValue('--gdg-font-family') }"""
    )
    # The lines a text takes in a column: words laid out greedily, as the grid wraps, inside its 8 px padding.
    lines = page.evaluate(
        """([font, cells]) => { const c = document.createElement('canvas').getContext('2d'); c.font = font;
            return cells.map(([text, room]) => { let n = 1, line = '';
                for (const word of text.split(' ')) {
                    const tried = line ? line + ' ' + word : word;
                    if (line && c.measureText(tried).width > room) { n += 1; line = word; } else { line = tried; }
                    if (c.measureText(word).width > room) return 99; }
                return n; }) }""",
        [font, [[h, right - left - 16] for h, (left, right) in zip(headings, spans, strict=True)]
         + [[e.label, _room(headings, spans, "Type")] for e in CATALOGUE]
         + [[w, _room(headings, spans, "Worked by")] for w in ("P1, begun from it", "P5b, in progress", "P5c, P5d")]],
    )  # fmt: skip
    assert lines[: len(headings)] == [1] * len(headings), (headings, lines)  # each heading whole on its line
    types = dict(zip([e.label for e in CATALOGUE], lines[len(headings) : len(headings) + len(CATALOGUE)], strict=True))
    # One Type takes four lines at 1024 px, its last word cut (pages/my_work.py says why; the page says how to read it)
    assert types.pop(FOUR_LINES) <= 4, types
    assert max(types.values()) <= 3, types
    assert max(lines[len(headings) + len(CATALOGUE) :]) <= 3, lines


def _room(headings: list[str], spans, column: str) -> float:  # noqa: ANN001
    left, right = spans[headings.index(column)]
    return right - left - 16


def test_my_works_grid_needs_no_sideways_scroll_at_1366_pixels(live_server, page: Page):
    """At 1366 px, as at 1024, every column of My work's grid is in view, headings and values whole."""
    from tests.browser.test_console import _column_spans, _headings

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name=re.compile(r"^Service requests allocated to you")))
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.get_by_text("SCIN", exact=True)).last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    headings = _headings(grid)
    _every_column_in_view(page, grid, headings, _column_spans(grid, ticks=False), box["width"])


@pytest.mark.parametrize("width", [1024, 1366])
def test_the_outboxs_sent_emails_say_when_each_went_in_view(live_server, page: Page, actor_for, monkeypatch, width):
    """The Outbox's Sent table put Sent past the grid's right edge at 1024 px, and Note at 1366 px, behind a sideways
    scroll (QA, ninth session): when an email went is now beside its SR, and at 1366 px nothing needs a scroll."""
    from domain import mail
    from domain.clock import UK
    from services import email as outbox
    from services import email_delivery
    from tests.browser.test_console import _column_spans, _headings
    from tests.ssst import team_sr

    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    actor = actor_for("ssst.caseworker")
    draft = mail.cpt_letter_ready(
        scin="123456789012", sr_number="1-1", hearing_at=datetime(2027, 3, 12, 10, 0, tzinfo=UK), court="Bath"
    )
    outbox.mark_sent(actor, email_delivery.send_email(actor, team_sr(actor), draft).id)
    page.set_viewport_size({"width": width, "height": 900 if width > 1024 else 768})
    sign_in(page, live_server.url, "ssst.caseworker")
    settled(page, "Welcome, Demo SSST Caseworker")
    page.get_by_role("link", name="Outbox").click()
    settled(page, "Sent (1)")
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    headings, spans = _headings(grid), _column_spans(grid, ticks=False)
    box = grid.bounding_box()
    assert box is not None
    assert len(spans) == len(headings), (spans, headings)
    assert "Sent" in headings, headings  # the grid's accessible table holds the columns in view only
    assert spans[headings.index("Sent")][1] <= box["width"], (headings, spans, box["width"])
    if width == 1366:
        content, shown = grid.locator(".dvn-scroller").evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert content <= shown, (content, shown)  # every column in view
    expect(page.get_by_text(READ_IN_FULL, exact=True)).to_be_visible()
