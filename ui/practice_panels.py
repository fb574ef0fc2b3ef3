"""The practice run's side panels: what a real run would have stored and sent, shown as practice.

Deadlines use the wizard's own panel (the practice calendar's dates); emails, letters and files have no real
row behind them, so they are listed with what a real run would have done, and letters download watermarked.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from services import practice_debrief
from services.actor import Actor
from services.practice import PracticeView
from ui.case_panels import deadlines_panel
from ui.download_owners import issued

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _letter_bytes(actor: Actor, practice_id: str, index: int) -> bytes:
    return issued(actor, practice_debrief.practice_letter(actor, practice_id, index).content)


def practice_side_panels(actor: Actor, pv: PracticeView) -> None:
    """Deadlines, case files, emails and letters of the practice run, in the wizard's order."""
    view = pv.run
    if view.deadlines:
        st.markdown("**Deadlines** (on the practice calendar)")
        deadlines_panel(view.deadlines)
    if pv.files:
        st.markdown("**Case files**")
        for name in pv.files:
            st.text(name)
        st.caption("Practice: a real run stores these with the SR; nothing was stored.")
    if pv.emails:
        st.markdown("**Emails**")
        for subject, to in pv.emails:
            st.text(f"{subject}\nTo: {to}")  # subjects carry typed values: plain text, never markdown
        st.caption("Practice: a real run queues these in the Outbox; nothing was sent.")
    if pv.letters:
        st.markdown("**Letters and forms**")
        for index, code, label in pv.letters:
            text, action = st.columns([3, 2])
            text.markdown(label)
            action.download_button(
                "Download (PRACTICE)",
                partial(_letter_bytes, actor, pv.practice_id, index),  # rendered only when pressed
                practice_debrief.letter_file_name(code, pv.reference),
                DOCX,
                key=f"pletterside:{pv.practice_id}:{index}",
                on_click="ignore",
            )
