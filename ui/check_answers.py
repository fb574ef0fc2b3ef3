"""The rows of "Check your answers before saving": each answer with its step and a Change button (GOV.UK)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from procedures.effects import DateSet
from services.run_views import SummaryRow
from ui.text import md, show

# Above the dates a step records, on check your answers (the wizard's and the practice run's).
DATES_HEADING = "Dates and deadlines this step records"


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


def dates_set_list(dates: Sequence[DateSet]) -> None:
    """The dates the step puts on the SR and the deadlines it sets, in words, with how each deadline was worked out:
    a mistyped date is seen here, before it is saved and moves the deadlines (procedures/effects.py,
    Effect.needs_confirmation). Nothing is drawn for a step that records no date."""
    if not dates:
        return
    st.markdown(f"**{DATES_HEADING}**")
    lines = []
    for d in dates:  # a court or place in an explanation is as the caseworker typed it: text, never markdown
        how = f"  \n  :gray[How this was worked out: {md(d.explanation)}]" if d.explanation else ""
        lines.append(f"- {md(d.words)}{how}")
    st.markdown("\n".join(lines))
