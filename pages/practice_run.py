"""A practice run: the wizard's step, panels, map and glossary on a fictional case, under a banner on every step;
a debrief at the end."""

from collections.abc import Callable

import streamlit as st

import ui
from domain.clock import format_date
from procedures.glossary import GLOSSARY
from services import practice
from services.letter_previews import pending_practice_letters
from ui.actions import run_action
from ui.check_answers import dates_set_list, deadlines_met_list, notes_list, saving_sentence, summary_rows
from ui.cms_panel import cms_panel
from ui.glossary_panel import glossary_panel
from ui.pending_letters import pending_letters_panel
from ui.practice_debrief import debrief_panel
from ui.practice_panels import practice_side_panels
from ui.procedure_map_panel import procedure_map_on_demand
from ui.question_flow import QuestionFlow, back_to_step_before, open_last_page, open_question, reached_forwards
from ui.task_list import task_list_table

actor = ui.actor("caseworker", "team_leader", page="practice_run")
st.error(f"**{practice.BANNER}.**", icon=":material/school:")
asked_for = st.query_params.get("practice")
if not asked_for:
    st.info("Choose a scenario on **Practise a procedure**.")
    ui.stop()
practice_id: str = asked_for
FRESH, ERRORS, STALE = f"pview:{practice_id}", f"perrors:{practice_id}", f"pstale:{practice_id}"
shown = st.session_state.pop(FRESH, None) or ui.attempt(lambda: practice.view_practice(actor, practice_id))
if shown is None:
    ui.stop()
pv: practice.PracticeView = shown
view = pv.run
# The version this page last saw, as the wizard keeps it: a "done in CMS" tick saved earlier in the same rerun
# must not make the next action look stale.
VERSION = f"pversion:{practice_id}"
st.session_state[VERSION] = view.version
errors: dict[str, str] = st.session_state.pop(ERRORS, {})
stale: bool = st.session_state.pop(STALE, False)
VISIT = f"{view.step.id}@{view.step_number}"


def seen() -> int:
    return int(st.session_state.get(VERSION, view.version))


def act(call: Callable[[], practice.PracticeView]) -> practice.PracticeView | None:
    fresh = run_action(call, fresh_key=FRESH, errors_key=ERRORS, stale_key=STALE, doing="saving a practice step")
    if fresh is not None:
        st.session_state[VERSION] = fresh.run.version
    return fresh


def check(values: dict[str, object], names: tuple[str, ...], _next_page: int) -> bool:
    """A page's Continue: its answers checked as saving would, on the fictional case and the practice calendar
    (practice.check_page; not kept as a draft)."""
    return bool(
        run_action(
            lambda: practice.check_page(actor, practice_id, values, names, expected_version=seen()),
            fresh_key=None,
            errors_key=ERRORS,
            stale_key=STALE,
            doing="checking your answers",
        )
    )


def save(answers: dict[str, object]) -> None:
    fresh = act(lambda: practice.submit_step(actor, practice_id, answers, expected_version=seen()))
    if fresh is not None:
        reached_forwards(practice_id, flow.visit, fresh.run)


# Asked as a real run is, one question a page (ui/question_flow.py).
flow = QuestionFlow(practice_id, view, checklist_prefix="pck", errors_key=ERRORS, check=check, save=save)


def change(step_id: str, question: str) -> None:
    fresh = run_action(
        lambda: practice.change_answer(actor, practice_id, step_id, expected_version=seen()),
        fresh_key=FRESH,
        errors_key=ERRORS,
        stale_key=STALE,
        doing="saving a practice step",
    )
    if fresh is not None:
        st.session_state[VERSION] = fresh.run.version
        open_question(practice_id, fresh.run, question)


def back() -> None:
    """Back from a step's first page: the step before, at its last page."""
    fresh = act(lambda: practice.go_back(actor, practice_id, expected_version=seen()))
    if fresh is not None:
        back_to_step_before(practice_id, fresh.run)


def confirm() -> None:
    fresh = act(lambda: practice.confirm_step(actor, practice_id, expected_version=seen()))
    if fresh is not None:
        reached_forwards(practice_id, flow.visit, fresh.run)


def back_from_summary() -> None:
    """As in the wizard: the step being checked, at its last page."""
    fresh = run_action(
        lambda: practice.change_answer(actor, practice_id, view.step.id, expected_version=seen()),
        fresh_key=FRESH,
        errors_key=ERRORS,
        stale_key=STALE,
        doing="saving a practice step",
    )
    if fresh is not None:
        st.session_state[VERSION] = fresh.run.version
        open_last_page(practice_id, fresh.run)


def tick_cms(saved_index: int, line: int, done: bool) -> None:
    act(lambda: practice.tick_cms(actor, practice_id, saved_index, line, done, expected_version=seen()))


if pv.finished:
    heading = f"{view.procedure_title}: practice finished"
elif view.awaiting_confirmation:
    heading = "Check your answers before saving"
else:
    heading = flow.page.heading
ui.a11y.page_title(f"Practice: {heading}")
st.caption(f"Practice: {view.procedure_title}")
st.title(heading)
st.caption(f"Scenario: {pv.scenario.title} · fictional case {pv.reference} · practice date {format_date(pv.today)}")
st.progress(
    min(view.step_number / max(view.step_total, 1), 1.0),
    text=f"Step {view.step_number} of about {view.step_total}: **{view.step.title}**",
)
ui.case_banner(view.case)
task_list_table(view)
with st.container():  # always drawn, as in the wizard: a refusal never moves the fields below
    if errors:
        ui.error_summary(errors)
        if stale:
            st.button("Reload")
if pv.finished:
    debrief_panel(actor, practice_id)
    if st.button("Practise this scenario again", type="primary"):
        again = ui.attempt(lambda: practice.retry(actor, practice_id))
        if again is not None:
            st.switch_page("pages/practice_run.py", query_params={"practice": again.practice_id})
    ui.stop()
main, side = st.columns([3, 2], gap="large")
with main:
    if pv.events and pv.events[-1][0] == view.step.title:
        st.info(f"**What happens now:** {pv.events[-1][1]}", icon=":material/mail:")
    if view.awaiting_confirmation:
        st.write(saving_sentence(view))  # as in the wizard
        summary_rows(view.summary, key="pchg", on_change=change)
        dates_set_list(view.dates_set)
        deadlines_met_list(view.deadlines_met)
        notes_list(view.notes)
        for caution in view.warnings:  # as in the wizard (Step.warnings)
            st.warning(caution, icon=":material/warning:")
        if view.letters_pending:  # as in the wizard: read the letter before saving (not sent: practice)
            pending_letters_panel(lambda: pending_practice_letters(actor, practice_id))
        with st.container(horizontal=True):
            st.button(
                "Confirm and save",
                type="primary",
                on_click=confirm,
            )
            st.button("Back", on_click=back_from_summary)
    else:
        flow.step(errors, back=back, published=view.published or "")
    procedure_map_on_demand(
        f"pmap:{practice_id}", view.procedure_id, view.procedure_version, tuple(s for s, _ in view.history)
    )
with side:
    practice_side_panels(actor, pv)
    cms_panel(view, tick_cms)
    with st.expander("Glossary"):
        glossary_panel(GLOSSARY, key=f"pglossary:{practice_id}")
