"""The "Due soon" and "Overdue" strip (Home and My work) and the sidebar count, from what `remind` told
this user; and the team leader's snooze form for one deadline."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from time import monotonic

import streamlit as st

import ui
from domain.clock import UK
from services import reminders
from services.actor import Actor
from services.errors import ValidationFailed
from ui.text_box import text_box

COUNT_KEPT_SECONDS = 60
_COUNTED = "_notice_count"  # (user id, time.monotonic() when counted, count), in this browser session's state


def notice_count(actor: Actor) -> int:
    """How many reminders are waiting for this user (0 for roles without case work); kept a minute in the browser
    session, because the sidebar is drawn on every click, wizard steps included, and `remind` runs every few
    minutes anyway. (Kept with st.cache_data before, each click paid about 0.2 ms hashing the actor to find it.) Home
    and My work count afresh: their strip reads the reminders anyway (`deadline_strip`)."""
    if not actor.works_cases:
        return 0
    kept = st.session_state.get(_COUNTED)
    now = monotonic()
    if kept is not None and kept[0] == actor.user_id and now - kept[1] < COUNT_KEPT_SECONDS:
        return int(kept[2])
    try:
        count = reminders.notices(actor).count
    except Exception:  # noqa: BLE001  # the sidebar count must never stop a page; the page itself reports
        return 0
    st.session_state[_COUNTED] = (actor.user_id, now, count)
    return count


def recount() -> None:
    """Count this user's reminders afresh on the next draw: a team leader's reassignment or hand-over has just told
    (or, handed over, taken from the team) the moved SRs' deadlines."""
    st.session_state.pop(_COUNTED, None)


def deadline_strip(actor: Actor) -> None:
    """One box for what is overdue and one for what is due soon, each headed with whose SRs (a team leader's are
    the team's); nothing when there is nothing."""
    if not actor.works_cases:
        return
    seen = ui.attempt(lambda: reminders.notices(actor))
    if seen is None:
        return
    # The sidebar (drawn after the page) says the count just read, not the one kept up to a minute: a reassignment
    # tells its new owner at once, and their Home would otherwise list reminders the sidebar did not count yet.
    st.session_state[_COUNTED] = (actor.user_id, monotonic(), seen.count)
    if not seen.count:
        return
    if seen.overdue:
        st.error(
            f"**{seen.overdue_heading}**\n\n" + "\n".join(f"- {n.text}" for n in seen.overdue),
            icon=":material/alarm:",
        )
    if seen.due_soon:
        st.warning(
            f"**{seen.due_soon_heading}**\n\n" + "\n".join(f"- {n.text}" for n in seen.due_soon),
            icon=":material/schedule:",
        )
    if seen.note:
        st.caption(seen.note)


def snooze_form(actor: Actor, deadline_id: int) -> None:
    """A team leader holds a deadline's reminders until a day (at most 30 days), saying why.

    Days in the UK order, as Insight's period; a refusal is said at its field as well as in the summary (QA: only a
    summary said it). Once done the page is drawn again, so the deadline's line says the hold at once."""
    if actor.role != "team_leader":
        return
    done_key = f"snoozed:{deadline_id}"
    if st.session_state.pop(done_key, False):
        st.success("Reminders for this deadline are snoozed.")
    now = datetime.now(UK)
    today = now.date()
    latest = (now + reminders.MAX_SNOOZE - timedelta(hours=9)).date()  # its 9:00 within the 30 days the service allows
    with st.popover("Snooze reminders"), st.form(f"snooze:{deadline_id}", border=False):
        summary = st.container()
        day = st.date_input(
            "Hold reminders until 9:00 on",
            value=today + timedelta(days=1),
            min_value=today + timedelta(days=1),
            max_value=latest,
            format="DD/MM/YYYY",
        )
        day_error = st.empty()
        reason = text_box("Why can the reminders wait?")
        reason_error = st.empty()
        if st.form_submit_button("Snooze"):
            until = datetime.combine(day, time(9, 0), tzinfo=UK)
            try:
                reminders.snooze(actor, deadline_id, until=until, reason=reason)
            except ValidationFailed as exc:
                ui.refusal_at_fields(exc.errors, summary, {"until": day_error, "reason": reason_error})
                return
            st.session_state[done_key] = True
            st.rerun()
