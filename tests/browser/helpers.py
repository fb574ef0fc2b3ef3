"""Shared by the browser tests: the one wait for Streamlit (`settled`, which also runs axe-core on what it
waits for), and a case to start P1 on.

Why every wait goes through `settled`
-------------------------------------
A click or a typed value makes the browser send a rerun request; the page then keeps showing the previous
run's elements (marked `data-stale` while the run goes) until the new run draws over them, and removes the
ones it did not redraw only when the run is over. Two things follow:

- The app's `data-test-script-state` stays "notRunning" from the previous run until the server says the new
  run has started, so "the run is over" checked straight after a click is true of the OLD run.
- Text or a button can be on the page from the previous step. A step's Continue button has the same widget
  id on every step (same label, same page), so the previous step's Continue, left on the page below the new
  step's heading until the run ends, passes a "one Continue button" check; clicked, it runs the previous
  step's callback (refused as stale), and if the new one is drawn meanwhile the click matches two buttons.

So `settled` waits for something only the new run draws, then for the run to be over (its leftover elements
gone), then checks that the new content is still there, so it was not drawn by a run that was interrupted.
"""

from __future__ import annotations

import os
import re

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from db.models import Case, Team
from services.transaction import transaction

# How long one wait may take. CASEWORK_BROWSER_TIMEOUT_MS raises it on a machine shared far beyond its cores
# (at load average 25 on 2 cores, pages took over 20 s); it is never the fix for a race.
TIMEOUT = int(os.environ.get("CASEWORK_BROWSER_TIMEOUT_MS", "20000"))
# A fresh server's first page imports the whole app (about 27 s measured at load average 19 on 2 cores).
FIRST_PAGE_TIMEOUT = max(TIMEOUT, 60_000)
SLOW_TIMEOUT = max(TIMEOUT, 30_000)  # a letter preview rendered, an identity provider's round trip
BLOCKING_IMPACTS = ("serious", "critical")  # issue 15: none of these on any page state the tests reach
# ... and headings in order (h1, then h2 for the page's sections): axe rates it moderate, issue 15 names it.
BLOCKING_RULES = ("heading-order",)


def settled(page: Page, shows: Locator | str, *, axe: bool = True, timeout: float = TIMEOUT) -> Locator:
    """Wait until the run started by the last action has finished and `shows` (a locator, or exact text)
    proves its new content is on the page; then run axe-core on that state. Returns the locator.

    `shows` must be something the previous state did not show (the next step's heading, a new count),
    never text that was already on the page.
    """
    proof = page.get_by_text(shows, exact=True) if isinstance(shows, str) else shows
    expect(proof.first).to_be_visible(timeout=timeout)  # the new run has started drawing
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)  # ... and is over
    expect(proof.first).to_be_visible(timeout=timeout)  # still shown once the last run of the chain is over
    if axe:
        assert_accessible(page)
    return proof


def assert_accessible(page: Page) -> None:
    """axe-core on the page as it stands: fail on any serious or critical violation, naming each.

    First, any transition or animation running ends (a tooltip fading in under the pointer was read at part of its
    opacity, #a3a3a3 on white, and failed colour contrast on a loaded machine, eighth session); endless ones (a
    spinner) are not waited for."""
    page.wait_for_function(
        """() => document.getAnimations().every(a =>
            a.playState !== 'running' || (a.effect && a.effect.getTiming().iterations === Infinity))"""
    )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)  # once per document: a Streamlit rerun keeps the document, a reload does not
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS or v["id"] in BLOCKING_RULES]
    assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(f"{n['target']}: {n.get('failureSummary', '')}".replace("\n", " ") for n in v["nodes"][:5])
        for v in blocking
    )


def p1_scin() -> str:
    """A demo case of the CSA Rules Reassessment Team whose financial transition is complete (P1 starts on it)."""
    with transaction() as session:
        team = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        return session.scalars(
            select(Case.scin).where(Case.team_id == team, Case.financial_transition_complete).order_by(Case.id)
        ).first()


def to_mid_screen(page: Page, element: Locator) -> None:
    """Scroll `element` to mid-screen and let that scroll's own events pass (two animation frames) before the caller
    clicks or types: they arrive a frame later, and a select box's list or a grid's cell overlay closes on them."""
    element.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def choose_by_keyboard(page: Page, box: Locator, typed: str, option: Locator) -> None:
    """Pick from a Streamlit select box as a keyboard user does: type until `option` is the one left, then
    ArrowDown and Enter.

    Not by a mouse click on the open list: the list closes when the page scrolls under it. Focusing the box
    scrolls it into view, and that scroll's events, a frame later, sometimes came after typing had opened the
    list (My work's chooser, one run in five), as did Playwright's own scroll of an option into view before a
    click. So the box is scrolled to mid-screen and those events let pass before anything is typed.
    """
    to_mid_screen(page, box)
    box.focus()
    box.press_sequentially(typed)
    expect(option).to_have_count(1)
    box.press("ArrowDown")
    box.press("Enter")


_SR_HYPHEN = re.compile(r"(?<![\w-])(\d+-)(?=\d{8}(?![\w-]))")
WORD_JOINER = "\u2060"


def as_drawn(text: str) -> str:
    """`text` as an alert (st.warning, st.success, ...) draws it: a word joiner after each SR number's hyphen, which
    the app's script puts there to keep the number whole on a line (ui/a11y.py). Playwright's text matching does not
    skip the joiner (a browser's find on the page does, and a copy leaves it out)."""
    return _SR_HYPHEN.sub(rf"\1{WORD_JOINER}", text)
