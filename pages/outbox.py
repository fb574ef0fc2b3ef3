"""Outbox: the team's emails waiting to be sent or failed (download .eml, mark sent, send again), then sent ones."""

from functools import partial

import streamlit as st

import ui
from domain.clock import format_uk
from services import email as outbox
from services import email_address_later, email_delivery
from services.actor import Actor
from ui.download_owners import issued
from ui.table_data import READ_IN_FULL, arrow_rows, moment_column, table_or_sentence
from ui.text import literal, md


def _eml_bytes(actor: Actor, email_id: int) -> bytes:
    """Fetched (and the download audited) only when the button is pressed."""
    return issued(actor, outbox.download_eml(actor, email_id).content)


actor = ui.actor("caseworker", "team_leader", page="outbox")
st.title("Outbox")
sending = email_delivery.sending_enabled()
if sending:
    st.caption(
        "Emails are sent just after the step or reassignment that saves them, which does not wait for the mail "
        "server. One that failed stays here with the error: send it again."
    )
else:
    st.info(
        "Sending is not set up on this server. Download each email (.eml), open it in your mail client and send it, "
        "then mark it as sent here. Each email asks for a read receipt; a task reminds you to phone the recipient.",
        icon=":material/outbox:",
    )
if flash := st.session_state.pop("outbox_flash", None):
    st.success(flash)
emails = ui.attempt(lambda: outbox.outbox(actor))
if emails is not None:
    waiting = [e for e in emails if e.status != "sent"]
    st.header(f"Waiting to be sent ({len(waiting)})")
    if not waiting:
        st.caption("Nothing is waiting to be sent.")
    for e in waiting:
        with st.container(border=True):
            # The addresses as a code span: copied into a mail client exactly (md() puts a joiner after each '@')
            to = "not set" if e.address_not_set else literal(e.to)  # never a placeholder shown as a recipient
            st.markdown(f"**{md(e.subject)}**  \nTo: {to}  \nSR {e.sr_number} · saved {format_uk(e.created_at)}")
            if e.address_not_set and e.addressable_to:
                st.info(
                    f"The address has been set since this email was saved: {literal(e.addressable_to)}. If you have "
                    "not sent it by hand already, address it now"
                    + (" and it is sent." if sending else ", then download it and send it."),
                    icon=":material/forward_to_inbox:",
                )
            elif e.address_not_set:
                st.warning(e.error or "The recipient's address is not set.", icon=":material/warning:")
            elif e.sending_now and e.sending_since is not None:
                st.info(f"Being sent now (since {format_uk(e.sending_since)}).", icon=":material/send:")
            elif e.sending_interrupted and e.sending_since is not None:
                st.warning(
                    f"Sending began at {format_uk(e.sending_since)} and did not finish, so we cannot tell whether it "
                    "went. Check with the recipient, then mark it as sent, or send it again.",
                    icon=":material/warning:",
                )
            elif e.status == "failed":
                st.error(f"Sending failed: {e.error}", icon=":material/warning:")
            elif sending:  # handed to the background sender by the step or move that saved it, or to `outbox send`
                st.caption("Waiting to be sent: it goes in a moment. Reload to see whether it went.")
            cols = st.columns(3)
            # No rerun on the click: it would revoke the file the click asks for (test_downloads_race_no_rerun.py).
            cols[0].download_button(
                "Download .eml",
                data=partial(_eml_bytes, actor, e.id),
                file_name=outbox.eml_file_name(e),
                mime="message/rfc822",
                key=f"eml_{e.id}",
                on_click="ignore",
            )
            if cols[1].button("Mark as sent", key=f"sent_{e.id}"):
                if ui.attempt(partial(outbox.mark_sent, actor, e.id)) is not None:
                    st.session_state["outbox_flash"] = f"Marked as sent: {e.subject}"
                    st.rerun()
            if e.address_not_set and e.addressable_to:
                if cols[2].button("Address it", key=f"address_{e.id}", type="primary"):
                    addressed = ui.attempt(partial(email_address_later.address_now, actor, e.id))  # sent if it can be
                    if addressed is not None:
                        st.session_state["outbox_flash"] = (
                            f"Addressed to {literal(addressed.to)}: {md(addressed.subject)}"
                            + (f" ({addressed.status})" if sending else "")
                        )
                        st.rerun()
            elif sending and not e.address_not_set and cols[2].button("Send again", key=f"retry_{e.id}"):
                delivered = ui.attempt(partial(email_delivery.deliver, actor, e.id, from_outbox=True))
                if delivered is not None:
                    st.session_state["outbox_flash"] = f"{delivered.subject}: {delivered.status}"
                    st.rerun()
    sent = [e for e in emails if e.status == "sent"]
    st.header(f"Sent ({len(sent)})")
    # When it went beside the SR, in view on a 1024 px window; at 1024 and 1366 px Subject, To and Note were past the
    # grid's right edge behind a sideways scroll, "Sent" with them at 1024 (QA, ninth session). A long one is cut.
    if table_or_sentence(
        arrow_rows(
            [
                {"SR": e.sr_number, "Sent": e.sent_at, "Subject": e.subject, "To": e.to, "Note": e.error or ""}
                for e in sent
            ],
            moments=("Sent",),
        ),
        "No emails have been sent yet.",
        width="stretch",
        column_config={
            "SR": st.column_config.TextColumn(width=84),  # "1-00000021" whole
            "Sent": moment_column(width=124),  # "30 Nov 2026, 09:09" whole
            "Subject": st.column_config.TextColumn(width=250, help=READ_IN_FULL),
            "To": st.column_config.TextColumn(width=280, help=READ_IN_FULL),
            "Note": st.column_config.TextColumn(help=READ_IN_FULL),
        },
    ):
        st.caption(READ_IN_FULL)
