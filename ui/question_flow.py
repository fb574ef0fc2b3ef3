"""A step asked one question a page (services/question_pages.py), shared by the wizard and the practice run so
that a practice run is asked exactly as a real one.

The page shown and the answers given on the step's earlier pages live in the browser session, keyed by the run
and the visit of the step, until the step is saved from its last page. A real run also keeps them on the run at
each page's Continue (services/step_drafts.py), so a new session (a reload, another tab) resumes at that page.
The page passes what differs between a real and a practice run: how a page's answers are checked (and kept), how
the step is saved, and how Back leaves it.

What is typed on the page shown but not yet Continued lives in its inputs, and Streamlit drops an input's value as
soon as a page is drawn without it: opening My work mid-note lost the note (QA, eighth session). With `keep_typed`
(the wizard) each change of an input is copied at once, in its on_change callback, to one key per run that is not
an input's (`typed:<run>`, naming the visit of the step, the page and the run's version), and the page drawn again
in this browser session fills its inputs from it. Lead's decision, 7 December 2026 (ninth session): it stays in the
browser session, never in the database, so nothing half-typed is written to the run, the SR or the audit trail; a
reload, another tab or another computer resumes from the last Continue (services/step_drafts.py), as before. It is
dropped at the page's Continue or Back (its answers then live where Continue keeps them), when the run is no longer
at that visit of the step or has changed since (saved, reopened, ticked or discarded in another tab, on another
server or by a colleague: the run's version tells), when the run is discarded here, and at sign-out (ui.sign_out
clears the session).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from services.question_pages import CHECKLIST, QuestionPage, first_shown, page_shown, question_pages
from services.run_views import RunView
from services.step_drafts import NOT_KEPT, visit
from ui.wizard_widgets import field_input, field_value, input_keys, with_kept

RESTORED = (
    "What you had entered on this page before you left it is filled in again. Nothing is saved until you select "
    "Continue."
)
# A chosen file is chosen again, as after a reload; a grid (P3's table) gives its rows only as it is drawn, after its
# on_change would run, and refills from its first data, so its rows are kept at Continue only, as before.
NOT_TYPED = NOT_KEPT | {"table"}
CHANGED_MEANWHILE = (
    "This procedure run was changed since you left this page (in another tab or window, or by a colleague), so what "
    "you had entered on it is not filled in: the page shows the answers as they are now."
)


def visit_of(view: RunView) -> str:
    """Widget keys are per visit of a step: a step a loop comes back to (a chase, a new appointment) starts blank,
    never showing the answers the browser still holds from the last visit; Back keeps the same visit's answers."""
    return visit(view.step.id, view.step_number)


def _saved(view: RunView) -> dict[str, Any]:
    """The step's saved answers and ticks, as its pages keep them: a page not drawn again in a reopened step still
    gives its answer to the save (QA: Change on a later question refused the earlier ones as missing)."""
    saved: dict[str, Any] = {f.name: f.value for f in view.step.fields if f.value is not None}
    return {**saved, CHECKLIST: list(view.step.checked)}


def open_question(key: str, fresh: RunView, question: str) -> None:
    """After Change on check your answers: show the page of `fresh`'s step that asks `question` (its first page
    when the row is not one question, e.g. the checklist), with the saved answers, not any kept before."""
    visit = visit_of(fresh)
    pages = question_pages(fresh.step)
    asks = [i for i, p in enumerate(pages) if any(f.label == question for f in p.fields)]
    st.session_state[f"qpage:{key}:{visit}"] = asks[0] if asks else 0
    st.session_state[f"qkept:{key}:{visit}"] = _saved(fresh)


def _last_page(fresh: RunView) -> int:
    """The last page of `fresh`'s step that applies to its saved answers."""
    saved = {**dict(fresh.step.earlier), **{f.name: f.value for f in fresh.step.fields if f.value is not None}}
    applicable = [i for i, p in enumerate(question_pages(fresh.step)) if p.applies(saved)]
    return applicable[-1] if applicable else 0


def back_to_step_before(key: str, fresh: RunView) -> None:
    """Back from a step's first page: the step before, which Back reopened (`fresh`), shows its last page, not its
    first. Set here, for that visit only: a flag left for "the next step drawn" outlived a Back to a step this
    session had drawn before and opened the next step reached forwards at its last page (QA). The step's saved
    answers go with it: in a session that never drew its earlier pages (a reload, My work the next day) the last
    page's Continue otherwise saved without them ("Enter CMS owning caseworker" under the name shown, QA)."""
    visit = visit_of(fresh)
    st.session_state[f"qpage:{key}:{visit}"] = _last_page(fresh)
    st.session_state[f"qkept:{key}:{visit}"] = _saved(fresh)


def reached_forwards(key: str, left: str, fresh: RunView) -> None:
    """After a save or a confirm: a step the run moved on to (`fresh`, left from the visit `left`) opens at its first
    page, whatever page this session last showed of the same visit (a Back, then a different earlier answer)."""
    if visit_of(fresh) != left:
        st.session_state[f"qpage:{key}:{visit_of(fresh)}"] = 0


