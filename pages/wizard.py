"""The wizard: one step of a procedure at a time, saved at every step, resumable from the URL (?run=...)."""

from collections.abc import Callable

import streamlit as st

import ui
from procedures.glossary import GLOSSARY
from services import run_cms, run_context, run_discard, runs
from services.letter_previews import pending_letters
from services.run_views import DISCARDED, RunView
from ui.actions import run_action
from ui.case_panels import deadlines_panel, emails_panel, files_panel
from ui.check_answers import dates_set_list, deadlines_met_list, notes_list, saving_sentence, summary_rows
from ui.cms_panel import cms_panel
from ui.discard_run import discard_offer, discarded_page
from ui.finish_page import finish_page
from ui.glossary_panel import glossary_panel
from ui.handed_over import allocated_elsewhere_page, handed_over_page
from ui.letters_panel import letters_panel
from ui.pending_letters import pending_letters_panel
from ui.procedure_map_panel import procedure_map_on_demand
from ui.question_flow import (
    CHANGED_MEANWHILE,
    RESTORED,
    QuestionFlow,
    back_to_step_before,
    open_last_page,
    open_question,
    reached_forwards,
)
from ui.run_moved import moved_on_notice
from ui.task_list import task_list_table
from ui.text import kept_whole, md

actor = ui.actor("caseworker", page="wizard")
asked_for = st.query_params.get("run")
if not asked_for:
    st.title("Procedure")
    st.info("Open a procedure from **My work**, or start one from **Start a procedure**.")
    ui.stop()
run_id: str = asked_for  # declared, so the callbacks below see it as narrowed
FRESH = f"view:{run_id}"  # the view a button's service call just returned: no second read on the rerun
own_action: RunView | None = st.session_state.pop(FRESH, None)
shown: RunView | None = own_action or ui.attempt(lambda: run_context.view_run(actor, run_id))
if shown is None:
    ui.stop()
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


def check(values: dict[str, object], names: tuple[str, ...], next_page: int) -> bool:
    """A page's Continue: its answers checked on the run and kept there as the step's draft (a run moved on is
    refused as stale)."""
    return bool(
        run_action(
            lambda: runs.check_page(actor, run_id, values, names, expected_version=seen(), next_page=next_page),
            fresh_key=None,
            errors_key=ERRORS,
            stale_key=STALE,
            doing="checking your answers",
        )
    )


def save(answers: dict[str, object]) -> None:
    fresh = act(lambda: runs.submit_step(actor, run_id, answers, expected_version=seen()))
    if isinstance(fresh, RunView):
        reached_forwards(run_id, flow.visit, fresh)


# One question per page (ui/question_flow.py): the page of this step shown, and the answers kept until it is saved.
# What was entered on the page and not Continued comes back after a visit to another page (this session only).
flow = QuestionFlow(run_id, view, checklist_prefix="ck", errors_key=ERRORS, check=check, save=save, keep_typed=True)


def back() -> None:
    """Back from a step's first page: the step before, at its last page."""
    fresh = act(lambda: runs.go_back(actor, run_id, expected_version=seen()))
    if isinstance(fresh, RunView):
        back_to_step_before(run_id, fresh)


def back_from_summary() -> None:
    """Back from check your answers: the step being checked, at its last page (saved answers kept; Continue on it
    comes back here)."""
    fresh = act(lambda: runs.change_answer(actor, run_id, view.step.id, expected_version=seen()))
    if isinstance(fresh, RunView):
        open_last_page(run_id, fresh)


def confirm() -> None:
    fresh = act(lambda: runs.confirm_step(actor, run_id, expected_version=seen()))
    if isinstance(fresh, RunView):
        reached_forwards(run_id, flow.visit, fresh)


def tick_cms(saved_index: int, line: int, done: bool) -> None:
    act(lambda: run_cms.tick_cms(actor, run_id, saved_index, line, done, expected_version=seen()))


def change(step_id: str, question: str) -> None:
    """Change on check your answers: reopen the step at the page that asks `question`."""
    fresh = act(lambda: runs.change_answer(actor, run_id, step_id, expected_version=seen()))
    if isinstance(fresh, RunView):
        open_question(run_id, fresh, question)


DISCARDED_HERE = f"discarded_here:{run_id}"  # this tab discarded the run: no "moved on elsewhere" notice


def discard() -> None:
    """Discard the run (nothing of it is on an SR); the rerun reads it afresh and draws the discarded page."""
    title = run_action(
        lambda: run_discard.discard_run(actor, run_id, expected_version=seen()),
        fresh_key=None,
        errors_key=ERRORS,
        stale_key=STALE,
        doing="discarding this procedure run",
    )
    if title is not None:
        st.session_state[DISCARDED_HERE] = True
        flow.forget_typed()


