"""Casework Guide entry point: sign in, then navigation with only the pages the user's role may see."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

import ui
import ui.a11y
import ui.page_end
import ui.warm_up
from services.actor import Actor
from ui.notices import notice_count
from ui.roles import HOME, NO_ACCESS, ROLE_PAGES, role_has_page, role_name
from ui.text import md

ui.warm_up.start()  # once per server: the first table page must not wait for pandas (see ui/warm_up.py)


def set_up_page() -> None:
    """The app's icon and wide layout, sent on a browser session's first run only. The browser keeps both for
    as long as the page is open (Streamlit's frontend changes them only when told), and sent on every run they
    made it set the tab's icon afresh after every click. A reload is a new session, so it is sent again."""
    if not st.session_state.get("_page_set_up"):
        st.set_page_config(page_icon="📋", layout="wide")  # the title: ui.a11y.send_title, after the page
        st.session_state["_page_set_up"] = True


set_up_page()


def pages_for(actor: Actor) -> list[st.Page]:
    """Home and the role's pages, made once per session and role: st.Page looks its file up on disk, and
    this router runs before every rerun of every page."""
    key = f"_pages:{actor.role}"
    if key not in st.session_state:
        home = st.Page(HOME, title="Home", icon=":material/home:", url_path="", default=True)
        # Home is served at "/"; /home (a sign-in alias while signed out, so bookmarks point there) opens it too,
        # rather than Streamlit's "Page not found" over Home.
        home_alias = st.Page(HOME, title="Home", url_path="home", visibility="hidden")
        own = [spec.page() for spec in ROLE_PAGES.get(actor.role, ())]
        # Every other role's URL opens a page that says access was refused (audited), not Home in silence.
        others = sorted({spec.url_path for specs in ROLE_PAGES.values() for spec in specs} - {p.url_path for p in own})
        refused = [st.Page(NO_ACCESS, title="No access", url_path=path, visibility="hidden") for path in others]
        st.session_state[key] = [home, home_alias, *own, *refused]
    return st.session_state[key]


def signed_out_pages() -> list[st.Page]:
    """Sign-in at "/" and under every app URL, so a reload or a bookmark signs in and lands where it was."""
    paths = {spec.url_path for specs in ROLE_PAGES.values() for spec in specs} | {"home"}
    aliases = [
        st.Page("pages/sign_in.py", title="Sign in", url_path=path, visibility="hidden") for path in sorted(paths)
    ]
    return [st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:", default=True), *aliases]


def run_page(navigation: StreamlitPage) -> None:
    """Run the page; an unexpected error is a plain message with a log reference, never a traceback."""
    try:
        navigation.run()
    except Exception:
        ui.fault("showing this page")


def sidebar(actor: Actor) -> None:
    """Who is signed in, their waiting reminders, Sign out and the session cookie: drawn once the page is
    (ui/page_end.py says why), in the sidebar under the navigation as before."""
    with st.sidebar:
        st.markdown(f"**{md(actor.display_name)}**  \n{role_name(actor.role)}")
        if waiting := notice_count(actor):
            st.markdown(f":orange-badge[{waiting} deadline reminder{'s' if waiting != 1 else ''}]")
        st.button("Sign out", key="sign_out")  # acted on before the page, below
        ui.session_cookie(actor)


actor = ui.current_actor()
if actor is None:
    ui.page_end.after_page(None)
    navigation = st.navigation(signed_out_pages())
else:
    signed_in: Actor = actor
    ui.page_end.after_page(lambda: sidebar(signed_in))
    if st.session_state.get("sign_out"):  # the Sign out button's click: before the page, which it replaces
        ui.sign_out()  # stops here when the browser is on its way to /auth/logout and back
        st.rerun()
    navigation = st.navigation(pages_for(actor))
    st.session_state["refused_page"] = navigation.url_path
    role = actor.role
    ui.resume_after_sign_in(lambda script: role_has_page(role, script))
ui.a11y.start_title(navigation.title)
try:
    run_page(navigation)
finally:  # also when the page moved on to another (st.switch_page); a page that stops drew them first (ui.stop)
    ui.page_end.finish()
