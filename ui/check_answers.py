"""The rows of "Check your answers before saving": each answer with its step and a Change button (GOV.UK)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from services.run_views import SummaryRow
from ui.text import show


def summary_rows(rows: Sequence[SummaryRow], *, key: str, on_change: Callable[[str, str], None]) -> None:
    """One row per answer; Change (where the step may still be changed) calls `on_change(step_id, label)`, the
    label naming the question, so the wizard can open the page that asks it.

    Shared by the wizard and the practice run, so a practice run looks exactly like the real one.
    """
    for row in rows:
        label, value, link = st.columns([4, 4, 2])
        label.markdown(f"**{row.label}**  \n:gray[{row.step_title}]")
        show(row.value, value)
        if row.changeable:
            link.button(
                "Change",
                key=f"{key}:{row.step_id}:{row.label}",
                on_click=on_change,
                args=(row.step_id, row.label),
                type="tertiary",
            )
