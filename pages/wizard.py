"""The wizard: one step of a procedure at a time, saved at every step, resumable from the URL (?run=...)."""

from collections.abc import Callable

import streamlit as st

from pages import ui
from pages.wizard_widgets import field_input
from procedures.glossary import GLOSSARY
from services import runs
from services.errors import DomainError, ValidationFailed

actor = ui.actor("caseworker", page="wizard")
run_id = st.query_params.get("run")
if not run_id:
    st.title("Procedure")
    st.info("Open a procedure from **My work**, or start one from **Start a procedure**.")
    st.stop()
view = ui.attempt(lambda: runs.view_run(actor, run_id))
if view is None:
    st.stop()
ERRORS = f"errors:{run_id}"
errors: dict[str, str] = st.session_state.pop(ERRORS, {})


def act(call: Callable[[], object]) -> None:
    """Call the service; keep any problem for the rerun, which shows the saved state."""
    try:
        call()
    except ValidationFailed as exc:
        st.session_state[ERRORS] = exc.errors
    except DomainError as exc:
        st.session_state[ERRORS] = {"_problem": exc.message}
    st.rerun()


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
        st.button("Reload", on_click=lambda: None)

main, side = st.columns([3, 2], gap="large")
with main:
    if view.status == "finished":
        st.success(
            f"**{view.procedure_title} is finished.** Everything is recorded"
            + (f" on SR {view.sr_number}." if view.sr_number else ".")
        )
        st.page_link("pages/my_work.py", label="Back to My work", icon=":material/inbox:")
    elif view.awaiting_confirmation:
        st.subheader("Check your answers before saving")
        st.write("Saving records the changes below on the SR. After that you cannot go back to change these answers.")
        for row in view.summary:
            label, value, change = st.columns([4, 4, 1])
            label.markdown(f"**{row.label}**  \n:gray[{row.step_title}]")
            value.write(row.value)
            if row.changeable and change.button("Change", key=f"chg:{row.step_id}:{row.label}"):
                act(lambda sid=row.step_id: runs.change_answer(actor, run_id, sid, expected_version=view.version))
        left, right = st.columns(2)
        if left.button("Confirm and save", type="primary"):
            act(lambda: runs.confirm_step(actor, run_id, expected_version=view.version))
        if view.can_go_back and right.button("Back"):
            act(lambda: runs.go_back(actor, run_id, expected_version=view.version))
    else:
        st.subheader(view.step.title)
        if view.step.recheck:
            st.warning(
                "Check this step again: you changed an earlier answer it depends on"
                + (f" ({', '.join(view.step.recheck_because)})." if view.step.recheck_because else ".")
            )
        st.write(view.step.guidance)
        ticked = []
        if view.step.checklist:
            st.markdown("**Check before you continue**")
            for item in view.step.checklist:
                if st.checkbox(item, value=item in view.step.checked, key=f"ck:{run_id}:{view.step.id}:{item}"):
                    ticked.append(item)
            if "_checklist" in errors:
                st.markdown(f":red[**Error:** {errors['_checklist']}]")
        values: dict[str, object] = {}
        for f in view.step.fields:
            if f.applies(values):
                values[f.name] = field_input(run_id, view.step.id, f, errors.get(f.name))
        left, right = st.columns(2)
        if left.button("Continue", type="primary"):
            act(
                lambda: runs.submit_step(actor, run_id, {**values, "_checklist": ticked}, expected_version=view.version)
            )
        if right.button("Back", disabled=not view.can_go_back):
            act(lambda: runs.go_back(actor, run_id, expected_version=view.version))
        if not view.can_go_back and view.back_refusal:
            st.caption(view.back_refusal)

with side:
    if view.cms:
        st.markdown("**What to enter in CMS when you save**")
        st.code("\n".join(view.cms), language=None)
    if view.cms_done:
        st.markdown(f"**Enter in CMS now** (from '{view.cms_done_step}')")
        st.code("\n".join(view.cms_done), language=None)
    with st.expander("Procedure map"):
        st.graphviz_chart(view.map_dot)
    with st.expander("Glossary"):
        for term, meaning in GLOSSARY.items():
            st.markdown(f"**{term}**: {meaning}")
