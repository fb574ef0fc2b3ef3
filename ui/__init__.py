"""Shared page pieces, kept out of pages/ (which holds only page scripts): the actor, GOV.UK-style errors, banner."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import NoReturn, TypeVar

import streamlit as st

from domain.values import format_money
from services.actor import Actor
from services.errors import DomainError, ValidationFailed
from services.views import CaseBanner

log = logging.getLogger("casework")
T = TypeVar("T")
RESUME = "resume_after_sign_in"


def idle_seconds() -> int:
    """CASEWORK_IDLE_MINUTES (default 30), read at each check; a value that is not a whole number means 30."""
    raw = os.environ.get("CASEWORK_IDLE_MINUTES", "30").strip()
    return max(int(raw) if raw.isdigit() else 30, 1) * 60


def end_identity_session() -> bool:
    """Also sign out of the organisation's identity provider, or the sign-in page would sign straight back in.

    True when the browser has been told to go to /auth/logout (which deletes the identity cookie). The caller
    must then end the run without st.rerun(): a new run clears the messages not yet sent to the browser, and
    that redirect with them, so the cookie would stay and the next page load would sign the user back in.
    """
    if st.user.get("is_logged_in"):
        st.logout()
        return True
    return False


def current_actor() -> Actor | None:
    """The signed-in actor, or None; signs out after the idle timeout."""
    actor = st.session_state.get("actor")
    if actor is None:
        return None
    last = st.session_state.get("last_seen", time.time())
    if time.time() - last > idle_seconds():
        from services.auth import sign_out

        sign_out(actor, reason="idle timeout")
        st.session_state.clear()
        st.session_state["flash"] = "You were signed out after a period of inactivity. Sign in again to carry on."
        if end_identity_session():
            st.stop()
        return None
    st.session_state["last_seen"] = time.time()
    return actor


def actor(*roles: str, page: str = "") -> Actor:
    """The signed-in actor; a page lists the roles it is for and refuses (and audits) anyone else."""
    signed_in = current_actor()
    if signed_in is None:
        _route_through_sign_in(page or "home")
    if roles and signed_in.role not in roles:
        from services.access import refuse_page

        st.error(refuse_page(signed_in, page or "page").message, icon="🚫")
        st.stop()
    return signed_in


def _route_through_sign_in(page: str) -> NoReturn:
    """This page was run without app.py: send the browser through sign-in, then back here.

    app.py only runs a page for a signed-in user, so a page meets no one only when Streamlit ran it by
    itself: a fresh server's first request to a page's URL (say a bookmarked /wizard?run=...), before
    any session has run app.py, runs pages/<name>.py directly, as for an app with a pages/ folder and
    no st.navigation. The page is remembered with its query (the run id) and opened after sign-in.
    """
    query = st.query_params.to_dict()
    st.session_state[RESUME] = (f"pages/{page}.py", query)
    st.switch_page("app.py", query_params=query)


def resume_after_sign_in(allowed: Callable[[str], bool]) -> None:
    """Just signed in after _route_through_sign_in: open the page asked for, if the role has it."""
    resume = st.session_state.pop(RESUME, None)
    if resume is not None and allowed(resume[0]):
        st.switch_page(resume[0], query_params=resume[1])


def error_summary(errors: dict[str, str]) -> None:
    """GOV.UK style: a summary at the top listing every problem, each a link to its field (ui.a11y points
    the links at the fields' error texts and moves focus to the summary); the page title starts "Error:"."""
    from ui.a11y import mark_error_in_title

    mark_error_in_title()
    items = (f"- [{_link_text(m)}](#)" if field != "_problem" else f"- {m}" for field, m in errors.items())
    st.error("**There is a problem**\n\n" + "\n".join(items), icon="⚠️")


def _link_text(message: str) -> str:
    """A message as Markdown link text: brackets would end the link early."""
    return message.replace("[", "(").replace("]", ")")


def field_error(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.markdown(f":red[**Error:** {errors[field]}]")


def attempt(action: Callable[[], T]) -> T | None:
    """Run a service call; show a domain error as a message instead of a stack trace."""
    try:
        return action()
    except ValidationFailed as exc:
        error_summary(exc.errors)
    except DomainError as exc:
        st.error(exc.message, icon="🚫")
    except Exception:  # an unexpected fault: the transaction rolled back, so say so instead of a stack trace
        log.exception("unexpected error in a service call")
        st.error(
            "Something went wrong and nothing was saved. Try again; if it keeps happening, tell your team "
            "leader and quote the time.",
            icon="🚫",
        )
    return None


def case_banner(case: CaseBanner) -> None:
    """SCIN, parties in the new terminology, and the warnings a caseworker must not miss."""
    if case.potentially_violent:
        st.error(
            "**Potentially violent (PV) marker on this case.** Follow the PV checks before any contact or visit.",
            icon="⚠️",
        )
    flags = []
    if case.sensitive:
        flags.append("Sensitive: Special Client Records")
    if case.nationally_sensitive:
        flags.append("Nationally sensitive")
    if case.legacy_ongoing_enforcement:
        flags.append("Legacy ongoing enforcement indicator")
    with st.container(border=True):
        cols = st.columns(4)
        cols[0].markdown(f"**SCIN**  \n{case.scin}")
        cols[1].markdown(f"**Receiving parent**  \n{case.receiving_parent}")
        cols[2].markdown(f"**Paying parent**  \n{case.paying_parent}")
        cols[3].markdown(f"**Scheme / segment**  \n{case.scheme}, segment {case.segment}, {case.region}")
        if flags:
            st.warning(" · ".join(flags), icon="🔒")
        st.caption(
            f"Arrears {format_money(case.arrears_balance)}, of which owed to the Secretary of State "
            f"{format_money(case.sos_arrears)}"
        )
