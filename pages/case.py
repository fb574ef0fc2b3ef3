"""A case, for a team leader, read only: one of the team's cases found by SCIN, SR number or name as on Start a
procedure, with its banner, its open SRs and its most recently closed ones (the team's each a link to its SR page,
whose "Back" returns here) and its Contact Notes; no "Which procedure?", as team leaders do not start procedures on
a case here. The URL can name the case (?case=...), so the SR page's "Back to the case" and "Open the case" land on it.

In the sidebar, not hidden: a task to the case's team (P5e's to proceed after a visit) sends a team leader, as it sends
a caseworker, to find the case by its SCIN, and a hidden page opens only from a link, which that task does not have."""

import streamlit as st

import ui
from services.case_finder import CLOSED_LISTED
from ui.case_read import find_case, read_case
from ui.text import md

actor = ui.actor("team_leader", page="case")
st.title("Case")
query, case_id = find_case(actor)
ref = st.query_params.get("case", "")
if query:  # a search typed here is the case shown, not one the URL named before
    if ref:
        del st.query_params["case"]
elif ref:
    if ref.isascii() and ref.isdigit() and len(ref) < 12:
        case_id = int(ref)
    else:
        st.error("Find the case by its SCIN, an SR number or a parent's name.", icon=":material/block:")
if case_id is not None:
    card = read_case(actor, case_id, sr_links=True, closed=CLOSED_LISTED)
    if card is not None:
        st.header(f"Procedures in progress on this case ({sum(len(b) for b in card.in_progress.values())})")
        if lines := card.runs_in_progress():
            st.markdown("\n".join(f"- {md(line)}" for line in lines))
            st.caption("Each is carried on by the caseworker who started it, from their My work.")
        else:
            st.caption("No procedure is in progress on this case.")
        ui.a11y.page_title(f"Case {card.banner.scin}")  # the tab names the case, as the SR page's names the SR
