"""My work: the procedures I have in progress and the SRs allocated to me."""

import streamlit as st

from domain.clock import format_uk
from pages import ui
from services.work import my_work

actor = ui.actor("caseworker", "team_leader", page="my_work")
st.title("My work")
work = ui.attempt(lambda: my_work(actor))
if work is not None:
    st.subheader(f"Procedures in progress ({len(work.runs)})")
    if not work.runs:
        st.caption("You have no procedures in progress.")
    for run in work.runs:
        with st.container(border=True):
            text, button = st.columns([5, 1])
            text.markdown(
                f"**{run.procedure_id}** on case {run.scin}"
                + (f" · SR {run.sr_number}" if run.sr_number else "")
                + f"  \nAt: {run.step_title} · last saved {format_uk(run.updated_at)}"
            )
            if actor.role == "caseworker":
                button.page_link("pages/wizard.py", label="Carry on", query_params={"run": run.id})
    st.subheader(f"Service requests allocated to you ({len(work.service_requests)})")
    st.dataframe(
        [
            {
                "SR": s.number,
                "SCIN": s.scin,
                "Type": s.label,
                "Status": s.status,
                "Created": format_uk(s.created_at),
                "PV": "⚠️" if s.potentially_violent else "",
            }
            for s in work.service_requests
        ],
        hide_index=True,
        width="stretch",
    )
