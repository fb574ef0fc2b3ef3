"""Casework Guide entry point: sign in, then navigation with only the pages the user's role may see."""

from __future__ import annotations

import streamlit as st

from pages import ui
from services.actor import Actor

st.set_page_config(page_title="Casework Guide", page_icon="📋", layout="wide")

ROLE_PAGES: dict[str, list[st.Page]] = {
    "caseworker": [
        st.Page("pages/my_work.py", title="My work", icon="🗂️", url_path="my-work"),
        st.Page("pages/start.py", title="Start a procedure", icon="▶️", url_path="start"),
    ],
    "team_leader": [
        st.Page("pages/outstanding.py", title="Outstanding SRs", icon="📊", url_path="outstanding"),
        st.Page("pages/my_work.py", title="My work", icon="🗂️", url_path="my-work"),
    ],
    "policy": [st.Page("pages/letter_studio.py", title="Letter preview", icon="✉️", url_path="letters")],
    "admin": [st.Page("pages/users.py", title="Users", icon="👥", url_path="users")],
}


def pages_for(actor: Actor) -> list[st.Page]:
    home = st.Page("pages/home.py", title="Home", icon="🏠", url_path="home", default=True)
    return [home, *ROLE_PAGES.get(actor.role, [])]


actor = ui.current_actor()
if actor is None:
    navigation = st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon="🔑", default=True)])
else:
    with st.sidebar:
        st.markdown(f"**{actor.display_name}**  \n{actor.role.replace('_', ' ').capitalize()}")
        if st.button("Sign out", key="sign_out"):
            from services.auth import sign_out

            sign_out(actor)
            st.session_state.clear()
            st.session_state["flash"] = "You have signed out."
            ui.end_identity_session()
            st.rerun()
    navigation = st.navigation(pages_for(actor))
navigation.run()
