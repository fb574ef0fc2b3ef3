"""The rows of "Check your answers before saving": each answer with its step and a Change button (GOV.UK)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from procedures.effects import DateSet
from services.run_views import NoteToAdd, RunView, SummaryRow
from ui.cms_panel import ON_SAVE
from ui.text import md, show

# Above the dates a step records, on check your answers (the wizard's and the practice run's).
DATES_HEADING = "Dates and deadlines this step records"
# Above the deadlines a step marks met, and above the notes it records, as they will be saved.
MET_HEADING = "Deadlines this step marks met"
NOTES_HEADING = "Notes this step records"

# Said on check your answers; the first when nothing is on an SR yet, as this save makes it.
NO_GOING_BACK = "After that you cannot go back to change these answers."
# The changes are listed under the CMS panel's heading: beside the answers on a wide screen, not below them.
# "Saving records on the SR the changes ..." read as "saving records", a noun, to a new caseworker (QA, 7th session).
SAVING = f"When you save, the changes listed under **{ON_SAVE}**{{below}} are recorded on the SR. {NO_GOING_BACK}"
SAVING_MAKES_THE_SR = (
    f"Saving makes the SR and records on it the changes listed under **{ON_SAVE}**{{below}}. {NO_GOING_BACK}"
)


def lists_below(*, dates: bool, met: bool, notes: bool) -> str:
    """The lists drawn below the answers (dates set, deadlines met, notes), named in plain words in the order they
    are drawn: every one of them, so a step that records a date and a note names both (QA, eighth session's review:
    P1's unanswered chase named its review date but not its note)."""
    words = []
    if dates:  # "dates and deadlines" alone; beside the deadlines met, the new ones are told from them
        words += ["dates and deadlines"] if not (met or notes) else ["dates", "new deadlines" if met else "deadlines"]
    if met:
        words.append("deadlines met")
    if notes:
        words.append("notes")
    if not words:
        return ""
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return f" and the {listed} listed below"


def saving_sentence(view: RunView) -> str:
    """What saving this step records, above its answers: the wizard's and the practice run's, which had none (QA,
    fresh eyes: a practice run rehearses the real one, its check page listed the dates but never said what saving
    does or that there is no going back after it)."""
    below = lists_below(dates=bool(view.dates_set), met=bool(view.deadlines_met), notes=bool(view.notes))
    return (SAVING_MAKES_THE_SR if view.creates_sr else SAVING).format(below=below)


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


def deadlines_met_list(met: Sequence[str]) -> None:
    """The deadlines the step marks met, in words ("Pay the court fee: marked met"): once met they are no longer
    reminded, and Back cannot reopen them (procedures/effects.py, CompleteDeadlines). Nothing for a step with none."""
    if not met:
        return
    st.markdown(f"**{MET_HEADING}**")
    st.markdown("\n".join(f"- {md(words)}" for words in met))


def notes_list(notes: Sequence[NoteToAdd]) -> None:
    """Each note the step records, under where it goes, exactly as it will be saved (a typed note as typed, every
    character shown as text): a long note can be reread, and corrected by Change, before it is recorded
    (procedures/effects.py, AddNote.typed). Nothing for a step with none."""
    if not notes:
        return
    st.markdown(f"**{NOTES_HEADING}**")
    for note in notes:
        st.caption(md(note.where))
        with st.container(border=True):
            show(note.text)
