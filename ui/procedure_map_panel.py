"""The procedure map behind a toggle, shared by the wizard and the practice run."""

from __future__ import annotations

import streamlit as st

from services.procedure_map import LEGEND, path_in_words, procedure_map


@st.fragment
def procedure_map_on_demand(key: str, procedure_id: str, version: str, path: tuple[str, ...]) -> None:
    """Drawn only while its toggle is on: the browser lays out a diagram each time it changes (about 0.8 s a step
    in Chromium), so a map nobody opened must not be on the page at all. Toggling reruns only this fragment."""
    if st.toggle("Show the procedure map", key=key, wrap=True):
        st.graphviz_chart(procedure_map(procedure_id, version, path))
        st.caption(LEGEND)
        st.caption(path_in_words(procedure_id, version, path))
