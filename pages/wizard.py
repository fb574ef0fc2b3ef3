"""The wizard: one step of a procedure at a time, saved at every step, resumable from the URL (?run=...)."""

from collections.abc import Callable

import streamlit as st

import ui
from procedures.glossary import GLOSSARY
from services import runs
from services.run_views import RunView, StepView
from ui.actions import run_action
from ui.case_panels import deadlines_panel, emails_panel, files_panel
from ui.check_answers import summary_rows
from ui.cms_panel import cms_panel
from ui.finish_page import finish_page
from ui.glossary_panel import glossary_panel
from ui.letters_panel import letters_panel
from ui.pending_letters import pending_letters_panel
from ui.procedure_map_panel import procedure_map_on_demand
from ui.task_list import task_list_table
from ui.wizard_widgets import field_input, field_value

actor = ui.actor("caseworker", page="wizard")
asked_for = st.query_params.get("run")
if not asked_for:
    st.title("Procedure")
    st.info("Open a procedure from **My work**, or start one from **Start a procedure**.")
    st.stop()
run_id: str = asked_for  # declared, so the callbacks below see it as narrowed
FRESH = f"view:{run_id}"  # the view a button's service call just returned: no second read on the rerun
shown: RunView | None = st.session_state.pop(FRESH, None) or ui.attempt(lambda: runs.view_run(actor, run_id))
if shown is None:
    st.stop()
view: RunView = shown
# The run version this page last saw: a callback uses it, so a "done in CMS" tick saved earlier in the same
# rerun (AppTest, or a quick second click) does not make the next action look stale.
VERSION = f"version:{run_id}"
st.session_state[VERSION] = view.version
ERRORS = f"errors:{run_id}"
errors: dict[str, str] = st.session_state.pop(ERRORS, {})
STALE = f"stale:{run_id}"  # the last action was refused because this screen is out of date: offer Reload
stale: bool = st.session_state.pop(STALE, False)


def act(call: Callable[[], object]) -> None:
    """Button callback: call the service before the rerun; keep its view, or the problem, for the page."""
    fresh = run_action(call, fresh_key=FRESH, errors_key=ERRORS, stale_key=STALE, doing="saving a wizard step")
    if fresh is not None:
        st.session_state[VERSION] = getattr(fresh, "version", st.session_state.get(VERSION))


def seen() -> int:
    return int(st.session_state.get(VERSION, view.version))


# Widget keys are per visit of a step: a step a loop comes back to (a chase, a new appointment) starts blank,
# never showing the answers the browser still holds from the last visit; Back keeps the same visit's answers.
VISIT = f"{view.step.id}@{view.step_number}"


def submit() -> None:
    step = view.step
    values: dict[str, object] = {}
    for f in step.fields:
        if f.applies(values):
            values[f.name] = field_value(run_id, VISIT, f)
    ticked = [i for i in step.checklist if st.session_state.get(f"ck:{run_id}:{VISIT}:{i}")]
    act(lambda: runs.submit_step(actor, run_id, {**values, "_checklist": ticked}, expected_version=seen()))


def back() -> None:
    act(lambda: runs.go_back(actor, run_id, expected_version=seen()))


def confirm() -> None:
    act(lambda: runs.confirm_step(actor, run_id, expected_version=seen()))


def tick_cms(saved_index: int, line: int, done: bool) -> None:
    act(lambda: runs.tick_cms(actor, run_id, saved_index, line, done, expected_version=seen()))


def change(step_id: str) -> None:
    act(lambda: runs.change_answer(actor, run_id, step_id, expected_version=seen()))


def step_form(step: StepView, errors: dict[str, str]) -> None:
    """The checklist and inputs. Not a fragment: text typed in a fragment is sent (on blur) as a fragment rerun
    just as the Continue outside it asks for a full one, and Chromium then lost the typed answer."""
    if step.checklist:
        st.markdown("**Check before you continue**")
        for item in step.checklist:
            st.checkbox(item, value=item in step.checked, key=f"ck:{run_id}:{VISIT}:{item}")
        with st.empty():  # a fixed slot for the error: the fields below keep their place (see the summary)
            if "_checklist" in errors:
                st.markdown(f":red[**Error:** {errors['_checklist']}]")
    values: dict[str, object] = {}
    for f in step.fields:
        if f.applies(values):
            values[f.name] = field_input(run_id, VISIT, f, errors.get(f.name))


st.title(view.procedure_title)
st.progress(
    min(view.step_number / max(view.step_total, 1), 1.0),
    text=f"Step {view.step_number} of about {view.step_total}: **{view.step.title}**"
    + (f" · SR {view.sr_number}" if view.sr_number else ""),
)
ui.case_banner(view.case)
task_list_table(view)  # the long procedures only: what is done, what waits and on whom, what is left
# Always drawn, empty without errors: the elements below keep their place in the page whether or not a
# refusal is shown. When they moved, Streamlit's browser side drew the file uploader afresh, and a file
# chosen after a refusal vanished from it (found as a browser test failing one run in three).
with st.container():
    if errors:
        ui.error_summary(errors)
        if stale:
            st.button("Reload")  # a rerun reads the saved state afresh

main, side = st.columns([3, 2], gap="large")
with main:
    if view.status == "finished":
        finish_page(actor, view)
    elif view.awaiting_confirmation:
        st.header("Check your answers before saving")
        st.write("Saving records the changes below on the SR. After that you cannot go back to change these answers.")
        summary_rows(view.summary, key="chg", on_change=change)
        if view.letters_pending:  # a letter is due: no read for steps without one
            pending_letters_panel(actor, run_id)
        left, right = st.columns(2)
        left.button("Confirm and save", type="primary", on_click=confirm)
        if view.can_go_back:
            right.button("Back", on_click=back)
    else:
        st.header(view.step.title)
        if view.published:
            st.caption(f"Published procedure: {view.published}")
        if view.step.who:
            st.markdown(f"**Who does this:** {view.step.who}")
        if view.step.recheck:
            st.warning(
                "Check this step again: you changed an earlier answer it depends on"
                + (f" ({', '.join(view.step.recheck_because)})." if view.step.recheck_because else ".")
            )
        st.write(view.step.guidance)
        step_form(view.step, errors)
        left, right = st.columns(2)
        left.button("Continue", type="primary", on_click=submit)
        right.button("Back", disabled=not view.can_go_back, on_click=back)
        if not view.can_go_back and view.back_refusal:
            st.caption(view.back_refusal)
    procedure_map_on_demand(
        f"map:{run_id}", view.procedure_id, view.procedure_version, tuple(s for s, _ in view.history)
    )

finished = view.status == "finished"  # the finish page lists the deadlines and emails: not again beside it
with side:
    if view.deadlines and not finished:
        st.markdown("**Deadlines**")
        deadlines_panel(view.deadlines)
    if view.files:
        st.markdown("**Case files**")
        files_panel(actor, view.files)
    if view.emails and not finished:
        st.markdown("**Emails**")
        emails_panel(view.emails)
    letters_panel(actor, view)
    cms_panel(view, tick_cms)
    with st.expander("Glossary"):
        glossary_panel(GLOSSARY, key=f"glossary:{run_id}")
