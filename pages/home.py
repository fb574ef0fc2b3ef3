"""Home: who you are and where to go next, by role."""

import streamlit as st

import ui
from ui.text import md

actor = ui.actor()
NEXT_STEP = {
    "caseworker": "Open **My work** to carry on with your service requests, or **Start a procedure** on a case.",
    "team_leader": "Open **Outstanding SRs** to see what is overdue in your team, who is stuck, and what to reassign.",
    "policy": "Open **Letter preview** to see every letter and form with fictional sample data.",
    "admin": "Open **Users** to add people, set roles and teams, and deactivate accounts.",
}
st.title(f"Welcome, {md(actor.display_name)}")
st.write(NEXT_STEP[actor.role])
