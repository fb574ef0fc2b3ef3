"""Say so when a procedure run moved on while its page was open in this tab.

Every rerun reads the run afresh, so a tab left on step 2 while the run was saved to step 4 elsewhere (another tab
or window, a colleague after a reassignment) jumped to step 4 on its next click of anything, a tick or the glossary,
without a word (QA, 6 December 2026). The tab now remembers which page of the run it last drew; when the run it
reads is somewhere else and this tab's own action did not move it, the page says where it is now and that what
was typed on the page left was not saved.
"""

from __future__ import annotations

import streamlit as st

from services.run_views import DISCARDED, RunView
from services.step_drafts import visit


def _place(view: RunView) -> tuple[str, bool, str]:
    return visit(view.step.id, view.step_number), view.awaiting_confirmation, view.status


def moved_on_notice(view: RunView, *, own_action: bool, refused_as_stale: bool) -> None:
    """Draw the notice when `view` is not where this tab last drew the run; remember where it is now.

    `own_action`: this rerun follows this tab's own save, Back or Change (its result is `view`), which moves the
    run on as asked. `refused_as_stale`: this tab's action was refused because the run had moved on; the refusal
    already says so, so no second notice."""
    key = f"run_drawn:{view.run_id}"
    before: tuple[str, bool, str] | None = st.session_state.get(key)
    now = _place(view)
    st.session_state[key] = now
    if before is None or before == now or own_action or refused_as_stale:
        return
    if view.status == DISCARDED:
        st.info(
            "This procedure run was discarded while this page was open, in another tab or window or by a colleague. "
            "Anything you had typed on the page you were on was not saved.",
            icon=":material/update:",
        )
        return
    if view.status == "finished":
        where = "It is now finished."
    elif view.awaiting_confirmation:
        where = f'It is now on check your answers for step {view.step_number}, "{view.step.title}".'
    else:
        where = f'It is now at step {view.step_number}, "{view.step.title}".'
    st.info(
        "This procedure was moved on while this page was open, in another tab or window or by a colleague. "
        f"{where} Anything you had typed on the page you were on was not saved.",
        icon=":material/update:",
    )
