"""The letters a procedure run has recorded: produce the due ones, download the produced ones."""

from __future__ import annotations

import streamlit as st

from pages import ui
from services import letters
from services.actor import Actor


def _produce(actor: Actor, letter_id: int) -> None:
    ui.attempt(lambda: letters.render_letter(actor, letter_id))


def letters_panel(actor: Actor, run_id: str) -> None:
    """One line per letter: due ones get a Produce button, produced ones a .docx download."""
    rows = ui.attempt(lambda: letters.letters_for_run(actor, run_id)) or []
    if not rows:
        return
    st.markdown("**Letters and forms**")
    for item in rows:
        row = item.row
        who = (row.recipient or "").replace("_", " ")
        text, action = st.columns([3, 2])
        to = f" · to the {who}" if who else ""
        text.markdown(f"{row.template_code} {item.title}{to} · SR {item.sr_number}")
        if row.status == "due":
            action.button("Produce", key=f"produce:{row.id}", on_click=_produce, args=(actor, row.id))
        elif row.file_name:
            # The bytes are fetched (and the download audited) only when the button is pressed.
            action.download_button(
                "Download",
                lambda letter_id=row.id: letters.download_letter(actor, letter_id).content,
                row.file_name,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                key=f"dl:{row.id}",
                on_click="ignore",
            )
