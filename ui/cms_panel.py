"""The "What to enter in CMS" panel: exact values as instructions, unconfirmed ones in words, marked suggestions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from procedures.effects import CmsLine
from services.run_views import RunView
from ui.text import exact, kept_whole, md

SUGGESTION = "Suggestion, not confirmed by the published procedure or your policy team"


def source_markdown(source: str) -> str:
    """A source as the procedure shows it: its quote keeps the seed's bold ("update the **Status** to **In
    Progress**" reads with Status in bold, not with asterisks: QA). A source is written by Casework Guide from the
    seeds, a username and a date (domain.reference.describe_source), never by a caseworker; only whole pairs of the
    seed's `**` are let through, everything else is escaped."""
    escaped = exact(source)
    return escaped.replace("\\*\\*", "**") if escaped.count("\\*\\*") % 2 == 0 else escaped


def line_markdown(line: CmsLine, *, colour: bool = True) -> str:
    """One line as shown: an instruction (with its source when it is a catalogue value), or what to choose in words
    and the candidate marked as a suggestion. `colour=False` for a tick box's label, which is also its accessible
    name as written: no colour mark, and the source's quote without the seed's bold (a screen reader read out the
    asterisks of "update the **Status** to **In Progress**": QA, 7 December).

    A line can carry what a caseworker typed ("Add to SR Notes: <their summary>"), so it is shown as text: markdown
    in it must never become an image or link (a checkbox label renders images too). It is copied into CMS, so it is
    shown with `exact`, not `md`: an address or URL is a code span, never an invisible word joiner.
    """
    text = exact(line.text)
    if line.source:  # an exact value says where it comes from, so it can be checked against the procedure
        text += f"  \nSource: {source_markdown(line.source) if colour else exact(line.source.replace('**', ''))}"
    if line.suggestion is None:
        return text
    marked = f"{SUGGESTION}: {exact(line.suggestion)}"
    return f"{text}  \n" + (f":orange[{marked}]" if colour else marked)


# The panel's heading for the step about to be saved; check your answers points to it by name (it sits beside the
# answers on a wide screen, below them on a narrow one).
ON_SAVE = "What to enter in CMS when you save this step"


def cms_panel(view: RunView, tick: Callable[[int, int, bool], None], *, saving: bool = True) -> None:
    """The current step's lines, then each saved step's lines with a "done in CMS" tick until all are ticked.
    `saving` False: the reader will not save this step (the run is someone else's to carry on now), so its lines are
    left out; what they saved earlier is still theirs to key in and tick."""
    cms, saved, run_id = view.cms, view.cms_saved, view.run_id
    if cms and saving:
        lines_under(ON_SAVE, cms)
    for item in saved:
        st.markdown(f"**Enter in CMS now** (saved at '{item.step_title}'); tick each line once it is done in CMS")
        for number, line in enumerate(item.lines):
            st.checkbox(
                # no colour mark in a tick box: its raw label is its accessible name, and the words say it all
                line_markdown(line, colour=False),
                value=number in item.done,
                key=f"cms:{run_id}:{item.index}:{number}",
                on_change=_on_tick,
                args=(tick, item.index, number, f"cms:{run_id}:{item.index}:{number}"),
                wrap=True,  # in a column Streamlit cuts a long label to one line: an instruction must be read whole
            )


def lines_under(heading: str, lines: Sequence[CmsLine], *, whole: Sequence[str] = ()) -> None:
    """CMS lines as a list under a bold heading: the step's lines here, and values already recorded (a closed SR's
    Sub Status and Resolution Code on the finish page and SR detail, services/recorded_cms.py) in the same words and
    marks; `whole`:
    the SR numbers in the heading, never broken across lines (`kept_whole`)."""
    st.markdown(f"**{kept_whole(md(heading), whole)}**", unsafe_allow_html=bool(whole))
    st.markdown("\n".join(f"- {line_markdown(line)}" for line in lines))


def _on_tick(tick: Callable[[int, int, bool], None], index: int, line: int, key: str) -> None:
    tick(index, line, bool(st.session_state.get(key)))
