"""One question per page (GOV.UK's "one thing per page", issue 15): how a step's questions are split into the
pages the wizard shows, and the check of one page's answers before the next page.

A procedure step stays the unit that is saved, audited and moved on from; its pages are how it is asked.
- The step's checklist, if it has one, is its first page, under the step's title with its guidance.
- Each question is a page with the question as its heading. A follow-up question shown only for one answer
  of a question on the same page ("What you found", after "Yes") stays on that page, and so does an optional
  note that goes with it ("Why it moves"): a tightly related group.
- A step asked in one page (no checklist, one group) keeps the step's title as its heading: the title is
  already the question ("Does the case need to move segment?") and the labels stay as they are.
- A step with neither checklist nor questions is one page under its title.

Answers given on earlier pages of the step are kept in the browser session until the step is saved; a reload
in the middle of a step's questions starts that step's questions again, with the answers saved before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
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
    label_is_heading: bool = False  # the heading asks the first field's question: its label is not drawn again

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields) + ((CHECKLIST,) if self.checklist else ())

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether the page has anything to ask, given the answers so far (a follow-up page may not)."""
        return self.checklist or not self.fields or any(f.applies(dict(answers)) for f in self.fields)


def question_pages(step: StepView) -> list[QuestionPage]:
    """The pages of `step`, in order (see the module docstring for the rule)."""
    groups: list[list[FieldView]] = []
    for f in step.fields:
        follow_up = f.when is not None and groups and f.when[0] in {g.name for g in groups[-1]}
        note = f.when is None and not f.required and groups
        if follow_up or note:
            groups[-1].append(f)
        else:
            groups.append([f])
    if not step.checklist and len(groups) <= 1:
        return [QuestionPage(heading=step.title, fields=tuple(groups[0]) if groups else (), intro=True)]
    pages = [QuestionPage(heading=_question(g[0]), fields=tuple(g), label_is_heading=True) for g in groups]
    if step.checklist:
        return [QuestionPage(heading=step.title, fields=(), checklist=True, intro=True), *pages]
    first = pages[0]
    return [QuestionPage(first.heading, first.fields, intro=True, label_is_heading=True), *pages[1:]]


def _question(f: FieldView) -> str:
    return f.label + ("" if f.required else " (optional)")


def check_page(
    procedure_id: str, version: str, step_id: str, answers: Mapping[str, Any], names: Collection[str], *, today: date
) -> None:
    """Raise ValidationFailed with the problems of the page's own answers (`names`), as saving would find them.

    The step is saved, and checked again in full, only from its last page (runs.check_page wraps this with
    the run's access and version checks). `today` is the date saving uses, so a date refused at save is
    refused here too.
    """
    step = registry.get(procedure_id, version).steps[step_id]
    errors: dict[str, str] = {}
    for f in step.fields:
        if f.name not in names or not f.applies(dict(answers)):
            continue
        try:
            f.parse(answers.get(f.name), today=today)
        except FieldError as exc:
            errors[f.name] = exc.message
    if CHECKLIST in names:
        ticked = set(answers.get(CHECKLIST) or [])
        missing = [item for item in step.checklist if item not in ticked]
        if missing:
            errors[CHECKLIST] = "Confirm you have done this before you continue: " + "; ".join(missing)
    if errors:
        raise ValidationFailed(errors)
