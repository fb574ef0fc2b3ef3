"""The wizard: one step of a procedure at a time, saved at every step, resumable from the URL (?run=...)."""

from collections.abc import Callable

import streamlit as st

import ui
from procedures.glossary import GLOSSARY
from services import run_cms, run_context, runs
from services.question_pages import CHECKLIST, QuestionPage, question_pages
from services.run_views import RunView
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
from ui.wizard_widgets import field_input, field_value, with_kept

actor = ui.actor("caseworker", page="wizard")
asked_for = st.query_params.get("run")
if not asked_for:
    st.title("Procedure")
    st.info("Open a procedure from **My work**, or start one from **Start a procedure**.")
    st.stop()
run_id: str = asked_for  # declared, so the callbacks below see it as narrowed
FRESH = f"view:{run_id}"  # the view a button's service call just returned: no second read on the rerun
shown: RunView | None = st.session_state.pop(FRESH, None) or ui.attempt(lambda: run_context.view_run(actor, run_id))
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


def act(call: Callable[[], object]) -> object:
    """Button callback: call the service before the rerun; keep its view, or the problem, for the page."""
    fresh = run_action(call, fresh_key=FRESH, errors_key=ERRORS, stale_key=STALE, doing="saving a wizard step")
    if fresh is not None:
        st.session_state[VERSION] = getattr(fresh, "version", st.session_state.get(VERSION))
    return fresh


def seen() -> int:
    return int(st.session_state.get(VERSION, view.version))


# Widget keys are per visit of a step: a step a loop comes back to (a chase, a new appointment) starts blank,
# never showing the answers the browser still holds from the last visit; Back keeps the same visit's answers.
VISIT = f"{view.step.id}@{view.step_number}"
# One question per page (services/question_pages.py): which page of this visit is shown, and the answers given
# on its earlier pages, kept in the session until the step is saved from its last page.
PAGES = question_pages(view.step)
PAGE, KEPT = f"qpage:{run_id}:{VISIT}", f"qkept:{run_id}:{VISIT}"
LAST_PAGE = f"qlast:{run_id}"  # Back from check your answers: show the step's last page, not its first
EARLIER: dict[str, object] = dict(view.step.earlier)  # earlier steps' answers a field here is shown for
saved: dict[str, object] = {**EARLIER, **{f.name: f.value for f in view.step.fields if f.value is not None}}
if PAGE not in st.session_state:
    applicable = [i for i, p in enumerate(PAGES) if p.applies(saved)]
    st.session_state[PAGE] = applicable[-1] if st.session_state.pop(LAST_PAGE, False) and applicable else 0
index: int = min(int(st.session_state[PAGE]), len(PAGES) - 1)
kept: dict[str, object] = st.session_state.get(KEPT, {})
page: QuestionPage = PAGES[index]


def page_answers() -> dict[str, object]:
    """The answers of the page on screen (read from its widgets), over those kept from the step's earlier pages."""
    values: dict[str, object] = {**EARLIER, **kept}
    for f in with_kept(page.fields, kept):
        if f.applies(values):
            values[f.name] = field_value(run_id, VISIT, f)
    if page.checklist:
        values[CHECKLIST] = [i for i in view.step.checklist if st.session_state.get(f"ck:{run_id}:{VISIT}:{i}")]
    return values


def proceed() -> None:
    """Continue: on a page before the step's last, check this page's answers only and show the next page that
    applies to them; on the last, save the whole step (a refused answer reopens the page that asks it)."""
    values = page_answers()
    later = [i for i in range(index + 1, len(PAGES)) if PAGES[i].applies(values)]
    if later:
        st.session_state[KEPT] = values
        checked = run_action(
            lambda: runs.check_page(actor, run_id, values, page.names, expected_version=seen()),
            fresh_key=None,
            errors_key=ERRORS,
            stale_key=STALE,
            doing="checking your answers",
        )
        if not checked:
            return  # refused: the problems are shown on this page
        st.session_state[PAGE] = later[0]
        return
    answers: dict[str, object] = {}
    for f in view.step.fields:
        if f.applies({**EARLIER, **answers}) and f.name in values:
            answers[f.name] = values[f.name]
    ticked = values.get(CHECKLIST, list(view.step.checked))
    act(lambda: runs.submit_step(actor, run_id, {**answers, CHECKLIST: ticked}, expected_version=seen()))
    st.session_state[KEPT] = values
    refused = st.session_state.get(ERRORS, {})
    first = next((i for i, p in enumerate(PAGES) if set(p.names) & set(refused)), None)
    if first is not None:
        st.session_state[PAGE] = first


