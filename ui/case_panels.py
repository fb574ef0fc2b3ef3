"""Deadlines (with how each was worked out), case files (download) and emails (sent, waiting or failed),
shared by the wizard and SR detail; and the case's Contact Notes, on the case page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import streamlit as st

from domain.clock import format_uk
from domain.deadlines import EVENTS
from services import attachments, email_delivery
from services.actor import Actor
from services.attachments import AttachmentView
from services.contact_notes import ContactNote
from services.deadlines import DeadlineView
from services.email import EmailView
from ui.download_owners import issued
from ui.notices import snooze_form
from ui.text import kept_whole, literal, md, show

KINDS = {"outcome_pdf": "outcome PDF", "bundle_zip": "zip bundle"}
# The SR page's query parameter saying it was opened from its case's page, so its "Back" goes back to the case
# (pages/sr_detail.py); any other value, or none, and "Back" goes to Outstanding SRs.
CAME_FROM, FROM_CASE = "from", "case"


def sr_from_case(sr_id: int) -> dict[str, str]:
    """The SR page's query for a link on a case's page (its open and closed SRs, its Contact Notes)."""
    return {"sr": str(sr_id), CAME_FROM: FROM_CASE}


# The SR pages a reader came through to this one, oldest first ("&back=12,7"), so "Back" follows the chain one SR at a
# time (QA: an SR opened from the case, then a related SR, offered only Outstanding SRs and the case, not the first SR).
# The list ends where it began: "&from=case" goes along, so the first SR's Back still goes to the case. Each SR of the
# list is checked when its Back link is drawn (`sr_view.sr_full_view(came_from=)`); the oldest go past BACK_MOST.
BACK, BACK_MOST = "back", 10


def back_chain(query: Mapping[str, str]) -> list[int]:
    """The SR ids of `query`'s back list; none when it is not a list of ids (typed or cut short in the URL)."""
    ids = query.get(BACK, "").split(",")
    if not all(i.isascii() and i.isdigit() and len(i) < 12 for i in ids):
        return []
    return [int(i) for i in ids][-BACK_MOST:]


def sr_from_sr(sr_id: int, here: int, query: Mapping[str, str]) -> dict[str, str]:
    """The query of a link from SR page `here` (opened with `query`) to SR `sr_id`: its Back comes back here."""
    return _sr_query(sr_id, [*back_chain(query), here][-BACK_MOST:], query)


def back_to_sr(query: Mapping[str, str]) -> dict[str, str]:
    """The query of the Back link to the last SR of `query`'s back list: it keeps the rest of the list."""
    chain = back_chain(query)
    return _sr_query(chain[-1], chain[:-1], query)


def _sr_query(sr_id: int, chain: list[int], query: Mapping[str, str]) -> dict[str, str]:
    params = {"sr": str(sr_id)}
    if chain:
        params[BACK] = ",".join(map(str, chain))
    if query.get(CAME_FROM) == FROM_CASE:
        params[CAME_FROM] = FROM_CASE
    return params


def _file_bytes(actor: Actor, attachment_id: int) -> bytes:
    return issued(actor, attachments.download_attachment(actor, attachment_id).content)


def deadlines_panel(deadlines: Sequence[DeadlineView], *, empty: str | None = None, actor: Actor | None = None) -> None:
    """Each deadline with its due time, whether it is met or overdue, and the line explaining the date; a team
    leader (`actor`) can also snooze an open deadline's reminders."""
    if not deadlines:
        if empty:
            st.caption(empty)
        return
    for d in deadlines:
        state = " · :red[**OVERDUE**]" if d.overdue else "" if d.state == "to do" else f" · {d.state}"
        where = f" · SR {md(d.sr_number)}" if d.sr_number else ""
        due = "" if d.kind in EVENTS else "due "  # a hearing is at its moment, not due by it
        line = f"**{md(d.what)}**: {due}{md(format_uk(d.due_at))}{state}{where}"
        st.markdown(kept_whole(line, [d.sr_number or ""]), unsafe_allow_html=True)  # the SR number whole, as typed
        st.caption(f"How this was worked out: {md(d.explanation)}")  # it names the court or place the caseworker typed
        if d.snoozed:
            st.caption(md(d.snoozed))  # the reason as the team leader typed it
        if actor is not None and not d.done and not d.sr_closed:
            snooze_form(actor, d.id)


