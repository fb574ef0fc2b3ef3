"""Insight: where the procedures cost time or cause mistakes, per step (issue 19). Team leaders see their team and
the runs behind any figure; policy staff see all teams with nobody identifiable. Figures: services.insight."""

from datetime import timedelta

import streamlit as st

import ui
from domain.clock import format_uk, uk_local, utcnow
from services import insight, insight_runs
from services.insight import MEASURES, InsightFilter, Measure, ProcedureFigures
from ui.insight_charts import duration, funnel, slowest, time_per_step
from ui.table_data import READ_IN_FULL
from ui.text import md

actor = ui.actor("team_leader", "policy", page="insight")
INSIGHT_COLUMNS = {
    "Step": st.column_config.TextColumn(width=252),
    "Reached": st.column_config.NumberColumn(width=66),
    "Median time": st.column_config.TextColumn(width=88),
    "90th percentile": st.column_config.TextColumn(width=98),
    "Answers refused": st.column_config.NumberColumn(width=104),
    "Back": st.column_config.NumberColumn(width=48),
    "Change": st.column_config.NumberColumn(width=62),
    "Left there": st.column_config.NumberColumn(width=74),
    "Refused most at": st.column_config.TextColumn(width=112, help=f"The answers refused most often. {READ_IN_FULL}"),
}
leader = actor.role == "team_leader"
st.title("Insight")
st.caption(
    "How real runs went through each step: how many reached it, the working time from the step being shown to "
    "its save, answers refused, Back and Change, and runs left at a step (not finished, nothing done for "
    f"{insight.ABANDONED_DAYS} days or more, or discarded there by their caseworker). Practice runs are not counted."
    + ("" if leader else " Across all teams, with no caseworker or case named; counts below 5 are not shown.")
)
today = uk_local(utcnow()).date()
EXPERIENCE = {"All runs": None, "Each caseworker's first 10 runs": "early", "Later runs": "later"}
cols = st.columns(3)
period = cols[0].date_input(
    "Period", (today - timedelta(days=insight.DEFAULT_DAYS - 1), today), max_value=today, format="DD/MM/YYYY"
)
experience = cols[1].selectbox("Caseworker experience", list(EXPERIENCE), key="i_exp")
team_id = None
if not leader:
    teams = dict(ui.attempt(lambda: [(name, tid) for tid, name in insight.teams(actor)]) or [])
    team_id = teams.get(cols[2].selectbox("Team", ["All teams", *teams], key="i_team"))
since, until = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
filters = InsightFilter(since=since, until=until, team_id=team_id, experience=EXPERIENCE[experience])  # type: ignore[arg-type]
figures = ui.attempt(lambda: insight.insight(actor, filters))
if figures is None:
    ui.stop()
if not figures.procedures:
    st.info("No steps of real runs were recorded in this period.")
    ui.stop()


def runs_behind(procedure: ProcedureFigures, chosen: object) -> None:
    """A chooser of (step, figure) under the charts, preset by a click on a funnel bar; the runs behind it, each
    a link to its SR (team leaders only)."""
    options: list[tuple[str, Measure]] = [
        (s.step, measure) for s in procedure.steps for measure in MEASURES
        if (s.reached if measure == "reached" else s.timed if measure == "time" else getattr(s, measure))
    ]  # fmt: skip
    titles = {s.step: f"{i}. {s.title}" for i, s in enumerate(procedure.steps, start=1)}
    bars = (getattr(chosen, "selection", None) or {}).get("bar") or []
    default = next((options.index((b["step_id"], "reached")) for b in bars if (b.get("step_id"), "reached") in options),
                   None)  # fmt: skip
    pick = st.selectbox(
        "See the runs behind a figure",
        options,
        index=default,
        key=f"behind_{procedure.procedure_id}_{default}",
        format_func=lambda o: f"{titles[o[0]]}: {MEASURES[o[1]]}",
        placeholder="Choose a step and a figure, or click a bar of the chart",
    )
    if pick is None:
        return
    step, measure = pick
    behind = ui.attempt(lambda: insight_runs.runs_behind(actor, procedure.procedure_id, step, measure, filters)) or []
    # The list counts runs, the table's figure may not (QA: "Answers refused" 4 in the table, "(1)" here: one run).
    runs_said = f"{len(behind)} run{'' if len(behind) == 1 else 's'}"
    st.markdown(f"**Runs behind \u201c{md(titles[step])}: {md(MEASURES[measure])}\u201d** ({runs_said})")
    if measure == "errors":
        st.caption("The table counts each answer refused; each run is listed once, with the answers refused in it.")
    for run in behind:
        what = f"case {run.scin}, {run.caseworker}, {format_uk(run.at)}"
        if run.working_seconds is not None:
            what += f", {duration(run.working_seconds)} of working time"
        if run.fields:
            what += ", refused: " + "; ".join(run.fields)
        if run.sr_id is not None:
            st.page_link("pages/sr_detail.py", label=f"SR {run.sr_number}: {what}", query_params={"sr": str(run.sr_id)})
        else:
            st.markdown(f"- No SR yet: {md(what)}")


if figures.slowest():
    st.altair_chart(slowest(figures), width="stretch", height=320)

for procedure in figures.procedures:
    st.header(f"{procedure.procedure_id} {procedure.title}")
    chosen = st.altair_chart(
        funnel(procedure),
        width="stretch",
        height=40 + 28 * len(procedure.steps),
        key=f"funnel_{procedure.procedure_id}",
        on_select="rerun" if leader else "ignore",
    )
    if any(s.median_seconds is not None for s in procedure.steps):
        st.altair_chart(time_per_step(procedure), width="stretch", height=40 + 28 * len(procedure.steps))
    table = [
        {"Step": f"{i}. {s.title}", "Reached": s.reached, "Median time": duration(s.median_seconds),
         "90th percentile": duration(s.p90_seconds), "Answers refused": s.errors, "Back": s.back,
         "Change": s.change, "Left there": s.abandoned,
         "Refused most at": "; ".join(f"{f.label} ({'fewer than 5' if f.count is None else f.count})"
                                      for f in s.errors_by_field[:3])}
        for i, s in enumerate(procedure.steps, start=1)
    ]  # fmt: skip
    # A hidden count is an empty cell, as the caption below says (Streamlit would write "None" in it). Widths that add
    # up to the 904 px a 1366 px screen gives the page (QA: "Refused most at" was cut at the edge, behind a sideways
    # scroll): each figure as wide as its heading, the step's title whole, the fields refused the rest.
    st.dataframe(table, hide_index=True, width="stretch", placeholder="", column_config=INSIGHT_COLUMNS)
    st.caption(READ_IN_FULL)
    if figures.suppressed:
        st.caption("An empty cell is a count below 5, or a time from fewer than 5 saves: not shown.")
    if not leader:
        continue
    runs_behind(procedure, chosen)
