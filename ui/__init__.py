"""Shared page pieces, kept out of pages/ (which holds only page scripts): the actor, GOV.UK-style errors, banner."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping
from typing import NoReturn, TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from domain.values import format_money
from services import session_rules, sessions
from services.access import refuse_page
from services.actor import Actor
from services.auth import SignedIn
from services.auth import sign_out as end_session
from services.errors import DomainError, SessionEnded, ValidationFailed
from services.sessions import COOKIE
from services.views import CaseBanner
from ui.a11y import mark_error_in_title
from ui.page_end import stop
from ui.text import md

log = logging.getLogger("casework")
T = TypeVar("T")
RESUME = "resume_after_sign_in"
TOKEN = "session_token"


def idle_seconds() -> int:
    """CASEWORK_IDLE_MINUTES (default 30) in seconds; see services/sessions.py."""
    return session_rules.idle_seconds()


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


def signed_in(outcome: SignedIn) -> None:
    """Keep the new sign-in in this browser session; app.py then sets the cookie (session_cookie)."""
    st.session_state["actor"] = outcome.actor
    st.session_state[TOKEN] = outcome.token
    st.session_state["last_seen"] = time.time()


def session_cookie(actor: Actor) -> None:
    """Set the session cookie and arm the idle timer, on every run of a signed-in page.

    Streamlit offers no way to set a cookie from the server, so a small script in the page does it
    (hence not HttpOnly: see README, "Sessions"). The timer reloads the page when the idle limit passes
    with no rerun in this tab, so the screen clears at the limit instead of at the next click: the reload
    starts a new session, which the server refuses as idle (or resumes, if another tab kept it alive).
    Each run re-arms it: the script carries the time of this run, so Streamlit replaces the element.
    """
    token = st.session_state.get(TOKEN)
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    cookie = f"{COOKIE}={token}; Path=/; SameSite=Strict{secure}" if token else ""
    st.html(
        "<script>"
        + (f"document.cookie = {json.dumps(cookie)};" if cookie else "")
        + "clearTimeout(window.caseworkIdle);"
        + f"window.caseworkIdle = setTimeout(() => window.location.reload(), {idle_seconds() * 1000 + 1500});"
        + f"/* {time.time():.3f} */</script>",
        unsafe_allow_javascript=True,
        width=1,
    )


def forget_session_cookie() -> None:
    """Shown with the sign-in page: the browser drops the cookie of a session that has ended (or none)."""
    st.html(
        "<script>clearTimeout(window.caseworkIdle);"
        f"document.cookie = {json.dumps(f'{COOKIE}=; Path=/; Max-Age=0; SameSite=Strict')};</script>",
        unsafe_allow_javascript=True,
        width=1,
    )


def sign_out(reason: str = "signed out", *, message: str = "You have signed out.") -> None:
    """End this browser's session on the server (every tab and every server), then clear this tab."""
    actor = st.session_state.get("actor")
    if actor is not None:
        end_session(actor, reason=reason, token=st.session_state.get(TOKEN))
    _signed_out(message)


def _signed_out(message: str) -> None:
    _forget_browser_session()
    st.session_state["flash"] = message
    if end_identity_session():
        stop()


def _forget_browser_session() -> None:
    """Drop everything this browser session holds (the actor first of all), key by key.

    Not `st.session_state.clear()`: that is MutableMapping's, which stops without a word at the first key
    it cannot read or delete, and a clicked button's value can be one (Streamlit holds it until the run ends).
    When the Sign out button's value came first, it cleared nothing: the signed-out actor stayed, and the next
    run told the user their access had ended instead of "You have signed out." (seen in
    tests/browser/test_practice.py).
    """
    for key in list(st.session_state.keys()):
        try:
            del st.session_state[key]
        except KeyError:  # a widget value of this run only: Streamlit drops it when the run ends
            continue


def checked_by_service(verified: Actor | None) -> None:
    """A button's callback called a service that checked this browser's user and session (services/access.py's
    VERIFIED) moments ago: the run that follows does not check them again. (The click's own call is where the
    check belongs: it runs before the page, so a session ended elsewhere or idle must refuse the call itself.)"""
    ctx = get_script_run_ctx()
    if ctx is not None and verified is not None and verified == st.session_state.get("actor"):
        st.session_state["_actor_checked_run"] = ctx.cursors


