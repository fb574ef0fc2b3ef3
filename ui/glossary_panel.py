"""The glossary, searchable: a term or a word of its meaning narrows the list."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st


def matching_terms(glossary: Mapping[str, str], search: str) -> dict[str, str]:
    """The entries whose term or meaning contains every word searched for, case-insensitively."""
    words = search.lower().split()
    return {
        term: meaning
        for term, meaning in glossary.items()
        if all(word in f"{term} {meaning}".lower() for word in words)
    }


def glossary_panel(glossary: Mapping[str, str], *, key: str) -> None:
    search = st.text_input("Search the glossary", key=key, placeholder="For example: CSA, liability order")
    found = matching_terms(glossary, search)
    if not found:
        st.caption("No term matches that. Try a shorter word.")
        return
    if search.strip():
        st.caption(f"{len(found)} of {len(glossary)} terms match.")
    # One element, not one a term: each element is a message and a component the browser draws again at every
    # rerun of the wizard, even with the expander closed (27 terms were a third of a step's elements).
    st.markdown("\n\n".join(f"**{term}**: {meaning}" for term, meaning in found.items()))
