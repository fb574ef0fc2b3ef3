"""Start a procedure: find one of the team's cases, read where it stands (its open SRs and Contact Notes), start what
may be started on it now."""

from functools import partial

import streamlit as st

import ui
from services import run_start
from services.case_finder import case_card, example_scin, find_cases
from services.contact_notes import case_contact_notes
from ui.case_panels import contact_notes_panel
from ui.table_data import arrow_rows

actor = ui.actor("caseworker", page="start")
st.title("Start a procedure")
example = example_scin(actor)
query = st.text_input(
    "Find a case",
    max_chars=60,
    placeholder="A SCIN, an SR number or part of a parent's name",  # in sight, not only behind the help icon
    help="A SCIN (12 digits"
    + (f", for example {example}" if example else "")
    + "), an SR number (for example 1-00000042) or part of a parent's name. Only your team's cases are found.",
)
found = ui.attempt(partial(find_cases, actor, query)) if query else None
case_id = None
if found is not None:
    if not found.matches:
        st.info("No case of your team matches that. Check the SCIN, SR number or name.")
    elif len(found.matches) == 1:
        case_id = found.matches[0].case_id
    else:
        labels = {
            m.case_id: f"{m.scin}: {m.receiving_parent} and {m.paying_parent} ({m.scheme})"
            + (" · PV" if m.potentially_violent else "")
            for m in found.matches
        }
        st.caption(
            f"{len(found.matches)} cases match"
            + (": more than that match, so type more of the name to narrow the search." if found.more else ".")
        )
        case_id = st.selectbox("Which case?", list(labels), format_func=labels.__getitem__, index=None)

card = ui.attempt(partial(case_card, actor, case_id)) if case_id is not None else None
if card is not None:
    ui.case_banner(card.banner)
    st.header(f"Open service requests on this case ({len(card.open_srs)})")
    if card.open_srs:
        st.dataframe(
            arrow_rows(
                [
                    {"SR": s.number, "Type": s.label, "Status": s.status, "Owner": s.owner or "Not allocated"}
                    for s in card.open_srs
                ]
            ),
            hide_index=True,
            width="stretch",
            placeholder="",
        )
    else:
        st.caption("This case has no open service requests.")
    notes = ui.attempt(partial(case_contact_notes, actor, card.banner.case_id))
    if notes is not None:
        contact_notes_panel(notes)
    st.header("Which procedure?")
    for info in card.procedures:
        with st.container(border=True):
            st.markdown(f"**{info.id} {info.title}**  \nStarts when: {info.starts}")
            if running := card.in_progress_note(info.id):
                st.info(running, icon=":material/pending_actions:")
            if info.can_start:
                if st.button(f"Start {info.id}", key=f"start:{info.id}"):
                    view = ui.attempt(partial(run_start.start_run, actor, info.id, case_id=card.banner.case_id))
                    if view is not None:
                        st.switch_page("pages/wizard.py", query_params={"run": view.run_id})
            else:
                st.warning(f"You cannot start {info.id} on this case now. {info.why_not}", icon=":material/block:")
    if card.other_team_procedures:
        st.caption(card.other_team_procedures)
