"""The practice debrief: the path against the expected one, differences with guidance, errors, times, CMS."""

from __future__ import annotations

from functools import partial

import streamlit as st

from services import practice_debrief
from services.actor import Actor
from ui import attempt
from ui.table_data import arrow_rows
from ui.text import md


def debrief_panel(actor: Actor, practice_id: str) -> None:
    report = attempt(lambda: practice_debrief.debrief(actor, practice_id))
    if report is None:
        return
    st.header("Debrief")
    if report.passed:
        st.success("**Passed.** You took the path the procedure expects and would have keyed the same CMS values.")
    else:
        st.warning("**Not passed yet.** Read what differed below, then practise the scenario again.")
    path, expected = st.columns(2)
    path.markdown("**The path you took**\n\n" + "\n".join(f"1. {md(t)}" for t in report.taken))
    expected.markdown("**The path the procedure expects**\n\n" + "\n".join(f"1. {md(t)}" for t in report.expected))
    st.header(f"Answers that differed ({len(report.differences)})")
    for d in report.differences:
        with st.container(border=True):
            st.markdown(f"**{md(d.step_title)}: {md(d.label)}**  \nYou: {md(d.given)}  \nExpected: {md(d.expected)}")
            st.caption(d.guidance)
    if report.not_marked:
        st.markdown(
            "**Not marked:** the published procedures give no value for these, so no answer is expected. Choose "
            "the value your team uses.\n\n"
            + "\n".join(f"- {md(d.step_title)}: {md(d.label)}: you chose {md(d.given)}" for d in report.not_marked)
        )
    st.header(f"Problems you were shown ({len(report.validation_errors)})")
    for step, message in report.validation_errors:
        st.markdown(f"- {md(step)}: {md(message)}")
    st.markdown(f"**Back used** {report.backs} times · **Change used** {report.changes} times")
    if report.seconds_per_step:
        st.dataframe(
            arrow_rows([{"Step": s, "Seconds": t} for s, t in report.seconds_per_step]), hide_index=True, placeholder=""
        )
    st.header("What you would have keyed into CMS")
    st.markdown("\n".join(f"- {md(line)}" for line in report.cms_lines) or "Nothing.")
    st.header("What would have been sent")
    st.markdown("\n".join(f"- {md(item)}" for item in report.would_send) or "Nothing.")
    for index, label in report.letters:
        letter = attempt(partial(practice_debrief.practice_letter, actor, practice_id, index))
        if letter is not None:
            st.download_button(
                f"Download {label} (PRACTICE)",
                letter.content,
                file_name=letter.file_name,
                mime=letter.media_type,
                key=f"pletter:{practice_id}:{index}",
            )
