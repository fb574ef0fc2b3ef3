"""Start a procedure: find one of the team's cases, read where it stands (its open SRs and Contact Notes), start what
may be started on it now."""

from functools import partial

import streamlit as st

import ui
from services import run_start
from ui.case_read import find_case, read_case

actor = ui.actor("caseworker", page="start")
st.title("Start a procedure")
_, case_id = find_case(actor)
card = read_case(actor, case_id) if case_id is not None else None
if card is not None:
    st.header("Which procedure?")
    for info in card.procedures:
        with st.container(border=True):
            st.markdown(f"**{info.id} {info.title}**  \nStarts when: {info.starts}")
            if running := card.in_progress_note(info.id):
                st.info(running, icon=":material/pending_actions:")
            if info.can_start:
                if st.button(f"Start {info.id}", key=f"start:{info.id}"):
                    view = ui.attempt(partial(run_start.start_run, actor, info.id, case_id=card.banner.case_id))
                    if view is not None:
                        st.switch_page("pages/wizard.py", query_params={"run": view.run_id})
            else:
                st.warning(f"You cannot start {info.id} on this case now. {info.why_not}", icon=":material/block:")
    if card.other_team_procedures:
        st.caption(card.other_team_procedures)
