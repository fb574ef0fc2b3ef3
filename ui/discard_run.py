"""Discarding a procedure run from the wizard: the offer under a step while nothing of the run is on an SR, its
confirmation, and the page a discarded run shows (services/run_discard.py).

The offer is one small button, so a step costs one element more; the confirmation with its explanation is drawn
only once asked for, and says what happens in plain words before anything is changed.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def _asking(run_id: str) -> str:
    return f"discard_asked:{run_id}"


def discard_offer(run_id: str, on_discard: Callable[[], None]) -> None:
    """A "Discard this run" button; once pressed, a warning that says what discarding does, with "Yes, discard this
    run" and "No, keep it"."""
    asking = _asking(run_id)
    if not st.session_state.get(asking):
        st.button(
            "Discard this run",
            type="tertiary",
            icon=":material/delete:",
            key=f"discard:{run_id}",
            on_click=lambda: st.session_state.update({asking: True}),
            help="Nothing from this run is on an SR yet. Discard it if it was started by mistake or is not needed.",
        )
        return
    st.warning(
        "**Discard this run?** Nothing from it has been recorded on an SR, so nothing changes in CMS or on the case. "
        "It comes off My work and cannot be carried on; what was answered so far is kept with it for the record. "
        "If the procedure is needed later, start it again.",
        icon=":material/delete:",
    )

    def confirmed() -> None:
        st.session_state.pop(asking, None)
        on_discard()

    with st.container(horizontal=True):
        st.button("Yes, discard this run", key=f"discard_yes:{run_id}", on_click=confirmed)
        st.button("No, keep it", key=f"discard_no:{run_id}", on_click=lambda: st.session_state.pop(asking, None))


def discarded_page() -> None:
    """What a discarded run's page says: what happened, that nothing is on an SR, and where to go next."""
    st.info(
        "This run was discarded before it recorded anything on an SR. Nothing more can be recorded on it. "
        "If the procedure is still needed for this case, start it again.",
        icon=":material/delete:",
    )
    st.page_link("pages/start.py", label="Start a procedure", icon=":material/play_arrow:")
    st.page_link("pages/my_work.py", label="Back to My work", icon=":material/inbox:")
