"""Home: what is mine today (deadlines, tasks, SRs waiting on me, runs in progress), or where to go by role."""

from functools import partial

import streamlit as st

import ui
from domain.clock import format_uk
from services.my_day import my_day
from services.work import complete_task
from ui.notices import deadline_strip
from ui.runs_list import runs_in_progress
from ui.table_data import READ_IN_FULL, arrow_rows, moment_column
from ui.text import md

actor = ui.actor()
NEXT_STEP = {
    "team_leader": "Open **Outstanding SRs** to see what is overdue in your team, who is stuck, and what to reassign.",
    "policy": "Open **Letter preview** to see every letter and form with fictional sample data.",
    "admin": "Open **Users** to add people, set roles and teams, and deactivate accounts.",
}
st.title(f"Welcome, {md(actor.display_name)}")
deadline_strip(actor)
if actor.role in NEXT_STEP:
    st.write(NEXT_STEP[actor.role])
if not actor.works_cases:
    ui.stop()

day = ui.attempt(partial(my_day, actor))
if day is None:
    ui.stop()
if actor.role == "caseworker":
    st.page_link("pages/start.py", label="Find a case", icon=":material/search:")

st.header(f"Deadlines due or overdue on your own SRs ({day.deadlines_total})")  # the strip above: whose it is
if day.deadlines:
    overdue = f"{day.overdue_total} overdue. " if day.overdue_total else ""
    shown = f"The {len(day.deadlines)} soonest are listed." if day.deadlines_total > len(day.deadlines) else ""
    st.caption(f"On your service requests, due within 7 days. {overdue}{shown}")
    st.dataframe(
        arrow_rows(
            [
                {
                    "Due": d.due_at,  # a moment, sorted as one (as text, "10 Dec" came before "3 Dec")
                    "Status": "Overdue" if d.overdue else "Due",
                    "What": d.what,
                    "SR": d.sr_number,
                    "SCIN": d.scin,
                    "How it was worked out": d.explanation,
                }
                for d in day.deadlines
            ],
            moments=("Due",),
        ),
        hide_index=True,
        width="stretch",
        placeholder="",
        # The explanation runs past the screen's edge at 1366 px (QA): said how to read it whole, as the console says.
        column_config={"Due": moment_column(), "How it was worked out": st.column_config.TextColumn(help=READ_IN_FULL)},
    )
    st.caption(READ_IN_FULL)
else:
    st.caption("Nothing is due on your service requests in the next 7 days.")

st.header(f"Tasks for you ({len(day.tasks)})")
if not day.tasks:
    st.caption("You have no open tasks or messages.")
for task in day.tasks:
    with st.container(border=True):
        text, button = st.columns([5, 1])
        where = " · ".join(part for part in (f"SR {task.sr_number}" if task.sr_number else "", task.scin or "") if part)
        kind = "Message" if task.kind == "message" else "Task"
        text.caption(f"{kind}{' for your team' if task.for_team else ''} · {format_uk(task.created_at)} · {where}")
        text.text(task.text)
        if button.button("Mark as done", key=f"task:{task.id}"):
            if ui.attempt(partial(complete_task, actor, task.id)) is not None:
                st.rerun()

st.header(f"Service requests waiting on you ({day.waiting_total})")
if day.waiting:
    listed = f"The oldest {len(day.waiting)} are listed; open" if day.waiting_total > len(day.waiting) else "Open"
    st.caption(f"Allocated to you, with no procedure in progress on them. {listed} My work to work them.")
    st.dataframe(
        arrow_rows(
            [
                {"SR": s.number, "SCIN": s.scin, "Type": s.label, "Status": s.status, "Created": s.created_at}
                for s in day.waiting
            ],
            moments=("Created",),
        ),
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config={"Created": moment_column()},
    )
    st.page_link("pages/my_work.py", label="Work them from My work", icon=":material/inbox:")
else:
    st.caption("No service request is waiting on you.")

runs_in_progress(actor, day.runs)
