"""Outstanding SRs of the team leader's team."""

import streamlit as st

from domain.clock import format_uk
from pages import ui
from services.team import outstanding_srs

actor = ui.actor("team_leader", page="outstanding")
st.title("Outstanding SRs")
rows = ui.attempt(lambda: outstanding_srs(actor))
if rows is not None:
    st.caption(f"{len(rows)} service requests not yet closed in your team")
    st.dataframe(
        [
            {
                "SR": r.number,
                "SCIN": r.scin,
                "Type": r.label,
                "Status": r.status,
                "Owner": r.owner or "Unallocated",
                "Created": format_uk(r.created_at),
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
