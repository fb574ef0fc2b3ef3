"""My work: the procedures I have in progress and the SRs allocated to me."""

import streamlit as st

import ui
from domain.clock import format_uk
from services import runs
from services.work import my_work
from ui.notices import deadline_strip

actor = ui.actor("caseworker", "team_leader", page="my_work")
st.title("My work")
deadline_strip(actor)
work = ui.attempt(lambda: my_work(actor))
if work is None:
    st.stop()

st.subheader(f"Procedures in progress ({len(work.runs)})")
if not work.runs:
    st.caption("You have no procedures in progress.")
for run in work.runs:
    with st.container(border=True):
        text, button = st.columns([5, 1])
        on_sr = f" · SR {run.sr_number}" if run.sr_number else ""
        text.markdown(
            f"**{run.procedure_id}** on case {run.scin}{on_sr}  \n"
            f"At: {run.step_title} · last saved {format_uk(run.updated_at)}"
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
            "PV": "PV" if s.potentially_violent else "",
        }
        for s in work.service_requests
    ],
    hide_index=True,
    width="stretch",
)
# One option per (SR, procedure): a Magistrates Court SR can be worked by P5c (commitment) or P5d
# (liability order), so the caseworker chooses by what was asked for; the SR's Reason orders them.
workable = {
    f"{s.number}:{p.id}": (s, p) for s in work.service_requests for p in runs.procedures_for_sr(*s.catalogue, s.reason)
}
if actor.role == "caseworker" and workable:
    choice = st.selectbox(
        "Work an allocated SR",
        list(workable),
        index=None,
        format_func=lambda k: f"{workable[k][0].number}: {workable[k][1].id} {workable[k][1].title}",
        help="Some SRs can be worked by more than one procedure: choose the one for what the caseworker asked for.",
    )
    if choice:
        sr, info = workable[choice]
        st.caption(f"{info.id} starts when: {info.starts}")
        if st.button("Work this SR", type="primary"):
            view = ui.attempt(lambda: runs.start_run(actor, info.id, case_id=sr.case_id, sr_id=sr.id))
            if view is not None:
                st.switch_page("pages/wizard.py", query_params={"run": view.run_id})
