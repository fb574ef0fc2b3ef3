"""Home: what is mine today (deadlines, tasks, SRs waiting on me, runs in progress), or where to go by role."""

from functools import partial

import streamlit as st

import ui
from domain.clock import format_uk
from services import console, users
from services.my_day import my_day
from services.policy_day import PolicyDay, policy_day
from ui.notices import deadline_strip
from ui.runs_list import runs_in_progress
from ui.table_data import READ_IN_FULL, arrow_rows, moment_column
from ui.tasks_list import tasks_for_you
from ui.text import md

actor = ui.actor()
NEXT_STEP = {
    "team_leader": "Open **Outstanding SRs** to see what is overdue in your team, who is stuck, and what to reassign.",
    "policy": "**Letter preview** shows every letter and form with fictional sample data; **Practice scenarios** "
    "keeps the fictional cases new caseworkers practise on.",
    "admin": "Open **Users** to add people, set roles and teams, and deactivate accounts.",
}
st.title(f"Welcome, {md(actor.display_name)}")
deadline_strip(actor)
if actor.role in NEXT_STEP:
    st.write(NEXT_STEP[actor.role])


def _policy_home(day: PolicyDay) -> None:
    """What waits on policy staff: values caseworkers see only as suggestions, and where caseworkers are refused."""
    st.header(f"Values waiting for you to confirm ({day.unconfirmed_used})")
    if day.values:
        unused = day.unconfirmed_total - day.unconfirmed_used
        also = {0: "", 1: " 1 more is not confirmed, but no step uses it."}.get(
            unused, f" {unused} more are not confirmed, but no step uses them."
        )
        st.caption(
            "Until you confirm the value your CMS shows, or correct it, caseworkers are told what to choose in words "
            f"and see the value only as a suggestion. Listed: the {len(day.values)} that the most steps use.{also}"
        )
        st.dataframe(
            arrow_rows(
                [
                    {"Kind": v.kind, "Suggested value": v.suggestion, "Steps": v.steps, "Used at": v.where_used}
                    for v in day.values
                ]
            ),
            hide_index=True,
            width="stretch",
            placeholder="",
            column_config={
                "Kind": st.column_config.TextColumn(width=120),
                "Suggested value": st.column_config.TextColumn(width=160),
                "Steps": st.column_config.NumberColumn(width=60, help="How many steps use the value"),
                "Used at": st.column_config.TextColumn(help=READ_IN_FULL),
            },
        )
        st.caption(READ_IN_FULL)  # "Used at" is cut at 1366 px: said under the table, as Home's deadlines say it (QA)
        if st.button("Confirm or correct them in Reference values"):
            st.session_state["ref_show"] = ["Not confirmed"]  # Reference values' own filter, set for its next run
            st.switch_page("pages/reference_values.py")
    else:
        st.caption("Every value a step uses is published or confirmed.")
    st.header("Where caseworkers' answers are refused most")
    if day.refused_steps:
        st.caption(
            f"The last {day.days} days, every team: the steps with the most answers refused at Continue. Insight "
            "says which questions. An empty cell is a count below 5, as in Insight."
        )
        st.dataframe(
            arrow_rows(
                [
                    {
                        "Procedure": s.procedure_id,
                        "Step": s.title,
                        "Reached": s.reached,
                        "Answers refused": s.refused,
                    }
                    for s in day.refused_steps
                ]
            ),
            hide_index=True,
            width="stretch",
            placeholder="",
        )
    else:
        st.caption(f"No step had answers refused often enough to show in the last {day.days} days.")
    st.page_link("pages/insight.py", label="Open Insight", icon=":material/insights:")


def _admin_home(rows: list[users.UserRow]) -> None:
    """Who cannot sign in now because of failed attempts: the call an administrator most often gets."""
    locked = [u for u in rows if u.locked_until is not None]
    st.header(f"Sign-ins locked now ({len(locked)})")
    if not locked:
        st.caption("No account is locked after failed sign-ins.")
        return
    st.caption(
        "Locked after repeated failed sign-ins. Each lock lifts by itself at the time shown; Users can lift it now."
    )
    for u in locked:
        st.text(f"{u.display_name} ({u.username}): locked until {format_uk(u.locked_until)}")
    st.page_link("pages/users.py", label="Unlock on Users", icon=":material/group:")


def _leader_home() -> None:
    """The team's unallocated SRs, handed-over ones among them: nothing else points a team leader at an SR another
    team handed over (QA, sixth session: it waited under Owner "Unallocated" with no word on Home)."""
    waiting = ui.attempt(lambda: console.counts(actor, console.ConsoleFilter(owner_id=console.UNALLOCATED)))
    if not waiting or not waiting.total:
        return
    many = waiting.total != 1
    st.info(
        f"{waiting.total} open service request{'s' if many else ''} in your team {'wait' if many else 'waits'} for "
        "a caseworker, including any another team handed over to yours.",
        icon=":material/assignment_ind:",
    )
    if st.button("List the unallocated SRs in Outstanding SRs"):
        st.session_state["f_owner"] = "Unallocated"  # the console's Owner filter, set for its next run
        st.switch_page("pages/outstanding.py")


if actor.role == "team_leader":
    _leader_home()
if actor.role == "policy" and (policy := ui.attempt(partial(policy_day, actor))) is not None:
    _policy_home(policy)
if actor.role == "admin" and (accounts := ui.attempt(partial(users.list_users, actor))) is not None:
    _admin_home(accounts)
if not actor.works_cases:
    ui.stop()

day = ui.attempt(partial(my_day, actor))
if day is None:
    ui.stop()
# Where the case's team finds a case (P5e's task to proceed sends them by its SCIN): a caseworker's Start a procedure,
# a team leader's Case page
st.page_link(
    "pages/start.py" if actor.role == "caseworker" else "pages/case.py", label="Find a case", icon=":material/search:"
)

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

tasks_for_you(actor, day.tasks)

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
