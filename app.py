"""Casework Guide entry point: sign in, then navigation with only the pages the user's role may see."""

from __future__ import annotations

import streamlit as st

import ui
import ui.a11y
from services.actor import Actor
from ui.roles import HOME, ROLE_PAGES, role_has_page

st.set_page_config(page_title="Casework Guide", page_icon="📋", layout="wide")


def pages_for(actor: Actor) -> list[st.Page]:
    """Home and the role's pages, made once per session and role: st.Page looks its file up on disk, and
    this router runs before every rerun of every page."""
    key = f"_pages:{actor.role}"
    if key not in st.session_state:
        home = st.Page(HOME, title="Home", icon=":material/home:", url_path="home", default=True)
        st.session_state[key] = [home, *(spec.page() for spec in ROLE_PAGES.get(actor.role, ()))]
    return st.session_state[key]


def signed_out_pages() -> list[st.Page]:
    """Sign-in at "/" and under every app URL, so a reload or a bookmark signs in and lands where it was."""
    paths = {spec.url_path for specs in ROLE_PAGES.values() for spec in specs} | {"home"}
    aliases = [
        st.Page("pages/sign_in.py", title="Sign in", url_path=path, visibility="hidden") for path in sorted(paths)
    ]
    return [st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:", default=True), *aliases]


actor = ui.current_actor()
if actor is None:
    navigation = st.navigation(signed_out_pages())
else:
    with st.sidebar:
        st.markdown(f"**{actor.display_name}**  \n{actor.role.replace('_', ' ').capitalize()}")
        if st.button("Sign out", key="sign_out"):
            from services.auth import sign_out

            sign_out(actor)
            st.session_state.clear()
            st.session_state["flash"] = "You have signed out."
            if ui.end_identity_session():
                st.stop()  # the browser is on its way to /auth/logout and back to a new session
            st.rerun()
    navigation = st.navigation(pages_for(actor))
    role = actor.role
    ui.resume_after_sign_in(lambda script: role_has_page(role, script))
ui.a11y.page_title(navigation.title)
ui.a11y.enhance_page()
navigation.run()
