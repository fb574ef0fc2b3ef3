"""The caseworker's procedures in progress, with Carry on: shown on Home and on My work."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from domain.clock import format_uk
from services.actor import Actor
from services.work import RunRow
from ui import a11y
from ui.text import kept_whole, md


def runs_in_progress(actor: Actor, runs: Sequence[RunRow]) -> None:
    st.header(f"Procedures in progress ({len(runs)})")
    if not runs:
        st.caption("You have no procedures in progress.")
    for run in runs:
        with st.container(border=True):
            text, button = st.columns([5, 1])
            on_sr = f" · SR {run.sr_number}" if run.sr_number else ""
            # The SR a P1 run was begun from, on a line of its own: two runs on one case read alike without it (QA)
            begun = f"Begun from {md(run.begun_from.words)}  \n" if run.begun_from else ""
            # When a run with no SR yet was started: its Carry on link's name says it too (two on one case, QA)
            started = f" · {run.started}" if run.started else ""
            line = f"**{run.procedure_id}** on case {run.scin}{on_sr}{started}  \n{begun}"
            line += f"At: {md(run.step_title)} · last saved {format_uk(run.updated_at)}"
            numbers = [run.begun_from.number] if run.begun_from else []
            # the SR number whole (ui.text.kept_whole: every piece of the line is escaped or our own)
            line = kept_whole(line, numbers)
            if actor.role == "caseworker":  # the Carry on link's name for this run, which ui/a11y.py gives it
                line += a11y.carry_on_name(run.carry_on)
            text.markdown(line, unsafe_allow_html=True)
            if actor.role == "caseworker":
                button.page_link("pages/wizard.py", label="Carry on", query_params={"run": run.id})
