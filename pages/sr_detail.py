"""One SR in full for a team leader: banner (with a link to the case's page), audit timeline, notes, activities,
letters, deadlines, files, related SRs and where its procedure runs stand. The SR id comes from the URL (?sr=...);
"&from=case" (a link on its case's page) makes "Back" go back to that case, where the reader may read it; "&back=..." (a
link from another SR's page: a related SR, the SR a run was begun from) makes it go back to that SR, one at a time
down the chain (ui/case_panels.py, `back_chain`), each where the reader may open it."""

from collections.abc import Sequence

import streamlit as st

import ui
from domain.clock import format_uk
from services.letter_contact import PRODUCED_WITHOUT_SHORT
from services.run_views import status_words
from services.sr_timeline import TimelineEntry
from services.sr_view import sr_full_view
from ui.case_panels import (
    CAME_FROM,
    FROM_CASE,
    back_chain,
    back_to_sr,
    deadlines_panel,
    emails_panel,
    files_panel,
    sr_from_sr,
)
from ui.cms_panel import lines_under
from ui.table_data import READ_IN_FULL, arrow_rows, moment_column, table_or_sentence
from ui.text import md

actor = ui.actor("team_leader", page="sr_detail")
ref = st.query_params.get("sr", "")
if not (ref.isascii() and ref.isdigit() and len(ref) < 12):
    st.title("Service request")
    st.error("Open a service request from the Outstanding SRs list.", icon=":material/block:")
    st.page_link("pages/outstanding.py", label="Back to Outstanding SRs")
    ui.stop()
query = st.query_params.to_dict()
ui.address_shows(query)  # a link from another SR's page left that SR's address in the browser
chain = back_chain(query)
view = ui.attempt(lambda: sr_full_view(actor, int(ref), came_from=chain[-1] if chain else None))
# Back to where it was opened from: the SR page that linked here (&back=...), or its case's page (&from=case), each
# when the reader may open it, else the list
from_case = query.get(CAME_FROM) == FROM_CASE
back_to_case = view.case.case_id if view is not None and view.opens_case and from_case else None
if view is not None and view.came_from is not None:
    back_to_case = None  # "Open the case" is offered below
    st.page_link(
        "pages/sr_detail.py",
        label=f"Back to SR {view.came_from.number}",
        icon=":material/arrow_back:",
        query_params=back_to_sr(query),
    )
elif back_to_case is not None:
    st.page_link(
        "pages/case.py",
        label="Back to the case",
        icon=":material/arrow_back:",
        query_params={"case": str(back_to_case)},
    )
else:
    st.page_link("pages/outstanding.py", label="Back to Outstanding SRs", icon=":material/arrow_back:")
if view is None:
    ui.stop()

ui.a11y.page_title(f"SR {view.number}")  # the tab names the SR, as the heading does
st.title(f"SR {view.number}")
st.markdown(
    f"**{md(view.label)}** · {md(view.status)} · "
    f"owner {md(view.owner or 'Unallocated')} · created {format_uk(view.created_at)}"
)
ui.case_banner(view.case)
# the case's page: its other SRs and its Contact Notes (not when another team holds the case; "Back" goes there already)
if view.opens_case and back_to_case is None:
    st.page_link(
        "pages/case.py",
        label="Open the case",
        icon=":material/folder_open:",
        query_params={"case": str(view.case.case_id)},
    )
if view.details:  # typed by caseworkers: shown in a table, never as markdown
    st.dataframe(
        [{"On the SR": label, "Value": value} for label, value in view.details], hide_index=True, placeholder=""
    )
# CMS values: the Sub Status and Resolution Code as the CMS panel gave them to the caseworker, never as plain values
# in the heading (services/recorded_cms.py)
in_cms = [line for line in (view.sub_status, view.resolution_code) if line is not None]
if in_cms:
    lines_under("In CMS", in_cms)
TABS = ["Timeline", "Notes", "Activities", "Letters", "Deadlines", "Emails", "Attachments", "Related SRs", "Procedure"]
tabs = st.tabs(TABS)


