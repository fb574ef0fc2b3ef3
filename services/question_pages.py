"""One question per page (GOV.UK's "one thing per page", issue 15): how a step's questions are split into the
pages the wizard shows, and the check of one page's answers before the next page.

A procedure step stays the unit that is saved, audited and moved on from; its pages are how it is asked.
- Fields are grouped: a question (a label ending in "?") starts a group; a follow-up shown only for one of
  its answers ("What you found", after "Yes") and an optional note stay with it. Consecutive details that
  are not questions (court, fee, address) are one group: a tightly related set, like an address.
- A step with one group is one page under the step's title, its checklist above the inputs: the title already
  says what it asks ("Does the case need to move segment?", "Choose the Reason and Resolution Code").
- A step with several groups has one page per group. A question's page has the question as its heading (the
  input keeps it as its name, not drawn twice), as has a later details page its first label. The step's
  checklist comes first, on a page under the step's title, shared with the first group when that one is
  details, not a question.
- A step with neither checklist nor questions is one page under its title.

The pages are fixed for the step (Back, Change and a kept draft name a page by its index); what a page shows
follows the answers given so far (`page_shown`): a field whose `when` does not hold is not asked, so it does not
head its page either: the first field that applies does (P5b's "Screenshots of the SR saved in the folder?" is
asked only for criminal action; without it, its page asks for the notes for the CPO). A page with nothing that
applies is not shown (ui/question_flow.py skips it), and the first page that applies is the step's first page.

Answers given on earlier pages of the step are kept in the browser session until the step is saved, and on the
run at each page's Continue (services/step_drafts.py), so a reload in the middle of a step's pages resumes there.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from domain.values import FieldError
from procedures import registry
from services.errors import ValidationFailed
from services.run_views import FieldView, StepView

CHECKLIST = "_checklist"


@dataclass(frozen=True, slots=True)
class QuestionPage:
    heading: str
    fields: tuple[FieldView, ...]
    checklist: bool = False  # this page asks for the step's checklist ticks
    intro: bool = False  # the step's first page: its guidance is shown in full here
    asks: str = ""  # the field whose label is the heading (its label is not drawn again); "" under the step's title

    @property
    def label_is_heading(self) -> bool:
        return bool(self.asks)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields) + ((CHECKLIST,) if self.checklist else ())

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether the page has anything to ask, given the answers so far (a follow-up page may not)."""
        return self.checklist or not self.fields or any(f.applies(dict(answers)) for f in self.fields)


def _is_question(f: FieldView) -> bool:
    return f.label.rstrip().endswith("?")


def question_pages(step: StepView) -> list[QuestionPage]:
    """The pages of `step`, in order (see the module docstring for the rule)."""
    groups: list[list[FieldView]] = []
    for f in step.fields:
        last = groups[-1] if groups else None
        follow_up = last is not None and f.when is not None and f.when[0] in {g.name for g in last}
        note = last is not None and f.when is None and not f.required
        details = last is not None and not _is_question(f) and not _is_question(last[0]) and f.kind != "table"
        if last is not None and (follow_up or note or details) and last[0].kind != "table":
            last.append(f)
        else:
            groups.append([f])
    if len(groups) <= 1:
        fields = tuple(groups[0]) if groups else ()
        return [QuestionPage(heading=step.title, fields=fields, checklist=bool(step.checklist), intro=True)]
    pages: list[QuestionPage] = []
    if _is_question(groups[0][0]):
        if step.checklist:
            pages.append(QuestionPage(heading=step.title, fields=(), checklist=True, intro=True))
    else:  # details first: they share the step's first page, under its title, with its checklist
        first = groups.pop(0)
        pages.append(QuestionPage(step.title, tuple(first), checklist=bool(step.checklist), intro=True))
    for group in groups:
        pages.append(QuestionPage(_question(group[0]), tuple(group), intro=not pages, asks=group[0].name))
    return pages


def first_shown(pages: Sequence[QuestionPage], answers: Mapping[str, Any]) -> int:
    """The index of the first of `pages` that applies to `answers` (0 when none does: the step asks nothing)."""
    return next((i for i, p in enumerate(pages) if p.applies(answers)), 0)


def page_shown(step: StepView, index: int, answers: Mapping[str, Any]) -> QuestionPage:
    """Page `index` of `step`'s pages as it is shown given `answers` (earlier steps' and this step's so far): headed by
    its first field that applies, as that field is the one drawn first; the step's first page if it is the first
    that applies. A page with nothing that applies (shown only when the whole step asks nothing) is under the
    step's title."""
    pages = question_pages(step)
    page = pages[index]
    if page.asks:
        asked = next((f for f in page.fields if f.applies(dict(answers))), None)
        if asked is None:
            page = replace(page, heading=step.title, asks="")
        elif asked.name != page.asks:
            page = replace(page, heading=_question(asked), asks=asked.name)
    return replace(page, intro=index == first_shown(pages, answers))


def _question(f: FieldView) -> str:
    return f.label + ("" if f.required else " (optional)")


def check_page(
    procedure_id: str,
    version: str,
    step_id: str,
    answers: Mapping[str, Any],
    names: Collection[str],
    *,
    checklist: Collection[str],
    facts: Mapping[str, Any],
    today: date,
) -> None:
    """Raise ValidationFailed with the problems of the page's own answers (`names`), as saving would find them.

    `checklist` is the one the page showed (`StepView.checklist`): a step's wording can depend on how its run
    started (`Step.as_started`). `facts` are the case's, as saving reads them (run_context.step_facts): a field's
    own rule (`Field.check`, e.g. a PV check that misses the case's PV marker) is checked here, at its page.

    The step is saved, and checked again in full, only from its last page (runs.check_page wraps this with
    the run's access and version checks; practice.check_page with the practice run's). The machine's validators
    are not run here: one may read an answer of a later page, not given yet. `today` is the date saving uses, so a
    date refused at save is refused here too.
    """
    step = registry.get(procedure_id, version).steps[step_id]
    errors: dict[str, str] = {}
    for f in step.fields:
        if f.name not in names or not f.applies(dict(answers)):
            continue
        try:
            value = f.parse(answers.get(f.name), today=today)
        except FieldError as exc:
            errors[f.name] = exc.message
            continue
        refusal = f.refusal(f.typed(value), facts)
        if refusal:
            errors[f.name] = refusal
    if CHECKLIST in names:
        ticked = set(answers.get(CHECKLIST) or [])
        missing = [item for item in checklist if item not in ticked]
        if missing:  # first, as the page draws the checklist above the questions: the summary reads in page order
            errors = {CHECKLIST: "Confirm you have done this before you continue: " + "; ".join(missing), **errors}
    if errors:
        raise ValidationFailed(errors)
