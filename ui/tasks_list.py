"""The caseworker's open tasks and messages, each with Mark as done: shown on Home and on My work."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

import ui
from services.actor import Actor
from services.work import TaskRow, complete_task


def tasks_for_you(actor: Actor, tasks: Sequence[TaskRow]) -> None:
    st.header(f"Tasks for you ({len(tasks)})")
    if not tasks:
        st.caption("You have no open tasks or messages.")
    for task in tasks:
        with st.container(border=True):  # the button under the text: beside it, a sixth of 1024 px cut it to "Mark a…"
            st.caption(task.heading)
            st.text(task.text)
            if st.button("Mark as done", key=f"task:{task.id}"):
                if ui.attempt(partial(complete_task, actor, task.id)) is not None:
                    st.rerun()
