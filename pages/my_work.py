"""My work: the procedures I have in progress, my tasks, and every SR allocated to me, a page at a time.

The SRs' grid fits a 1024 px window without a sideways scroll (QA, ninth session: Created and "Worked by" were off to
the right). There the grid has about 563 px: SR, PV, SCIN, Created and "Worked by" need 400 of them even with
"Worked by" over two lines, which left Type, up to 362 px on one line, about 160. So rows are three lines tall and Type
and "Worked by" wrap in them (Streamlit's grid wraps text only in rows over 64 px), and the Status column is left out:
an SR listed here is open, and the Status (Open or In Progress) is on the SR's page; with it Type had 95 px, five or
six lines. Each column's width is the least it needs at 1024 px; a wider window shares the rest out among the columns
(at 1366 px Type takes at most two lines). One Type needs four lines at 1024 px, "Transition / Set Up/Amend Residual
Arrears / Set Up Legacy LO" (P3's legacy liability order SR), its last word cut; the caption says how to read a cell in
full. Fitting it would need 8 px more than the other columns can give.
"""

from functools import partial

import streamlit as st

import ui
from services import run_start
from services.sr_work import why_not_here
from services.work import PAGE_SIZE, Cursor, MyWork, my_work
from ui.notices import deadline_strip
from ui.runs_list import runs_in_progress
from ui.table_data import READ_IN_FULL, arrow_rows, day_column, table_or_sentence
from ui.tasks_list import tasks_for_you

# The grid's layout: see the module docstring. Widths are the text (Source Sans 14 px) plus the cell's 16 px padding.
ROW_HEIGHT = 65  # three lines; Streamlit allows wrapping only above 64 px
COLUMNS = {
    "SR": st.column_config.TextColumn(width=84),  # "1-00000021" whole: a narrower column would break it at its hyphen
    "PV": st.column_config.TextColumn(width=50),  # the grid's least
    "SCIN": st.column_config.TextColumn(width=99),
    "Type": st.column_config.TextColumn(width=164),  # every Type in three lines but one (docstring)
    "Created": day_column(width=86),
    "Worked by": st.column_config.TextColumn(width=78),  # its heading; "P1, begun from it" in two lines
}


def _worked_by(mine: MyWork, sr_id: int) -> str:
    """The procedures that work the SR; the one in progress on it, or begun from it, said to be."""
    on = mine.running.get(sr_id)
    if on is not None:
        return f"{on.procedure_id}, in progress"
    if begun := mine.begun_here.get(sr_id):
        return f"{', '.join(begun)}, begun from it"  # a run in progress: the full words were cut at 1366 px
    return ", ".join(w.procedure_id for w in mine.ways.get(sr_id, [])) or "CMS only"


actor = ui.actor("caseworker", "team_leader", page="my_work")
st.title("My work")
deadline_strip(actor)
# Keyset paging: the cursors of the pages seen so far, so Previous goes back exactly one page.
cursors: list[Cursor | None] = st.session_state.setdefault("my_work_cursors", [None])
work = ui.attempt(partial(my_work, actor, after=cursors[-1]))
if work is None:
    ui.stop()

runs_in_progress(actor, work.runs)

tasks_for_you(actor, work.tasks)

st.header(f"Service requests allocated to you ({work.total:,})")
first = (len(cursors) - 1) * PAGE_SIZE + 1 if work.service_requests else 0
shown = f"Showing {first:,} to {first + len(work.service_requests) - 1:,} of {work.total:,}, oldest first."
if work.total:
    st.caption(shown)
    st.caption(READ_IN_FULL)  # a long Type is cut at 1024 px (module docstring)

table_or_sentence(
    arrow_rows(
        [
            {
                "SR": s.number,
                # Beside the SR: at 1024 px the grid shows SR, SCIN, Type and half of Status, and the marker a new
                # caseworker most needs before any contact was off to the right (QA, eighth session)
                "PV": "PV" if s.potentially_violent else "",
                "SCIN": s.scin,
                "Type": s.label,
                "Created": s.created_at,  # its day only (the full time cut "Worked by" off), sorted as a day
                # No procedure here works it: said in words, not "None" (the list under the chooser says why)
                "Worked by": _worked_by(work, s.id),
            }
            for s in work.service_requests
        ],
        days=("Created",),
    ),
    "No service requests are allocated to you.",
    width="stretch",
    height="content",  # every row of the page in full: at the default height the last one showed half hidden (QA)
    row_height=ROW_HEIGHT,
    column_config=COLUMNS,
)
previous, _, following = st.columns([1, 3, 1])
if len(cursors) > 1 and previous.button("Previous page"):
    cursors.pop()
    st.rerun()
if work.next_cursor is not None and following.button("Next page"):
    cursors.append(work.next_cursor)
    st.rerun()

if actor.role != "caseworker" or not work.service_requests:
    ui.stop()
# One option per (SR, procedure) that may be started now: a Magistrates Court SR can be worked by P5c
# (commitment) or P5d (liability order), so the caseworker chooses by what was asked for; the SR's Reason
# orders them. An SR no procedure can work now is listed below with why, never left out silently.
workable = {
    f"{s.number}:{w.procedure_id}": (s, w) for s in work.service_requests for w in work.ways[s.id] if not w.why_not
}
choice = None
if workable:  # an empty chooser would be drawn disabled, in grey: the SRs below say why none can be worked
    choice = st.selectbox(
        "Work an allocated SR",
        list(workable),
        index=None,
        format_func=lambda k: f"{workable[k][0].number}: {workable[k][1].procedure_id} {workable[k][1].title}",
        help="The SRs on this page. Some can be worked by more than one procedure: choose by what was asked for.",
    )
if choice:
    sr, way = workable[choice]
    # A run already in progress on the SR is what the button opens (run_start.start_run resumes it, whoever started
    # it): said so, and the button says Continue (QA: it offered "Work this SR" as if nothing had been started).
    running = work.running.get(sr.id)
    if running is not None and way.on_sr and running.procedure_id == way.procedure_id:
        st.caption(f"{running.in_progress}.")
        st.caption(f"{way.procedure_id} {way.how}. Continue carries on this run where it was left: no new one starts.")
    else:
        running = None
        st.caption(f"{way.procedure_id} starts when: {way.starts}")
        st.caption(f"{way.procedure_id} {way.how}.")
        if way.caution:
            st.warning(way.caution, icon=":material/warning:")
    # One key whatever the label: the button keeps its identity (and its state) when it reads Continue.
    if st.button("Continue" if running else "Work this SR", type="primary", key="work_sr"):
        start = partial(run_start.start_run, actor, way.procedure_id, case_id=sr.case_id)
        # Worked from its case (P1 on a complaint or appeal SR): the run keeps this SR as the one it was begun from.
        view = ui.attempt(partial(start, sr_id=sr.id) if way.on_sr else partial(start, begun_from=sr.id))
        if view is not None:
            st.switch_page("pages/wizard.py", query_params={"run": view.run_id})
blocked = [(s, work.ways[s.id]) for s in work.service_requests if not any(not w.why_not for w in work.ways[s.id])]
if blocked:
    with st.expander(f"SRs on this page that cannot be worked here now ({len(blocked)})"):
        for s, ways in blocked:
            st.markdown(f"**{s.number}** {s.label} (case {s.scin})")
            st.caption(why_not_here(ways))
