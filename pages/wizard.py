"""The wizard: one step of a procedure at a time, saved at every step, resumable from the URL (?run=...)."""

from collections.abc import Callable

import streamlit as st

import ui
from procedures.glossary import GLOSSARY
from services import runs
from services.errors import DomainError, ValidationFailed
from services.run_views import RunView
from ui.case_panels import deadlines_panel, emails_panel, files_panel
from ui.finish_page import finish_page
from ui.glossary_panel import glossary_panel
from ui.letters_panel import letters_panel
from ui.pending_letters import pending_letters_panel
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
ERRORS = f"errors:{run_id}"
errors: dict[str, str] = st.session_state.pop(ERRORS, {})


def act(call: Callable[[], object]) -> None:
    """Button callback: call the service before the rerun; keep its view, or the problem, for the page."""
    try:
        st.session_state[FRESH] = call()
    except ValidationFailed as exc:
        st.session_state[ERRORS] = exc.errors
    except DomainError as exc:
        st.session_state[ERRORS] = {"_problem": exc.message}


def submit() -> None:
    step = view.step
    values: dict[str, object] = {}
    for f in step.fields:
        if f.applies(values):
            values[f.name] = field_value(run_id, step.id, f)
    ticked = [i for i in step.checklist if st.session_state.get(f"ck:{run_id}:{step.id}:{i}")]
    act(lambda: runs.submit_step(actor, run_id, {**values, "_checklist": ticked}, expected_version=view.version))


def back() -> None:
    act(lambda: runs.go_back(actor, run_id, expected_version=view.version))


def confirm() -> None:
    act(lambda: runs.confirm_step(actor, run_id, expected_version=view.version))


def change(step_id: str) -> None:
    act(lambda: runs.change_answer(actor, run_id, step_id, expected_version=view.version))


st.title(view.procedure_title)
st.progress(
    min(view.step_number / max(view.step_total, 1), 1.0),
    text=f"Step {view.step_number} of about {view.step_total}: **{view.step.title}**"
    + (f" · SR {view.sr_number}" if view.sr_number else ""),
)
ui.case_banner(view.case)
if errors:
    ui.error_summary(errors)
    if "_problem" in errors and "Reload" in errors["_problem"]:
        st.button("Reload")  # a rerun reads the saved state afresh

main, side = st.columns([3, 2], gap="large")
with main:
    if view.status == "finished":
        finish_page(actor, view)
    elif view.awaiting_confirmation:
        st.subheader("Check your answers before saving")
        st.write("Saving records the changes below on the SR. After that you cannot go back to change these answers.")
        for row in view.summary:
            label, value, link = st.columns([4, 4, 2])
            label.markdown(f"**{row.label}**  \n:gray[{row.step_title}]")
            value.write(row.value)
            if row.changeable:
                link.button(
                    "Change",
                    key=f"chg:{row.step_id}:{row.label}",
                    on_click=change,
                    args=(row.step_id,),
                    type="tertiary",
                )
        if any(line.startswith("Issue ") for line in view.cms):  # a letter is due: no read for steps without one
            pending_letters_panel(actor, run_id)
        left, right = st.columns(2)
        left.button("Confirm and save", type="primary", on_click=confirm)
        if view.can_go_back:
            right.button("Back", on_click=back)
    else:
        st.subheader(view.step.title)
        if view.step.recheck:
            st.warning(
                "Check this step again: you changed an earlier answer it depends on"
                + (f" ({', '.join(view.step.recheck_because)})." if view.step.recheck_because else ".")
            )
        st.write(view.step.guidance)
        if view.step.checklist:
            st.markdown("**Check before you continue**")
            for item in view.step.checklist:
                st.checkbox(item, value=item in view.step.checked, key=f"ck:{run_id}:{view.step.id}:{item}")
            if "_checklist" in errors:
                st.markdown(f":red[**Error:** {errors['_checklist']}]")
        values: dict[str, object] = {}
        for f in view.step.fields:
            if f.applies(values):
                values[f.name] = field_input(run_id, view.step.id, f, errors.get(f.name))
        left, right = st.columns(2)
        left.button("Continue", type="primary", on_click=submit)
        right.button("Back", disabled=not view.can_go_back, on_click=back)
        if not view.can_go_back and view.back_refusal:
            st.caption(view.back_refusal)

with side:
    if view.deadlines:
        st.markdown("**Deadlines**")
        deadlines_panel(view.deadlines)
    if view.files:
        st.markdown("**Case files**")
        files_panel(actor, view.files)
    if view.emails:
        st.markdown("**Emails**")
        emails_panel(view.emails)
    letters_panel(actor, view)
    if view.cms:
        st.markdown("**What to enter in CMS when you save**")
        st.code("\n".join(view.cms), language=None, wrap_lines=True)
    if view.cms_done:
        st.markdown(f"**Enter in CMS now** (from '{view.cms_done_step}')")
        st.code("\n".join(view.cms_done), language=None, wrap_lines=True)
    with st.expander("Procedure map"):
        st.graphviz_chart(view.map_dot)
    with st.expander("Glossary"):
        glossary_panel(GLOSSARY, key=f"glossary:{run_id}")
