"""The Insight page's Altair charts: a funnel per procedure, time per step, the slowest steps.

Charts carry step titles only (never state ids). A count hidden for policy staff (fewer than 5) is left out of
the chart, and the caption under the chart says so.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas  # noqa: F401 - Altair finds pandas in sys.modules without importing it: see WHOLE below

from services.insight import Insight, ProcedureFigures, StepFigures

# Altair turns a chart into a dict by checking `sys.modules` for pandas without importing it. On a page's first
# draw in a fresh process, another thread may be importing pandas at that moment, and Altair then reads the
# half-made module ("partially initialized module 'pandas' has no attribute 'Timestamp'": seen in AppTest). The
# `import pandas` above waits for that import to finish before any chart is built.
WHOLE = alt.Axis(format="d", tickMinStep=1)
# Drawn as SVG rather than Streamlit's default canvas, so the titles and step names are text in the page
# (assistive technology and the browser tests read them).
SVG = {"embedOptions": {"renderer": "svg"}}
MINUTES = alt.Axis(format=",.1f")  # tenths of a minute, never 0.000000


def steps_axis(limit: int) -> alt.Axis:
    """The step names, every one of them: Vega-Lite hides a label it thinks would touch the next one, and on the
    funnel it hid every second step's name (its bar left unnamed). The charts are 28 px a step, room for each."""
    return alt.Axis(labelLimit=limit, labelOverlap=False)


def duration(seconds: float | None) -> str:
    """'1 h 5 min' of working time; 'under a minute'; '' when not shown."""
    if seconds is None:
        return ""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _label(step: StepFigures, number: int) -> str:
    return f"{number}. {step.title}"


def funnel(procedure: ProcedureFigures) -> alt.Chart:
    """Runs that reached each step, in the procedure's order: where the bars shrink, runs stopped."""
    order = [_label(s, i) for i, s in enumerate(procedure.steps, start=1)]
    rows = [
        {"Step": _label(s, i), "Runs": s.reached, "step_id": s.step}
        for i, s in enumerate(procedure.steps, start=1)
        if s.reached is not None
    ]
    pick = alt.selection_point(name="bar", fields=["step_id"])
    return (
        alt.Chart(alt.Data(values=rows), title="Runs that reached each step")
        .mark_bar()
        .encode(
            y=alt.Y("Step:N", sort=order, title=None, axis=steps_axis(360)),
            x=alt.X("Runs:Q", axis=WHOLE, title="Runs"),
            tooltip=["Step:N", "Runs:Q"],
        )
        .add_params(pick)
        .properties(usermeta=SVG)
    )


def time_per_step(procedure: ProcedureFigures) -> alt.LayerChart:
    """Median working minutes per step (bar) and the 90th percentile (tick)."""
    order = [_label(s, i) for i, s in enumerate(procedure.steps, start=1)]
    rows = [
        {
            "Step": _label(s, i),
            "Median (working minutes)": round((s.median_seconds or 0) / 60, 1),
            "90th percentile (working minutes)": round((s.p90_seconds or 0) / 60, 1),
        }
        for i, s in enumerate(procedure.steps, start=1)
        if s.median_seconds is not None
    ]
    base = alt.Chart(alt.Data(values=rows), title="Working time on each step").encode(
        y=alt.Y("Step:N", sort=order, title=None, axis=steps_axis(360))
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "Median (working minutes):Q", title="Working minutes (bar: median; mark: 90th percentile)", axis=MINUTES
        ),
        tooltip=["Step:N", "Median (working minutes):Q", "90th percentile (working minutes):Q"],
    )
    ticks = base.mark_tick(color="#0b0c0c", thickness=2).encode(x="90th percentile (working minutes):Q")
    return cast(alt.LayerChart, alt.layer(bars, ticks).properties(usermeta=SVG))


def slowest(figures: Insight) -> alt.Chart:
    """The ten steps with the longest median working time, across procedures."""
    rows = [
        {"Step": f"{s.procedure_id}: {s.title}", "Median (working minutes)": round((s.median_seconds or 0) / 60, 1)}
        for s in figures.slowest(10)
    ]
    return (
        alt.Chart(alt.Data(values=rows), title="Slowest steps (median working time)")
        .mark_bar()
        .encode(
            y=alt.Y("Step:N", sort="-x", title=None, axis=steps_axis(420)),
            x=alt.X("Median (working minutes):Q", axis=MINUTES),
            tooltip=["Step:N", "Median (working minutes):Q"],
        )
        .properties(usermeta=SVG)
    )
