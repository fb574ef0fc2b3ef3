"""The letters a procedure run has recorded: produce the due ones, download the produced ones."""

from __future__ import annotations

from functools import partial

import streamlit as st

import ui
from letters.catalogue import recipient_words
from services import letters
from services.actor import Actor
from services.run_views import RunView
from ui.download_owners import issued
from ui.text import kept_whole, md


def _letter_bytes(actor: Actor, letter_id: int, fmt: str = "docx") -> bytes:
    return issued(actor, letters.download_letter(actor, letter_id, fmt=fmt).content)


def _produce(actor: Actor, letter_id: int) -> None:
    ui.attempt(lambda: letters.render_letter(actor, letter_id))  # the rerun reads the run's view afresh


def letters_panel(actor: Actor, view: RunView) -> None:
    """One line per letter: due ones get a Produce button, produced ones a .docx download (and the .pdf for a
    letter sent as PDF, or why there is none); a letter produced without our contact details says so on its line.

    The list comes with the run's view (read in the same transaction), so drawing it costs no query.
    """
    if not view.letters:
        return
    st.markdown("**Letters and forms**")
    for row in view.letters:
        who = recipient_words(row.recipient)
        text, action = st.columns([3, 2])
        # md() drops a leading blank, so the separator stays outside it (review: "them?· to the receiving parent")
        to = f" · to {md(who)}" if who and who.lower() not in row.title.lower() else ""  # CMEL9180 names them already
        line = f"{md(row.template_code)} {md(row.title)}{to} · SR {md(row.sr_number)}"
        text.markdown(kept_whole(line, [row.sr_number]), unsafe_allow_html=True)  # the SR number on one line (QA)
        # Our contact details: not set before Produce, or left out of the letter produced (to add by hand before it
        # is sent), on the letter's own line where it is read (QA: a grey caption was easy to miss)
        if row.notice:
            text.warning(row.notice, icon=":material/contact_phone:")
        if row.status == "due":
            action.button("Produce", key=f"produce:{row.id}", on_click=_produce, args=(actor, row.id))
        elif row.file_name:
            # The bytes are fetched (and the download audited) only when the button is pressed.
            action.download_button(
                "Download",
                partial(_letter_bytes, actor, row.id),
                row.file_name,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                key=f"dl:{row.id}",
                on_click="ignore",
            )
            if row.send_as_pdf and letters.pdf_available():
                action.download_button(
                    "Download .pdf",
                    partial(_letter_bytes, actor, row.id, "pdf"),
                    row.file_name.removesuffix(".docx") + ".pdf",
                    "application/pdf",
                    key=f"pdf:{row.id}",
                    on_click="ignore",
                )
            elif row.send_as_pdf:
                action.caption(letters.NO_LIBREOFFICE)
