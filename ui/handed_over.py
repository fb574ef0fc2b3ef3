"""The wizard's page for a run its reader handed over: what happened and what happens next, with no form.

A hand-over (P2: the CSA caseworker advises the CMS owning caseworker, or their team leader) gives the run's next
steps to someone else. Their reader is told so plainly, instead of being asked those steps as if they were the
owner (QA); services/runs.py refuses them anyway.
"""

from __future__ import annotations

import streamlit as st

from services.run_views import AllocatedTo, HandedOver


def handed_over_page(holder: HandedOver) -> None:
    st.success(holder.message, icon=":material/forward:")
    st.write(
        "There is nothing more for you to record on this procedure. The SR and its Notes keep what you advised; "
        "any CMS lines still to tick are beside this page."
    )
    st.page_link("pages/my_work.py", label="Back to My work", icon=":material/inbox:")


def allocated_elsewhere_page(owner: AllocatedTo, *, refused: bool = False) -> None:
    """A run whose SR is allocated to someone else now (a team leader reassigned it): whose it is, with no form;
    `refused`: this page follows an action refused for that reason, so it also says nothing was saved (once: the
    page leaves out the error summary that would repeat it)."""
    if refused:
        st.warning(owner.refusal, icon=":material/forward:")
    else:
        st.info(owner.message, icon=":material/forward:")
    st.write(
        "There is nothing more for you to record on this procedure. What you saved is on the SR; anything you had "
        "typed on a step you had not saved was not kept."
    )
    st.page_link("pages/my_work.py", label="Back to My work", icon=":material/inbox:")
