"""The task list of a long procedure, drawn as one small table above the step (procedures/task_lists.py)."""

from __future__ import annotations

import streamlit as st

from procedures.task_lists import Status, has_task_list, task_list
from services.run_views import RunView


def task_list_table(view: RunView) -> None:
    """Each section and its status; the section the run is at is in bold. Nothing for a short procedure."""
    if not has_task_list(view.procedure_id):
        return
    finished = view.status == "finished"
    saved = [step for step, _title in view.history]
    rows = []
    for section in task_list(view.procedure_id, saved, view.step.id, finished=finished):
        current = section.status in (Status.IN_PROGRESS, Status.WAITING)
        title, label = (f"**{section.title}**", f"**{section.label}**") if current else (section.title, section.label)
        rows.append(f"| {title} | {label} |")
    st.markdown("| Task | Status |\n|---|---|\n" + "\n".join(rows))