def _checked_this_run() -> bool:
    """True when this script run already checked the actor (app.py does, then the page asks again)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    if st.session_state.get("_actor_checked_run") is ctx.cursors:  # a new dict at each run's start
        return True
    st.session_state["_actor_checked_run"] = ctx.cursors
    return False


def _resume() -> Actor | None:
    """A new browser session (reload, new tab, bookmark): resume from the session cookie if it is still good."""
    token = st.context.cookies.get(COOKIE)
    if not isinstance(token, str) or not token:
        return None
    resumed, message = sessions.resume(token)
    if resumed is None:
        if message:
            st.session_state["flash"] = message
        return None
    st.session_state["actor"], st.session_state[TOKEN] = resumed, token
    st.session_state["last_seen"] = time.time()
    return resumed


def current_actor() -> Actor | None:
    """The signed-in actor checked against the database once per run, or None (signed out, with a message).

    Signs out after the idle timeout, and when the account was deactivated, its password reset, its role
    or team changed, or this session revoked (signed out in another tab or on another server).
    """
    actor: Actor | None = st.session_state.get("actor")
    if actor is None:
        actor = _resume()
        if actor is None:
            return None
    last = st.session_state.get("last_seen", time.time())
    if time.time() - last > idle_seconds():
        sign_out("idle timeout", message=session_rules.IDLE_MESSAGE)
        return None
    if not _checked_this_run():
        try:
            actor = sessions.check(actor, st.session_state.get(TOKEN))
        except SessionEnded as exc:
            _signed_out(exc.message)
            return None
        except Exception:  # the database cannot be reached: say so plainly, never a traceback
            fault("checking who is signed in")
            stop()
        st.session_state["actor"] = actor
    st.session_state["last_seen"] = time.time()
    return actor


def actor(*roles: str, page: str = "") -> Actor:
    """The signed-in actor; a page lists the roles it is for and refuses (and audits) anyone else."""
    signed_in = current_actor()
    if signed_in is None:
        _route_through_sign_in(page or "home")
    if roles and signed_in.role not in roles:
        st.error(refuse_page(signed_in, page or "page").message, icon=":material/block:")
        stop()
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


def address_shows(query: Mapping[str, str]) -> None:
    """Put the query this page draws in the browser's address. Streamlit's link (or switch) to the page already open
    reruns it with the new query but leaves the address as it was, so a reload, a bookmark or a copied address would
    show the page before (QA, ninth session: SR 1-00000075 drawn under `/sr?sr=74`). Sent on every run; the browser
    adds a history entry only when the address changes, so its Back button goes to the SR before."""
    st.query_params.update(query)


def resume_after_sign_in(allowed: Callable[[str], bool]) -> None:
    """Just signed in after _route_through_sign_in: open the page asked for, if the role has it."""
    resume = st.session_state.pop(RESUME, None)
    if resume is not None and allowed(resume[0]):
        st.switch_page(resume[0], query_params=resume[1])


def error_summary(errors: dict[str, str]) -> None:
    """GOV.UK style: a summary at the top listing every problem, each a link to its field (ui.a11y points
    the links at the fields' error texts and moves focus to the summary); the page title starts "Error:"."""

    mark_error_in_title()
    items = (f"- [{_link_text(m)}](#)" if field != "_problem" else f"- {m}" for field, m in errors.items())
    st.error("**There is a problem**\n\n" + "\n".join(items), icon=":material/warning:")


def _link_text(message: str) -> str:
    """A message as Markdown link text: brackets would end the link early."""
    return message.replace("[", "(").replace("]", ")")


def field_error(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.markdown(f":red[**Error:** {errors[field]}]")


def refusal_at_fields(errors: dict[str, str], summary: DeltaGenerator, fields: Mapping[str, DeltaGenerator]) -> None:
    """A form's refusal, GOV.UK style: the summary in `summary` (a container above the form) and each problem at its
    field's place (`fields`: an empty slot drawn under each input, by field name)."""
    with summary:
        error_summary(errors)
    for field, place in fields.items():
        with place:
            field_error(errors, field)


def fault_message(doing: str) -> str:
    """Log the exception being handled with a reference; return the plain words for the user.

    The reference is 8 characters of a random id, logged with the traceback, so whoever reads the server
    log finds the line the user quotes; the user sees no traceback, SQL, path or host. With
    CASEWORK_DEVELOPMENT=1 (tests, development) the exception is raised again, so it is not hidden.
    """
    message = _logged_fault(doing)
    if os.environ.get("CASEWORK_DEVELOPMENT") == "1":
        raise
    return message


def fault(doing: str) -> None:
    """Show an unexpected error as a plain message with its log reference (see fault_message)."""
    st.error(fault_message(doing), icon=":material/block:")


def attempt(action: Callable[[], T]) -> T | None:
    """Run a service call; show a domain error as a message instead of a stack trace.

    A SessionEnded (the account was deactivated, reset or moved while this page was open) signs the
    browser out: the rerun shows the sign-in page with the reason.
    """
    try:
        return action()
    except ValidationFailed as exc:
        error_summary(exc.errors)
    except SessionEnded as exc:
        _signed_out(exc.message)
        st.rerun()
    except DomainError as exc:
        st.error(exc.message, icon=":material/block:")
    except Exception:  # an unexpected fault: the transaction rolled back, so say so instead of a stack trace
        st.error(_logged_fault("calling a service"), icon=":material/block:")
    return None


def _logged_fault(doing: str) -> str:
    """Log the exception being handled with a new reference; the user's words quote it."""
    ref = uuid.uuid4().hex[:8].upper()
    log.exception("unexpected error while %s [ref %s]", doing, ref)
    return (
        "Something went wrong on our side and this was not done. Everything you saved before is safe. "
        f"Try again in a minute; if it keeps happening, tell your team leader and quote reference {ref}."
    )


def ended(exc: SessionEnded) -> None:
    """A button callback met an ended session: sign this browser out; the rerun shows the sign-in page."""
    _signed_out(exc.message)


def case_banner(case: CaseBanner) -> None:
    """SCIN, parties in the new terminology, and the warnings a caseworker must not miss."""
    if case.potentially_violent:
        st.error(
            "**Potentially violent (PV) marker on this case.** Follow the PV checks before any contact or visit.",
            icon=":material/warning:",
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
        cols[0].markdown(f"**SCIN**  \n{md(case.scin)}")
        cols[1].markdown(f"**Receiving parent**  \n{md(case.receiving_parent)}")
        cols[2].markdown(f"**Paying parent**  \n{md(case.paying_parent)}")
        cols[3].markdown(f"**Scheme / segment**  \n{case.scheme}, segment {case.segment}, {case.region}")
        if flags:
            st.warning(" · ".join(flags), icon=":material/lock:")
        st.markdown(f"**Transition:** {case.transition_status}.")
        st.caption(
            f"Arrears {format_money(case.arrears_balance)}, of which owed to the Secretary of State "
            f"{format_money(case.sos_arrears)}"
        )
