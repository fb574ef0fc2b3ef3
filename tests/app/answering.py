"""Answer the step the wizard shows in AppTest, page by page (one question per page, issue 15).

`answer_step` ticks the step's checklist and fills each answer on the page that asks it, clicking Continue
on every page until the step is saved (or is waiting on check your answers). Answers are given by field
name, as the headless Walk takes them, so a test says what is answered, not on which page it is asked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from streamlit.testing.v1 import AppTest

from services import runs
from services.actor import Actor
from services.run_views import FieldView, RunView
from tests.app.helpers import texts


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def widget_keys(at: AppTest) -> set[str]:
    """The keys of the inputs on the page now."""
    kinds = (at.radio, at.checkbox, at.text_area, at.text_input, at.date_input, at.time_input, at.multiselect)
    return {w.key for kind in kinds for w in kind if w.key}


def visit_of(view: RunView) -> str:
    return f"{view.step.id}@{view.step_number}"  # the wizard keys its widgets per visit of a step


def fill(at: AppTest, key: str, f: FieldView, value: Any) -> None:
    """Set the input drawn for field `f` under widget key `key` (no rerun)."""
    kind = f.kind
    if kind == "yes_no":
        at.radio(key=key).set_value("Yes" if value else "No")
    elif kind == "choice":
        at.radio(key=key).set_value(value)
    elif kind == "multi_choice":
        at.multiselect(key=key).set_value(list(value))
    elif kind == "long_text":
        at.text_area(key=key).input(value)
    elif kind == "date":
        at.date_input(key=key).set_value(date.fromisoformat(str(value)))
    elif kind == "datetime":
        moment = datetime.fromisoformat(str(value))
        at.date_input(key=key + ":d").set_value(moment.date())
        at.time_input(key=key + ":t").set_value(moment.time())
    elif kind in ("text", "money", "integer"):
        at.text_input(key=key).input(str(value))
    else:
        raise AssertionError(f"{f.name}: a {kind} field cannot be filled through AppTest here")


def answer_step(
    at: AppTest, actor: Actor, run_id: str, *, tick: bool = True, expect_saved: bool = True, **answers: Any
) -> RunView:
    """Tick the checklist (unless `tick` is False) and answer the step shown, page by page; return the run
    after the last Continue. With `expect_saved`, a page showing a problem fails the test."""
    view = runs.view_run(actor, run_id)
    assert not view.awaiting_confirmation, "the page is asking to confirm, not for answers"
    visit, fields = visit_of(view), {f.name: f for f in view.step.fields}
    remaining = dict(answers)
    for name, value in answers.items():
        if fields[name].kind == "table":  # the grid is drawn prefilled; AppTest cannot edit its cells
            assert value == fields[name].value, f"{name}: only the prefilled rows can be kept in AppTest"
            remaining.pop(name)
    for _page in range(len(view.step.fields) + 2):
        keys = widget_keys(at)
        if tick:
            for item in view.step.checklist:
                if f"ck:{run_id}:{visit}:{item}" in keys:
                    at.checkbox(key=f"ck:{run_id}:{visit}:{item}").check()
        for name in list(remaining):  # in the step's order: a follow-up appears once its question is answered
            key = f"w:{run_id}:{visit}:{name}"
            if key in keys or key + ":d" in keys:
                fill(at, key, fields[name], remaining.pop(name))
                at.run()
                keys = widget_keys(at)
        button(at, "Continue").click().run()
        assert not at.exception, at.exception
        if "There is a problem" in texts(at):
            assert not expect_saved, texts(at)
            return runs.view_run(actor, run_id)
        now = runs.view_run(actor, run_id)
        if visit_of(now) != visit or now.awaiting_confirmation or now.status != "in_progress":
            assert not remaining, f"never asked: {sorted(remaining)}"
            return now
    raise AssertionError(f"the step {view.step.title!r} did not save after a Continue on each page")