def previous_page() -> None:
    st.session_state[KEPT] = page_answers()
    earlier = [i for i in range(index) if PAGES[i].applies(st.session_state[KEPT])]
    st.session_state[PAGE] = earlier[-1] if earlier else 0


def back() -> None:
    act(lambda: runs.go_back(actor, run_id, expected_version=seen()))


def back_from_summary() -> None:
    st.session_state[LAST_PAGE] = True
    back()


def confirm() -> None:
    act(lambda: runs.confirm_step(actor, run_id, expected_version=seen()))


def tick_cms(saved_index: int, line: int, done: bool) -> None:
    act(lambda: run_cms.tick_cms(actor, run_id, saved_index, line, done, expected_version=seen()))


def change(step_id: str, question: str) -> None:
    """Change on check your answers: reopen the step at the page that asks `question` (its first page when
    the row is not one question, e.g. the checklist), with the saved answers, not any kept in the session."""
    fresh = act(lambda: runs.change_answer(actor, run_id, step_id, expected_version=seen()))
    if isinstance(fresh, RunView):
        visit = f"{fresh.step.id}@{fresh.step_number}"
        pages = question_pages(fresh.step)
        asks = [i for i, p in enumerate(pages) if any(f.label == question for f in p.fields)]
        st.session_state[f"qpage:{run_id}:{visit}"] = asks[0] if asks else 0
        st.session_state.pop(f"qkept:{run_id}:{visit}", None)


def question_form(errors: dict[str, str]) -> None:
    """The page's checklist or question(s). Not a fragment: text typed in a fragment is sent (on blur) as a
    fragment rerun just as the Continue outside it asks for a full one, and Chromium then lost the typed answer.
    The page heading is the question, so its first input's own label is not drawn again (it stays its name)."""
    if page.checklist:
        ticked = kept.get(CHECKLIST)
        done = set(ticked) if isinstance(ticked, list) else set(view.step.checked)
        st.markdown("**Check before you continue**")
        for item in view.step.checklist:
            st.checkbox(item, value=item in done, key=f"ck:{run_id}:{VISIT}:{item}")
        with st.empty():  # a fixed slot for the error: the fields below keep their place (see the summary)
            if CHECKLIST in errors:
                st.markdown(f":red[**Error:** {errors[CHECKLIST]}]")
    values: dict[str, object] = {**EARLIER, **kept}
    for position, f in enumerate(with_kept(page.fields, kept)):
        if f.applies(values):
            as_heading = position == 0 and page.label_is_heading
            if as_heading and f.help:
                st.caption(f.help)
            values[f.name] = field_input(run_id, VISIT, f, errors.get(f.name), label_hidden=as_heading)


if view.status == "finished":
    heading = f"{view.procedure_title} is finished"
elif view.awaiting_confirmation:
    heading = "Check your answers before saving"
else:
    heading = page.heading
ui.a11y.page_title(heading)
st.caption(view.procedure_title)
st.title(heading)
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
        st.write("Saving records the changes below on the SR. After that you cannot go back to change these answers.")
        summary_rows(view.summary, key="chg", on_change=change)
        if view.letters_pending:  # a letter is due: no read for steps without one
            pending_letters_panel(actor, run_id)
        left, right = st.columns(2)
        left.button("Confirm and save", type="primary", on_click=confirm)
        if view.can_go_back:
            right.button("Back", on_click=back_from_summary)
    else:
        if page.intro:
            if view.published:
                st.caption(f"Published procedure: {view.published}")
            if view.step.who:
                st.markdown(f"**Who does this:** {view.step.who}")
        if view.step.recheck:
            st.warning(
                "Check this step again: you changed an earlier answer it depends on"
                + (f" ({', '.join(view.step.recheck_because)})." if view.step.recheck_because else ".")
            )
        if page.intro:
            st.write(view.step.guidance)
        else:
            with st.expander(f"About this step: {view.step.title}"):
                st.write(view.step.guidance)
        question_form(errors)
        left, right = st.columns(2)
        left.button("Continue", type="primary", on_click=proceed)
        if index > 0:
            right.button("Back", on_click=previous_page)
        else:
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
