"""The rows of "Check your answers before saving": each answer with its step and a Change button (GOV.UK)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from procedures.effects import DateSet
from services.run_views import RunView, SummaryRow
from ui.cms_panel import ON_SAVE
from ui.text import md, show

# Above the dates a step records, on check your answers (the wizard's and the practice run's).
DATES_HEADING = "Dates and deadlines this step records"

# Said on check your answers; the first when nothing is on an SR yet, as this save makes it.
NO_GOING_BACK = "After that you cannot go back to change these answers."
# The changes are listed under the CMS panel's heading: beside the answers on a wide screen, not below them.
# "Saving records on the SR the changes ..." read as "saving records", a noun, to a new caseworker (QA, 7th session).
SAVING = f"When you save, the changes listed under **{ON_SAVE}** are recorded on the SR. {NO_GOING_BACK}"
SAVING_MAKES_THE_SR = f"Saving makes the SR and records on it the changes listed under **{ON_SAVE}**. {NO_GOING_BACK}"
# A step that records dates lists them below its answers (`dates_set_list`): the sentence names them too.
SAVING_DATES = (
    f"When you save, the changes listed under **{ON_SAVE}** and the dates and deadlines listed below are recorded on "
    f"the SR. {NO_GOING_BACK}"
)


def saving_sentence(view: RunView) -> str:
    """What saving this step records, above its answers: the wizard's and the practice run's, which had none (QA,
    fresh eyes: a practice run rehearses the real one, its check page listed the dates but never said what saving
    does or that there is no going back after it)."""
    return SAVING_MAKES_THE_SR if view.creates_sr else SAVING_DATES if view.dates_set else SAVING


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
