"""Letter preview for policy staff: fictional sample data only."""

import streamlit as st

from pages import ui

actor = ui.actor("policy", page="letter_studio")
st.title("Letter preview")
st.write("Preview every letter and form with fictional sample data. Policy staff have no access to case data.")