# Handed over to someone else (P2's CMS owning caseworker, or their team): this reader is told, not asked their steps.
holder = view.handed_over if view.handed_over and not view.handed_over.belongs_to(actor.user_id) else None
# Its SR allocated to someone else (a team leader reassigned it): this reader is told whose it is, not asked its steps.
elsewhere = view.allocated_to  # set only when it is someone else's (services/run_views.allocated_to)
discarded = view.status == DISCARDED
if view.status == "finished":
    heading = f"{view.procedure_title} is finished"
elif discarded:
    heading = f"{view.procedure_title} was discarded"
elif holder is not None:
    heading = "Handed over"
elif elsewhere is not None:
    heading = f"Carried on by {elsewhere.owner_name}"
elif view.awaiting_confirmation:
    heading = "Check your answers before saving"
else:
    heading = flow.page.heading
ui.a11y.page_title(heading)
st.caption(view.procedure_title)
st.title(heading)
if not discarded:
    st.progress(
        min(view.step_number / max(view.step_total, 1), 1.0),
        text=f"Step {view.step_number} of about {view.step_total}: **{view.step.title}**"
        + (f" · SR {view.sr_number}" if view.sr_number else ""),
    )
if view.begun_from is not None:  # the complaint or appeal SR a P1 run gets information for (it records on its own)
    st.markdown(
        kept_whole(f"**Begun from** {md(view.begun_from.words)}", [view.begun_from.number]), unsafe_allow_html=True
    )
ui.case_banner(view.case)
moved_on_notice(
    view, own_action=own_action is not None or st.session_state.pop(DISCARDED_HERE, False), refused_as_stale=stale
)
if not discarded:
    task_list_table(view)  # the long procedures only: what is done, what waits and on whom, what is left
# Always drawn, empty without errors: the elements below keep their place in the page whether or not a
# refusal is shown. When they moved, Streamlit's browser side drew the file uploader afresh, and a file
# chosen after a refusal vanished from it (found as a browser test failing one run in three).
with st.container():
    if errors and elsewhere is None:  # a run now someone else's says so once, below, with "Nothing was saved."
        ui.error_summary(errors)
        if stale:
            st.button("Reload")  # a rerun reads the saved state afresh
    asked = not (discarded or view.status == "finished" or holder or elsewhere or view.awaiting_confirmation)
    if asked and flow.restored:
        st.info(RESTORED, icon=":material/history:")
    elif asked and flow.changed_meanwhile:
        st.info(CHANGED_MEANWHILE, icon=":material/update:")
    elif not asked:
        flow.forget_typed()  # no step is asked here: nothing entered on one comes back later

main, side = st.columns([3, 2], gap="large")
with main:
    if view.status == "finished":
        finish_page(actor, view)
    elif discarded:
        discarded_page()
    elif holder is not None:
        handed_over_page(holder)
    elif elsewhere is not None:
        allocated_elsewhere_page(elsewhere, refused=bool(errors))
    elif view.awaiting_confirmation:
        st.write(saving_sentence(view))
        summary_rows(view.summary, key="chg", on_change=change)
        dates_set_list(view.dates_set)
        deadlines_met_list(view.deadlines_met)
        notes_list(view.notes)
        # A duplicate SR the step would make (Step.warnings); an email whose recipient's address is not set.
        for notice in (*view.warnings, *view.mail_notices):
            st.warning(notice, icon=":material/warning:")
        if view.letters_pending:  # a letter is due: no read for steps without one
            pending_letters_panel(lambda: pending_letters(actor, run_id))
        with st.container(horizontal=True):
            st.button("Confirm and save", type="primary", on_click=confirm)
            st.button("Back", on_click=back_from_summary)
    else:
        flow.step(errors, back=back, published=view.published or "")
    if not discarded:
        procedure_map_on_demand(
            f"map:{run_id}", view.procedure_id, view.procedure_version, tuple(s for s, _ in view.history)
        )
    if view.can_discard and holder is None and elsewhere is None:
        discard_offer(run_id, discard)

finished = view.status == "finished"  # the finish page lists the deadlines and emails: not again beside it
if not discarded:  # a discarded run's page says so and offers a new start; nothing beside it
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
        cms_panel(view, tick_cms, saving=holder is None and elsewhere is None)
        with st.expander("Glossary"):
            glossary_panel(GLOSSARY, key=f"glossary:{run_id}")
