"""Casework Guide entry point: sign in, then navigation with only the pages the user's role may see."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages import ui
from services.actor import Actor

st.set_page_config(page_title="Casework Guide", page_icon="📋", layout="wide")

# A role's pages are made when pages_for first needs them, then kept for the session: st.Page looks its file
# up on disk, and this router runs before every rerun of every page.
ROLE_PAGES: dict[str, Callable[[], list[st.Page]]] = {
    "caseworker": lambda: [
        st.Page("pages/my_work.py", title="My work", icon=":material/inbox:", url_path="my-work"),
        st.Page("pages/start.py", title="Start a procedure", icon=":material/play_arrow:", url_path="start"),
        st.Page("pages/outbox.py", title="Outbox", icon=":material/outbox:", url_path="outbox"),
        st.Page(
            "pages/wizard.py", title="Procedure", icon=":material/explore:", url_path="wizard", visibility="hidden"
        ),
    ],
    "team_leader": lambda: [
        st.Page("pages/outstanding.py", title="Outstanding SRs", icon=":material/monitoring:", url_path="outstanding"),
        st.Page(
            "pages/sr_detail.py",
            title="Service request",
            icon=":material/description:",
            url_path="sr",
            visibility="hidden",
        ),
        st.Page("pages/my_work.py", title="My work", icon=":material/inbox:", url_path="my-work"),
        st.Page("pages/outbox.py", title="Outbox", icon=":material/outbox:", url_path="outbox"),
    ],
    "policy": lambda: [
        st.Page("pages/letter_studio.py", title="Letter preview", icon=":material/mail:", url_path="letters")
    ],
    "admin": lambda: [st.Page("pages/users.py", title="Users", icon=":material/group:", url_path="users")],
}


def pages_for(actor: Actor) -> list[st.Page]:
    """Home and the role's pages, made once per session and role."""
    key = f"_pages:{actor.role}"
    if key not in st.session_state:
        home = st.Page("pages/home.py", title="Home", icon=":material/home:", url_path="home", default=True)
        st.session_state[key] = [home, *ROLE_PAGES.get(actor.role, list)()]
    return st.session_state[key]


def signed_out_pages() -> list[st.Page]:
    """Sign-in at "/" and under every app URL, so a reload or a bookmark signs in and lands where it was."""
    paths = {p.url_path for pages in ROLE_PAGES.values() for p in pages()} | {"home"}
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
navigation.run()