def show_timeline(entries: Sequence[TimelineEntry]) -> None:
    """Plain sentences, newest first; shown in a table (never as markdown: names and reasons are typed text). A long
    sentence is cut at the table's edge at 1366 px (QA): the page says how to read it whole."""
    if table_or_sentence(
        # The moment itself, shown as its day and time: a heading sort is in date order (as text "10 Dec" came before
        # "3 Dec"), and the time is not in the sentence, where it read as part of the name (QA, 7 December).
        arrow_rows([{"When": e.at, "What happened": e.text} for e in entries], moments=("When",)),
        "Nothing has happened on this SR yet.",
        width="stretch",
        # The moment takes what it needs, the sentence the rest of the 904 px a 1366 px screen gives the page.
        column_config={
            "When": moment_column(width=150),
            "What happened": st.column_config.TextColumn(width=750, help=READ_IN_FULL),
        },
    ):
        st.caption(READ_IN_FULL)


with tabs[0]:
    show_timeline(view.timeline)
with tabs[1]:
    if not view.notes:
        st.caption("No notes on this SR.")
    for n in view.notes:
        st.markdown(f"**{format_uk(n.at)}, {md(n.author or 'system')}**")
        st.text(n.text)
with tabs[2]:
    table_or_sentence(
        [
            {"Activity": a.name, "Mandatory": a.mandatory, "Done": a.done, "Outcome": a.outcome or ""}
            for a in view.activities
        ],
        "No activities on this SR.",
    )
with tabs[3]:
    lacking = any(x.without_contact for x in view.letters)
    table_or_sentence(
        arrow_rows(
            [
                {
                    "Letter": x.template_code,
                    "To": x.to,
                    "Status": x.where_it_stands,
                    "Produced": x.rendered_at,  # a moment: sorted as one, shown the UK way
                    # made with no way to contact us printed (stored when produced): said until it is sent
                    **({"Before it is sent": PRODUCED_WITHOUT_SHORT if x.without_contact else ""} if lacking else {}),
                }
                for x in view.letters
            ],
            moments=("Produced",),
        ),
        "No letters on this SR.",
        column_config={"Produced": moment_column()},
    )
with tabs[4]:
    deadlines_panel(view.deadlines, empty="No deadlines on this SR.", actor=actor)
with tabs[5]:
    emails_panel(view.emails, empty="No emails on this SR.")
with tabs[6]:
    files_panel(actor, view.attachments, empty="No files on this SR.")
with tabs[7]:
    for r in view.related:
        st.page_link(
            "pages/sr_detail.py",
            label=f"{r.number}: {r.label} ({r.status}, {r.relation})",
            query_params=sr_from_sr(r.id, view.id, query),  # its Back comes back here
        )
    if not view.related:
        st.caption("No related SRs.")
with tabs[8]:
    if not view.runs and not view.begun_runs:  # a run begun from it is listed below: it works the case, not this SR
        st.caption("No procedure run has worked on this SR yet.")
    for run in view.runs:
        st.markdown(
            f"**{run.procedure_id} {run.procedure_title}** ({status_words(run.status)}), by {md(run.started_by)}, "
            f"last saved {format_uk(run.updated_at)}. Current step: **{run.step_title}**"
        )
        if run.begun_from is not None:  # the complaint or appeal SR this P1 run gets information for
            st.page_link(
                "pages/sr_detail.py",
                label=f"Begun from {run.begun_from.words}",
                query_params=sr_from_sr(run.begun_from.sr_id, view.id, query),
            )
        if run.map_dot:
            st.graphviz_chart(run.map_dot)
    if view.begun_runs:  # P1 begun from this complaint or appeal SR: it records on an SR of its own
        st.subheader(f"Begun from this SR ({len(view.begun_runs)})")
    for begun in view.begun_runs:
        st.markdown(
            f"**{begun.procedure_id} {begun.procedure_title}** ({status_words(begun.status)}), begun by "
            f"{md(begun.started_by)}, last saved {format_uk(begun.updated_at)}. Current step: **{begun.step_title}**"
        )
        if begun.sr_id is not None:
            st.page_link(
                "pages/sr_detail.py",
                label=f"It records on SR {begun.sr_number} ({begun.sr_label}): its steps and map are there",
                query_params=sr_from_sr(begun.sr_id, view.id, query),
            )
        else:
            st.caption("It has not saved a step yet, so it records on no SR so far.")
