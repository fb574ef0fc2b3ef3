"""My work: the SRs allocated to me and the procedures I have in progress."""

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
        st.write(
            f"{run.procedure_id} on case {run.scin} — at step {run.state} — last saved {format_uk(run.updated_at)}"
        )
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
