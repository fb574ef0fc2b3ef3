"""Start a procedure: find the case by SCIN first."""

import streamlit as st

from pages import ui
from services.work import find_case

actor = ui.actor("caseworker", page="start")
st.title("Start a procedure")
scin = st.text_input("SCIN of the case", max_chars=16, help="12 digits, for example 100000007919")
if scin:
    case = ui.attempt(lambda: find_case(actor, scin))
    if case is not None:
        ui.case_banner(case)
