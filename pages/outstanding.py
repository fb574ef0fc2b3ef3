"""Team leader console: the team's outstanding SRs (filters, counts, ageing, one page at a time),
deadlines, stuck runs, reassignment, hand-over to another team and the CSV export. Everything is worked out in
services.console."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import altair as alt
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import ui
from domain.clock import format_uk
from services import console, sr_view
from services.console import ConsoleFilter
from services.errors import ValidationFailed
from ui.download_owners import issued
from ui.notices import recount
from ui.table_data import READ_IN_FULL, arrow_rows, day_column, moment_column, table_or_sentence
from ui.table_ticks import ShownRow, ShownTable, redrawn
from ui.text import md
from ui.text_box import text_box

T = TypeVar("T")

actor = ui.actor("team_leader", page="outstanding")
st.title("Outstanding SRs")
members = ui.attempt(lambda: console.team_members(actor)) or []
# A deactivated member stays in the owner filter, marked, so a leaver's SRs can be listed and handed on.
owners = {"Anyone": None, "Unallocated": console.UNALLOCATED} | {
    m.display_name if m.active else f"{m.display_name} (deactivated)": m.id for m in members
}
YES_NO = {"Any": None, "Yes": True, "No": False}
# The tables' columns fit 1366 px, so the longest Types and "How worked out" are cut at the end (QA): READ_IN_FULL is
# said beside each table. Not wrapped rows: an explanation runs to seven lines at 200 px, and rows that tall would show
# a few SRs at a time.
# Overdue in words, as the deadlines table below says it: a column of tick boxes beside the row selection's own tick
# boxes read as a second selection (QA). A text column sorts the overdue SRs together.
OVERDUE = "OVERDUE"
NEXT_DUE_HELP = (
    "The day of the soonest open deadline. Sorted soonest first, the SRs with nothing due come first: the deadlines "
    "list below is soonest first across every page."
)
DUE = {"Any": None, "Overdue": "overdue", f"Due in the next {console.DUE_SOON_DAYS} days": "due_soon"}

with st.expander("Filters", expanded=True):
    # Three rows, so the two choosers of long names get a list wide enough to read them whole (QA: "P1 CSA Information
    # Requi..."; a list is as wide as its box) while Owner and Status keep the width they had in a row of four at 1366
    # px: a unit of width is the same in each row, 4.4 of them. Status is 1.4: its two default chips side by side.
    top = st.columns([1, 2, 1.4])
    owner = top[0].selectbox("Owner", list(owners), key="f_owner")
    names = console.procedure_names()  # "P4 Manage Client Arrears", as Insight heads it: not the code alone (QA)
    procedure = top[1].selectbox(
        "Procedure", ["Any", *console.procedure_entries()], key="f_proc", format_func=lambda p: names.get(p, p)
    )
    statuses = top[2].multiselect(
        "Status", ["Open", "In Progress", "Closed"], default=console.OPEN_STATUSES, key="f_st"
    )
    kind = st.columns([2.4, 1, 1])
    label = kind[0].selectbox("Process / Area / Sub Area", ["Any", *console.catalogue_labels()], key="f_label")
    pv = kind[1].selectbox("PV-marked", list(YES_NO), key="f_pv")
    sensitive = kind[2].selectbox("Sensitive", list(YES_NO), key="f_sens")
    low = st.columns(4)
    min_age = low[0].number_input(console.AGE_LABELS["min_age_days"], min_value=0, value=None, step=1, key="f_min")
    max_age = low[1].number_input(console.AGE_LABELS["max_age_days"], min_value=0, value=None, step=1, key="f_max")
    due = low[2].selectbox("Due or overdue", list(DUE), key="f_due")
filters = ConsoleFilter(
    owner_id=owners[owner],
    procedure=None if procedure == "Any" else procedure,
    catalogue_label=None if label == "Any" else label,
    statuses=tuple(statuses),  # none chosen: every status (services/console/filters.py), as the field shows
    min_age_days=None if min_age is None else int(min_age),
    max_age_days=None if max_age is None else int(max_age),
    potentially_violent=YES_NO[pv],
    sensitive=YES_NO[sensitive],
    due=DUE[due],
)
if not statuses:
    top[2].caption("No status chosen: SRs of every status are listed, Closed included.")
if problems := filters.problems():  # each at its field, and in the summary; the list is not read
    for column, field in ((low[0], "min_age_days"), (low[1], "max_age_days")):
        with column:
            ui.field_error(problems, field)
    ui.error_summary(problems)
    ui.stop()
if st.session_state.get("console_filters") != filters:  # new filters: back to the first page
    st.session_state["console_filters"], st.session_state["console_pages"] = filters, [None]
cursors = st.session_state["console_pages"]
# The table as the browser shows it, and the rows ticked in it: a reassignment acts on the SRs the team leader
# ticked, at the versions they saw, whatever a fresh read finds in those positions now (ui/table_ticks.py).
drawn_before: ShownTable | None = st.session_state.get("console_drawn")
ticked = drawn_before.ticked(st.session_state.get(drawn_before.key)) if drawn_before else []
# Everything below the filters in one read (one check of the signed-in user, one moment).
view = ui.attempt(lambda: console.overview(actor, filters, after=cursors[-1]))
if view is None:
    ui.stop()
counts, page = view.counts, view.page

st.caption(f"{counts.total:,} service request{' matches' if counts.total == 1 else 's match'}")
if counts.total:  # with no match, the count above says it all: three empty grids said nothing more (QA)
    cols = st.columns(3)
    groups = (("By status", counts.by_status), ("By owner", counts.by_owner), ("By procedure", counts.by_procedure))
    for col, (title, data) in zip(cols, groups, strict=True):
        col.markdown(f"**{title}**")
        rows = arrow_rows([{title[3:].capitalize(): k, "SRs": v} for k, v in data.items()])
        col.dataframe(rows, hide_index=True, width="stretch", placeholder="")
    cols[2].caption("Each SR once, under the procedure that works SRs of its kind.")
ages = view.ageing
if ages:
    bands = [b[2] for b in console.AGE_BANDS]
    st.markdown("**Age of the matching SRs**")
    # The Vega-Lite spec Altair made for this chart, written out: Altair built and validated it on every
    # rerun (about 100 ms at load average 11 on 2 cores, against 3 ms for this). Counts of SRs: whole ticks.
    bars = {
        "$schema": alt.SCHEMA_URL,
        "mark": {"type": "bar"},
        "encoding": {
            # Every band on the axis, an empty one too (QA: empty bands were dropped, hiding that none are that old)
            "x": {"field": "Age", "type": "nominal", "sort": bands, "scale": {"domain": bands}},
            "y": {"field": "SRs", "type": "quantitative", "axis": {"format": "d", "tickMinStep": 1}},
            "color": {"field": "Status", "type": "nominal"},
        },
    }
    # A fixed height: drawn later than the rest, a growing chart moved the page under the pointer.
    data = arrow_rows([{"Age": b, "Status": s, "SRs": n} for b, s, n in ages])
    st.vega_lite_chart(data, bars, width="stretch", height=300)

# Which page of how many, and which SRs, in My work's words (QA: "Page 2" said neither).
pages = max(1, -(-counts.total // console.PAGE_SIZE))
first = (len(cursors) - 1) * console.PAGE_SIZE + 1
st.header(f"Page {len(cursors)} of {pages}")
# Eleven columns did not fit 1366 px (QA): the case's markers are one column, in the case banner's words, and the
# procedures that work each SR are named in "Open an SR" below (and counted under "By procedure") instead.
table = [
    {
        "SR": r.number, "SCIN": r.scin, "Type": r.label, "Status": r.status,
        "Owner": r.owner or "Unallocated", "Age (days)": r.age_days, "Next due": r.next_due,
        "Overdue": OVERDUE if r.overdue else "",
        "Markers": ", ".join(m for m, on in (("PV", r.potentially_violent), ("Sensitive", r.sensitive)) if on),
    }
    for r in page.rows
]  # fmt: skip
drawn = redrawn(
    drawn_before,
    [ShownRow(r.number, r.id, r.version) for r in page.rows],
    "console_table",
    clear=bool(st.session_state.pop("console_clear", False)),
)
st.session_state["console_drawn"] = drawn
if drawn_before is None or drawn.key != drawn_before.key:
    ticked_now: list[ShownRow] = []  # a new table: the browser shows it without ticks
else:
    ticked_now = ticked
if not table:
    st.caption("No service requests match these filters.")
else:
    st.dataframe(
        arrow_rows(table, days=("Next due",)),
        hide_index=True,
        width="stretch",
        key=drawn.key,
        on_select="rerun",
        selection_mode="multi-row",
        # Widths in pixels that add up to the table's width at 1366 px (904 px beside the sidebar, 33 of them the
        # tick boxes), so it needs no sideways scrolling (QA): each column as wide as its longest value, Type the rest.
        # Owner fits a name of about 20 characters ("Demo SSST Caseworker" was cut at 120 px, QA); Type gave way.
        # Markers fits both markers, "PV, Sensitive" (cut at 72 px, QA, seventh session): Type gave 16 px more.
        column_config={
            "SR": st.column_config.TextColumn(width=84),
            "SCIN": st.column_config.TextColumn(width=104),
            "Type": st.column_config.TextColumn(width=144, help=f"Process / Area / Sub Area. {READ_IN_FULL}"),
            "Status": st.column_config.TextColumn(width=82),
            "Owner": st.column_config.TextColumn(width=160),
            "Age (days)": st.column_config.NumberColumn("Age", format="%d", width=42, help="Days since created"),
            # The grid sorts an empty cell first (soonest first, the SRs with nothing due come before the rest; QA):
            # it cannot be told otherwise for a date column, so its help says so and where the soonest are listed.
            "Next due": day_column(width=88, help=NEXT_DUE_HELP),
            "Overdue": st.column_config.TextColumn(width=78, help="An open deadline on the SR has passed"),
            "Markers": st.column_config.TextColumn(
                width=88, help="PV: a potentially violent marker on the case. Sensitive: a sensitive case."
            ),
        },
        placeholder="",
    )
    # Keyset paging serves one order (services/console/queries.py): say what a heading click does and does not do.
    st.caption(
        f"Showing {first} to {first + len(table) - 1} of {counts.total:,}. Oldest first, {console.PAGE_SIZE} to a "
        "page. Sorting by a column heading reorders only the SRs on this "
        f"page: to find SRs across every page, use the filters above. {READ_IN_FULL}"
    )
nav = st.columns([1, 1, 4])
if len(cursors) > 1 and nav[0].button("Previous page"):
    cursors.pop()
    st.rerun()
if page.next_cursor is not None and nav[1].button("Next page"):
    cursors.append(page.next_cursor)
    st.rerun()
by_number = {r.number: r for r in page.rows}


def _worked_by(row: console.ConsoleRow) -> str:
    return f" (worked by {', '.join(row.procedures)})" if row.procedures else ""


opened = None
if by_number:  # an empty chooser would be drawn disabled, in grey, with nothing to choose
    opened = st.selectbox(
        "Open an SR",
        list(by_number),
        index=None,
        key="open_sr",
        format_func=lambda n: f"{n}: case {by_number[n].scin}, {by_number[n].label}{_worked_by(by_number[n])}",
    )
if opened and st.button("Open SR detail"):
    st.switch_page("pages/sr_detail.py", query_params={"sr": str(by_number[opened].id)})
# An SR given by its number (a stuck run's, a caseworker's question), wherever it is in the list.
typed = text_box(
    "Open an SR by its number",
    placeholder="For example 1-00000042",
    key="open_sr_number",
    help="Any SR of your team, whatever page of the list it is on. Press Enter to open it.",
)
if typed:
    sr_id = ui.attempt(partial(sr_view.sr_id_by_number, actor, typed))
    if sr_id is not None:
        st.switch_page("pages/sr_detail.py", query_params={"sr": str(sr_id)})

if st.session_state.pop("reassign_reset", False):
    # Emptied by setting the values before the widgets are made: a key popped after them left the browser showing
    # the last owner and reason (QA in Chromium), ready to be sent again with the next reassignment.
    st.session_state["reassign_owner"], st.session_state["reassign_reason"] = None, ""


def _reassign(new_owner: str | None, reason: str, at_fields: dict[str, DeltaGenerator]) -> console.Reassigned | None:
    """The rows ticked when Reassign was pressed: on a table this run redrew with other rows, still those the team
    leader chose (the version check refuses any of them changed since), never what moved into their place. A refusal
    is said at each field it concerns and in the summary above the form (QA: only a box below the button said it)."""
    try:
        return console.reassign(
            actor,
            [r.id for r in ticked],
            owners.get(new_owner or "", -1) or -1,
            reason,
            expected_versions={r.id: r.version for r in ticked},
        )
    except ValidationFailed as exc:
        ui.refusal_at_fields(exc.errors, summary, at_fields)
        return None


# With no SR on the page there is nothing to tick: no form asks for ticks in a table that is not there (QA).
summary = st.container()  # a refusal's summary, above the form (GOV.UK)
if table:
    with st.form("reassign"):
        st.markdown("**Reassign the selected service requests**")
        if ticked_now:
            st.caption(f"Selected in the table: {', '.join(r.number for r in ticked_now)}")
        else:
            st.caption("Tick the rows to reassign in the table above.")
        at_fields = {"sr_ids": st.empty()}
        caseworkers = [m.display_name for m in members if m.role == "caseworker" and m.active]
        new_owner = st.selectbox("New owner", caseworkers, index=None, key="reassign_owner")
        at_fields["new_owner"] = st.empty()
        reason = text_box("Reason for reassigning", key="reassign_reason")
        at_fields["reason"] = st.empty()
        if st.form_submit_button("Reassign") and (done := ui.attempt(lambda: _reassign(new_owner, reason, at_fields))):
            st.session_state["flash_console"] = done.said
            st.session_state["flash_console_caution"] = done.caution
            recount()  # the moved SRs' deadlines were told now: the sidebar's count reads them afresh
            st.session_state["console_clear"] = True  # the next table starts without ticks
            st.session_state["reassign_reset"] = True  # and the form empty, for the next reassignment
            st.rerun()
# Names and a typed reason are in these sentences: escaped (ui.text.md), shown as typed, never as markdown. An SR number
# in them is kept whole on its line by the app's script (ui/a11y.py): an alert takes no HTML.
if msg := st.session_state.pop("flash_console", None):
    st.success(md(msg))
if caution := st.session_state.pop("flash_console_caution", None):
    st.warning(md(caution), icon=":material/warning:")

# Hand over to another team: the ticked SRs go to another team's unallocated SRs, with a reason, once the team leader
# has read what it does and confirmed it (services/console/handover.py decides everything; the page asks twice).
if st.session_state.pop("handover_reset", False):  # emptied before the widgets are made, as the reassign form is
    st.session_state["handover_team"], st.session_state["handover_reason"] = None, ""


@dataclass(frozen=True, slots=True)
class HandOverAsked:
    """What the hand-over form asked, kept from the check to the confirmation: the SRs ticked at the versions shown."""

    sr_ids: tuple[int, ...]
    team_id: int
    reason: str
    expected_versions: dict[int, int]

    def call(self, service: Callable[..., console.HandOver]) -> console.HandOver:
        return service(actor, self.sr_ids, self.team_id, self.reason, expected_versions=self.expected_versions)


def _at_fields(call: Callable[[], T], at_fields: dict[str, DeltaGenerator]) -> T | None:
    """A hand-over's refusal at each field it concerns and in the summary above its form (as a reassignment's)."""
    try:
        return call()
    except ValidationFailed as exc:
        ui.refusal_at_fields(exc.errors, handover_summary, at_fields)
        return None


# The teams to hand over to, read once a browser session: the page's reads stay one transaction a rerun (the console's
# benchmarks), and the hand-over itself checks the team again. A team added later shows after the next sign-in.
if (teams := st.session_state.get("handover_teams")) is None:
    choices = ui.attempt(lambda: console.handover_teams(actor))
    teams = {t.name: t.id for t in choices or []}
    if choices is not None:
        st.session_state["handover_teams"] = teams
handover_summary = st.container()
if table:
    with st.form("handover"):
        st.markdown("**Hand over the selected service requests to another team**")
        st.caption(
            "For an SR that is another team's work: it goes to that team's unallocated SRs, with its deadlines, notes, "
            "letters and files, and their team leader allocates it."
        )
        if ticked_now:
            st.caption(f"Selected in the table: {', '.join(r.number for r in ticked_now)}")
        else:
            st.caption("Tick the rows to hand over in the table above.")
        handover_fields = {"sr_ids": st.empty()}
        team_name = st.selectbox("Team to hand over to", list(teams), index=None, key="handover_team")
        handover_fields["team"] = st.empty()
        handover_reason = text_box("Reason for handing over", key="handover_reason")
        handover_fields["reason"] = st.empty()
        if st.form_submit_button("Hand over"):
            st.session_state.pop("handover_pending", None)
            asked = HandOverAsked(
                tuple(r.id for r in ticked),
                teams.get(team_name or "", -1),
                handover_reason,
                {r.id: r.version for r in ticked},
            )
            if plan := ui.attempt(lambda: _at_fields(partial(asked.call, console.check_hand_over), handover_fields)):
                st.session_state["handover_pending"] = (plan, asked)
    if pending := st.session_state.get("handover_pending"):
        plan, asked = pending
        st.warning(md(plan.asks), icon=":material/forward:")  # with the typed reason: escaped, as above
        confirm, cancel = st.columns([1, 1, 3])[:2]
        if cancel.button("Cancel the hand-over", key="handover_cancel"):
            st.session_state.pop("handover_pending", None)
            st.rerun()
        if confirm.button("Confirm hand-over", type="primary", key="handover_confirm"):
            st.session_state.pop("handover_pending", None)
            if handed := ui.attempt(lambda: _at_fields(partial(asked.call, console.hand_over), {})):
                st.session_state["flash_console"] = handed.said
                st.session_state["flash_console_caution"] = handed.caution  # whom to tell of runs begun from them
                recount()  # the SRs' deadlines left the team's reminders
                st.session_state["console_clear"] = True  # the next table starts without ticks
                st.session_state["handover_reset"] = True  # and the form empty
                st.rerun()

if st.button("Prepare CSV of the filtered list"):
    st.session_state["console_csv"] = ui.attempt(lambda: console.export_csv(actor, filters))
if export := st.session_state.get("console_csv"):
    # Handed to Streamlit only when pressed, noted as this team leader's (serve.py's guard serves it to no one else).
    csv_bytes = partial(issued, actor, export.content.encode())
    st.download_button(f"Download CSV ({export.rows} rows)", csv_bytes, export.file_name, "text/csv", on_click="ignore")

st.header("Deadlines of the matching SRs, soonest first")
items = view.deadlines
if len(items) >= console.DEADLINES_LISTED:  # never a silent cut: say the list stops, and how to see the rest
    st.caption(
        f"The {console.DEADLINES_LISTED} soonest are listed. Narrow the filters above (an owner, a procedure, "
        "overdue or due soon) to see the later ones."
    )
shown = table_or_sentence(
    arrow_rows([
        {"Due": d.due_at, "Overdue": OVERDUE if d.overdue else "", "What": d.what,
         "SR": d.sr_number, "SCIN": d.scin, "Owner": d.owner or "Unallocated", "How worked out": d.explanation}
        for d in items
    ], moments=("Due",)),
    "No open deadlines on the matching service requests.",
    width="stretch",
    column_config={  # as the table above: no sideways scrolling at 1366 px; the explanation takes the rest
        "Due": moment_column(width=128), "Overdue": st.column_config.TextColumn(width=78),
        "What": st.column_config.TextColumn(width=150), "SR": st.column_config.TextColumn(width=84),
        "SCIN": st.column_config.TextColumn(width=104), "Owner": st.column_config.TextColumn(width=160),
        "How worked out": st.column_config.TextColumn(width=200, help=READ_IN_FULL),
    },
)  # fmt: skip
if shown:
    st.caption(READ_IN_FULL)
st.header(f"Stuck runs of new caseworkers ({console.stuck_working_days()} working days or more without progress)")
stuck = view.stuck
if not stuck:
    st.caption("No runs of new caseworkers are stuck.")
else:  # one list, one element: a team of 50,000 SRs has hundreds, and each element costs a rerun the same
    st.markdown(
        "\n".join(
            f"- **{md(s.carried_on_by)}**{f' ({md(s.started_words)})' if s.started_words else ''}: {md(s.what)}, "
            f"at step '{md(s.step_title)}', last saved "
            f"{format_uk(s.updated_at)} ({s.idle_words})"
            for s in stuck
        )
    )
    st.caption(
        "A run that has recorded nothing on an SR yet can be discarded by its caseworker if it is not needed "
        "(\u201cDiscard this run\u201d, under its step): it then leaves this list and their My work."
    )