def open_last_page(key: str, fresh: RunView) -> None:
    """Back from check your answers: `fresh`'s step (the one being checked, reopened) at its last page that applies
    to the saved answers, showing those answers, not any kept before (as GOV.UK's Back from a check page)."""
    visit = visit_of(fresh)
    st.session_state[f"qpage:{key}:{visit}"] = _last_page(fresh)
    st.session_state[f"qkept:{key}:{visit}"] = _saved(fresh)


class QuestionFlow:
    """The current page of `view`'s step for the run (or practice run) `key`, with its callbacks.

    `check(answers, names, next_page)` checks one page's answers (and may keep them, to resume at `next_page`) and
    returns True, or keeps the problems for the page and returns False; `save(answers)` saves the step (its
    problems, if refused, are under `errors_key`).
    """

    def __init__(
        self,
        key: str,
        view: RunView,
        *,
        checklist_prefix: str,
        errors_key: str,
        check: Callable[[dict[str, Any], tuple[str, ...], int], bool],
        save: Callable[[dict[str, Any]], object],
        keep_typed: bool = False,
    ) -> None:
        self.key, self.view, self.visit = key, view, visit_of(view)
        self.checklist_prefix, self.errors_key, self.check, self.save = checklist_prefix, errors_key, check, save
        self.pages = question_pages(view.step)
        self.page_key, self.kept_key = f"qpage:{key}:{self.visit}", f"qkept:{key}:{self.visit}"
        self.earlier: dict[str, Any] = dict(view.step.earlier)  # earlier steps' answers a field here is shown for
        if self.page_key not in st.session_state:  # this session's first sight of this visit of the step
            st.session_state[self.page_key] = 0
            if view.draft is not None:  # a reload mid-step: the page reached, the answers given
                st.session_state[self.kept_key] = view.draft.answers
                st.session_state[self.page_key] = max(0, min(view.draft.page, len(self.pages) - 1))
        self.kept: dict[str, Any] = st.session_state.get(self.kept_key, {})
        # What the step's pages are shown for: the earlier steps' answers and those given on this step's pages.
        self.known: dict[str, Any] = {**self.earlier, **self.kept}
        self.first = first_shown(self.pages, self.known)  # the step's first page, for these answers
        index = min(int(st.session_state[self.page_key]), len(self.pages) - 1)
        if not self.pages[index].applies(self.known):  # a page with nothing to ask is never shown: the next one is
            later = [i for i in range(index, len(self.pages)) if self.pages[i].applies(self.known)]
            index = later[0] if later else self.first
            st.session_state[self.page_key] = index
        self.index: int = index
        self.keep_typed, self.typed_key = keep_typed, f"typed:{key}"
        self.typed: dict[str, Any] = {}  # what was entered on this page and not Continued, to fill its inputs again
        self.restored = self.changed_meanwhile = False  # for the notices at the top of the step
        if keep_typed and self.typed_key in st.session_state:
            self._take_typed()

    def _take_typed(self) -> None:
        """Fill this page from what was entered on it before its inputs were dropped (another page was drawn); drop
        what belongs to another step, page or version of the run."""
        entry: dict[str, Any] = st.session_state[self.typed_key]
        view = self.view
        if (
            entry["visit"] != self.visit
            or entry["page"] != self.index
            or view.status != "in_progress"
            or view.awaiting_confirmation
        ):
            del st.session_state[self.typed_key]
            return
        if any(k in st.session_state for k in self._input_keys()):
            # The inputs are still drawn (this tab did not leave the page): they hold the answers. A version moved
            # on meanwhile is this tab's own (a "done in CMS" tick) or was already shown in these inputs.
            entry["version"] = view.version
        elif entry["version"] != view.version:  # the run changed while the caseworker was elsewhere
            del st.session_state[self.typed_key]
            self.changed_meanwhile = True
            return
        else:
            self.typed = entry["values"]
            entry["restored"] = True
        self.restored = bool(entry.get("restored"))

    def _input_keys(self) -> list[str]:
        fields = [f for f in self.pages[self.index].fields if f.kind not in NOT_TYPED]
        keys = [k for f in fields for k in input_keys(self.key, self.visit, f)]
        if self.pages[self.index].checklist:
            keys += [self._tick_key(i) for i in self.view.step.checklist]
        return keys

    def _remember(self) -> None:
        """An input's on_change: copy the page's answers as its inputs hold them now, before a page drawn without
        them (My work, or any other) makes Streamlit drop them."""
        values = self.answers()
        kept = {n: values[n] for n in self.page.names if n in values}
        for f in self.page.fields:
            if f.kind in NOT_TYPED:
                kept.pop(f.name, None)
        before = st.session_state.get(self.typed_key)
        st.session_state[self.typed_key] = {
            "visit": self.visit,
            "page": self.index,
            "version": self.view.version,
            "values": kept,
            "restored": bool(before and before.get("restored") and before["visit"] == self.visit),
        }

    def forget_typed(self) -> None:
        """Drop what was entered on the page and not Continued: its Continue or Back took it, or no step is asked."""
        st.session_state.pop(self.typed_key, None)

    @property
    def page(self) -> QuestionPage:
        """The page shown, headed by its first field that applies to the answers so far (a question not asked does
        not head it): the pages' indexes do not change with the answers, their headings do."""
        return page_shown(self.view.step, self.index, self.known)

    def _tick_key(self, item: str) -> str:
        return f"{self.checklist_prefix}:{self.key}:{self.visit}:{item}"

    def answers(self) -> dict[str, Any]:
        """The answers of the page on screen (read from its widgets), over those kept from earlier pages."""
        values: dict[str, Any] = dict(self.known)
        for f in with_kept(self.page.fields, self.kept):
            if f.applies(values):
                values[f.name] = field_value(self.key, self.visit, f)
        if self.page.checklist:
            values[CHECKLIST] = [i for i in self.view.step.checklist if st.session_state.get(self._tick_key(i))]
        return values

    def proceed(self) -> None:
        """Continue: on a page before the step's last, check this page's answers only and show the next page that
        applies to them; on the last, save the whole step (a refused answer reopens the page that asks it)."""
        values = self.answers()
        st.session_state[self.kept_key] = values
        self.forget_typed()  # kept above with the step's other answers, and by `check` on the run
        later = [i for i in range(self.index + 1, len(self.pages)) if self.pages[i].applies(values)]
        if later:
            if self.check(values, self.page.names, later[0]):
                st.session_state[self.page_key] = later[0]
            return
        answers: dict[str, Any] = {}
        for f in self.view.step.fields:
            if f.applies({**self.earlier, **answers}) and f.name in values:
                answers[f.name] = values[f.name]
        self.save({**answers, CHECKLIST: values.get(CHECKLIST, list(self.view.step.checked))})
        refused = st.session_state.get(self.errors_key, {})
        first = next((i for i, p in enumerate(self.pages) if set(p.names) & set(refused)), None)
        if first is not None:
            st.session_state[self.page_key] = first

    def previous_page(self) -> None:
        values = self.answers()
        st.session_state[self.kept_key] = values
        self.forget_typed()
        earlier = [i for i in range(self.index) if self.pages[i].applies(values)]
        st.session_state[self.page_key] = earlier[-1] if earlier else self.first

    def form(self, errors: dict[str, str]) -> None:
        """The page's checklist and question(s). Not a fragment: text typed in a fragment is sent (on blur) as a
        fragment rerun just as the Continue outside it asks for a full one, and Chromium then lost the answer.
        A question's page heading asks it, so its input's own label is not drawn again (it stays its name)."""
        page, view = self.page, self.view
        remember = self._remember if self.keep_typed else None
        shown = {**self.kept, **self.typed} if self.typed else self.kept
        if page.checklist:
            ticked = shown.get(CHECKLIST)
            done = set(ticked) if isinstance(ticked, list) else set(view.step.checked)
            st.markdown("**Check before you continue**")
            for item in view.step.checklist:
                st.checkbox(item, value=item in done, key=self._tick_key(item), wrap=True, on_change=remember)
            with st.empty():  # a fixed slot for the error: the fields below keep their place (see the summary)
                if CHECKLIST in errors:
                    st.markdown(f":red[**Error:** {errors[CHECKLIST]}]")
        values: dict[str, Any] = dict(self.known)
        for f in with_kept(page.fields, shown):
            if f.applies(values):
                as_heading = f.name == page.asks
                if as_heading and f.help:
                    st.caption(f.help)
                values[f.name] = field_input(
                    self.key, self.visit, f, errors.get(f.name), label_hidden=as_heading, on_change=remember
                )

    def step(self, errors: dict[str, str], *, back: Callable[[], None], published: str = "") -> None:
        """The page: whose step and the guidance (in full on the step's first page), the recheck warning, the
        form, Continue and Back (to the step's previous page, then through `back` to the previous step)."""
        page, view = self.page, self.view
        if page.intro:
            if published:
                st.caption(f"Published procedure: {published}")
            if view.step.who:
                st.markdown(f"**Who does this:** {view.step.who}")
        if view.step.recheck:
            because = f" ({', '.join(view.step.recheck_because)})" if view.step.recheck_because else ""
            st.warning(f"Check this step again: you changed an earlier answer it depends on{because}.")
        for caution in view.warnings:  # e.g. the case already has an open SR of the kind this step creates
            st.warning(caution, icon=":material/warning:")
        if page.intro:
            st.write(view.step.guidance)
        else:
            with st.expander(f"About this step: {view.step.title}"):
                st.write(view.step.guidance)
        self.form(errors)
        with st.container(horizontal=True):  # Back beside Continue, not half a page away (QA)
            st.button("Continue", type="primary", on_click=self.proceed)
            if self.index > self.first:
                st.button("Back", on_click=self.previous_page)
            else:
                st.button("Back", disabled=not view.can_go_back, on_click=back)
        if self.index == self.first and not view.can_go_back and view.back_refusal:
            st.caption(view.back_refusal)
