"""Another role's page, typed or bookmarked: say so plainly, audit it, and show nothing else."""

import streamlit as st

import ui
from services.access import refuse_page

actor = ui.actor()
st.title("You do not have access to that page")
refusal = refuse_page(actor, str(st.session_state.get("refused_page", "page")))
st.error(refusal.message, icon=":material/block:")
st.page_link("pages/home.py", label="Go to your home page", icon=":material/home:")
