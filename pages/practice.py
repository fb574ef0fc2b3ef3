"""Practise a procedure: choose a scenario and rehearse it on a fictional case; see past practice and, for a
team leader, the team's practice record."""

from functools import partial

import streamlit as st

import ui
from procedures import registry
from services import practice, practice_record, practice_scenarios

actor = ui.actor("caseworker", "team_leader", page="practice")
st.title("Practise a procedure")
st.info(
    "Practice runs use a fictional case made for the run. Nothing is recorded on a real case or SR, no email "
    "is sent and no letter is stored. At the end you get a debrief.",
    icon=":material/school:",
)
scenarios = ui.attempt(partial(practice_scenarios.scenarios_for, actor)) or []
titles = {p.id: f"{p.id} {p.title}" for p in registry.latest()}
procedure_ids = sorted({s.procedure_id for s in scenarios}, key=lambda i: (len(i), i))
chosen = st.selectbox("Procedure", procedure_ids, format_func=titles.__getitem__, index=None)
if chosen:
    options = {s.key: s for s in scenarios if s.procedure_id == chosen}
    key = st.radio("Scenario", list(options), format_func=lambda k: options[k].title)
    if key:
        st.caption(options[key].summary)
        if st.button("Start practice", type="primary"):
            view = ui.attempt(partial(practice.start_practice, actor, key))
            if view is not None:
                st.switch_page("pages/practice_run.py", query_params={"practice": view.practice_id})

mine = ui.attempt(partial(practice_record.my_practice, actor)) or []
if mine:
    st.header("Your practice runs")
    for practice_id, title, status, passed in mine:
        outcome = "in progress" if status != "finished" else ("passed" if passed else "not passed yet")
        st.page_link("pages/practice_run.py", label=f"{title} ({outcome})", query_params={"practice": practice_id})

if actor.role == "team_leader":
    st.header("Practice record of your team")
    record = ui.attempt(partial(practice_record.practice_record, actor)) or []
    if record:
        st.table(  # a few rows of plain text: a table a screen reader (and a browser test) reads as text
            [
                {
                    "Caseworker": r.caseworker,
                    "Procedure": titles[r.procedure_id],
                    "Practised": r.practised,
                    "Passed": r.passed,
                }
                for r in record
            ]
        )
    else:
        st.caption("No caseworker of your team has finished a practice run yet.")