def files_panel(actor: Actor, files: Sequence[AttachmentView], *, empty: str | None = None) -> None:
    """One line per stored file; a download button while it is kept, the deletion date once deleted."""
    if not files:
        if empty:
            st.caption(empty)
        return
    for f in files:
        text, action = st.columns([3, 2])
        kind = KINDS.get(f.kind, f.kind.replace("_", " "))
        text.markdown(f"{f.file_name} · {kind} · {f.size:,} bytes  \n:gray[sha256 {f.sha256[:12]}…]")
        if f.deleted_at is not None:
            action.caption(f"Deleted {format_uk(f.deleted_at)} (clerical files); the record is kept.")
            continue
        # The bytes are read (and access checked) only when the button is pressed.
        action.download_button(
            "Download",
            partial(_file_bytes, actor, f.id),
            f.file_name,
            f.media_type,
            key=f"file:{f.id}",
            on_click="ignore",
        )


def emails_panel(emails: Sequence[EmailView], *, empty: str | None = None) -> None:
    """Each email with where it stands; a failed one says why and that it waits in the Outbox to be sent again."""
    if not emails:
        if empty:
            st.caption(empty)
        return
    sending = email_delivery.sending_enabled()
    for e in emails:
        # Subjects carry typed values: escaped, never markdown or HTML; the SR number in one is kept whole (kept_whole),
        # and the address is a code span, copied into a mail client exactly (as the Outbox shows it).
        to = "not set" if e.address_not_set else literal(e.to)  # never a placeholder shown as a recipient
        subject = kept_whole(md(e.subject), [e.sr_number or ""])
        st.markdown(f"{subject}  \nTo: {to}", unsafe_allow_html=True)
        if e.address_not_set:
            st.warning(e.error or "The recipient's address is not set.", icon=":material/warning:")
        elif e.status == "sent":
            st.caption(f"Sent {format_uk(e.sent_at)}")
        elif e.status == "failed":
            st.error(
                f"Sending failed: {e.error}. It is kept in the Outbox: send it again from there.",
                icon=":material/warning:",
            )
        elif sending and not e.sending_interrupted:
            # Sent by the background sender after the step answered (services/email_background.py), not yet done.
            st.caption("Being sent: the Outbox shows whether it went.")
        else:
            st.caption("Waiting in the Outbox: download it there and send it, then mark it sent.")
    if any(e.status != "sent" for e in emails):
        st.page_link("pages/outbox.py", label="Open the Outbox", icon=":material/outbox:")


def contact_notes_panel(notes: Sequence[ContactNote], *, shown: int = 3) -> None:
    """The case's contact history, newest first: when, who, on which SR (a link only where the reader may open that
    SR's page, whose "Back" returns to the case; otherwise its number as text), then the note as written. The newest
    `shown` are open; earlier ones wait in an expander, so a long history does not push the procedures below it out
    of sight."""
    st.header(f"Contact Notes ({len(notes)})")
    if not notes:
        st.caption("No Contact Notes on this case.")
        return
    st.caption("The case's contact history, newest first, whichever team holds the SR each note was written on.")
    for n in notes[:shown]:
        _contact_note(n)
    if len(notes) > shown:
        with st.expander(f"Earlier Contact Notes ({len(notes) - shown})"):
            for n in notes[shown:]:
                _contact_note(n)


def _contact_note(n: ContactNote) -> None:
    with st.container(border=True):
        on = f" · SR {md(n.sr_number)}" if n.sr_number and n.sr_id is None else ""
        line = f"**{md(format_uk(n.at))}**, {md(n.author or 'system')}{on}"
        st.markdown(kept_whole(line, [n.sr_number or ""]), unsafe_allow_html=True)  # the number whole, as typed
        if n.sr_id is not None:
            st.page_link("pages/sr_detail.py", label=f"SR {n.sr_number}", query_params=sr_from_case(n.sr_id))
        show(n.text)
