"""At "check your answers": the letters the step will record, previewed with this run's values."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services.letter_previews import PendingLetter
from ui import attempt

PAPER = (
    "<style>.letter-preview{background:#fff;color:#0b0c0c;padding:1.5rem 2rem;max-width:52rem;font-family:Arial}"
    ".letter-preview table{border-collapse:collapse;margin:.5rem 0}.letter-preview td{border:1px solid #b1b4b6;"
    "padding:.25rem .5rem;vertical-align:top}.letter-preview p.small{font-size:.8em;color:#505a5f}</style>"
)


def pending_letters_panel(load: Callable[[], list[PendingLetter]]) -> None:
    """The letters `load` gives (services.letter_previews: a real run's, or a practice run's), each readable."""
    letters = attempt(load) or []
    if not letters:
        return
    st.markdown(f"**Letters this step records ({len(letters)})**: read each one before you save.")
    for letter in letters:
        with st.expander(f"{letter.code} {letter.title}, to the {letter.recipient}", expanded=len(letters) == 1):
            if letter.html is None:
                st.error(f"This letter cannot be made with these answers: {letter.problem}", icon=":material/warning:")
            else:
                if letter.notice:
                    st.warning(letter.notice, icon=":material/contact_phone:")
                st.html(f'{PAPER}<div class="letter-preview">{letter.html}</div>')
