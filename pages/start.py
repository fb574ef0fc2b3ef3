"""Start a procedure: find the case by SCIN, read its banner, pick the procedure."""

from functools import partial

import streamlit as st

import ui
from services import runs
from services.work import find_case

actor = ui.actor("caseworker", page="start")
st.title("Start a procedure")
scin = st.text_input("SCIN of the case", max_chars=16, help="12 digits, for example 100000007919")
if scin:
    case = ui.attempt(lambda: find_case(actor, scin))
    if case is not None:
        ui.case_banner(case)
        st.subheader("Which procedure?")
        for info in runs.procedures_for(actor):
            with st.container(border=True):
                st.markdown(f"**{info.id} {info.title}**  \n{info.starts}")
                if st.button(f"Start {info.id}", key=f"start:{info.id}"):
                    view = ui.attempt(partial(runs.start_run, actor, info.id, case_id=case.case_id))
                    if view is not None:
                        st.switch_page("pages/wizard.py", query_params={"run": view.run_id})
