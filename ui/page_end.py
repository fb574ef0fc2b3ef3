"""What app.py draws after the page instead of before it: the sidebar's user block (name, reminders, Sign out, the
session-cookie script), the accessibility script on a tab's first run, and the tab's title.

Why after: Streamlit sends each element to the browser as the script draws it, and the browser handles each one
as it comes. Drawn first, the sidebar's four or five elements reached the browser, and were laid out, before the
page's heading; a wizard step's heading, which is what a caseworker waits for after Continue, came a few
milliseconds later for it (`benchmarks/wizard_browser.py`; README, benchmark notes). The layout is the same either
way: the sidebar is a container of its own, drawn in order within itself.

A page that stops early (ui.stop) draws them before it stops, since Streamlit drops every message a run sends
once it has asked to stop; app.py draws them when the page is over. Each run draws them once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import streamlit as st

from ui.a11y import enhance_page, send_title

_PENDING = "_page_end_pending"  # this run's drawing, until drawn (taken out of the state when drawn)


def after_page(draw: Callable[[], None] | None) -> None:
    """app.py, before the page runs: what to draw once the page is over (None when nothing but the title)."""
    if draw is None:
        st.session_state.pop(_PENDING, None)
    else:
        st.session_state[_PENDING] = draw


def finish() -> None:
    """Draw what app.py set aside for the end of this run, once; then the accessibility script and the title."""
    draw: Callable[[], None] | None = st.session_state.pop(_PENDING, None)
    if draw is not None:
        draw()
    enhance_page()
    send_title()


def stop() -> NoReturn:
    """`st.stop()` with the sidebar, the accessibility script and the page's title drawn first: every page and
    helper stops through here, never st.stop.

    Why: once a run has asked to stop, Streamlit raises at every message the run sends afterwards, so app.py's
    `finish` (in its `finally`) sent nothing, and the tab kept the last page's title: Insight with no runs
    showed "Outstanding SRs – Casework Guide" after the link from the console, and "Insight" when opened afresh.
    """
    finish()
    st.stop()
