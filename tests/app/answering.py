"""Answer the step the wizard shows in AppTest, page by page (one question per page, issue 15).

`answer_step` ticks the step's checklist and fills each answer on the page that asks it, clicking Continue
on every page until the step is saved (or is waiting on check your answers). Answers are given by field
name, as the headless Walk takes them, so a test says what is answered, not on which page it is asked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from streamlit.testing.v1 import AppTest

from services import run_context
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


def progress(at: AppTest) -> str:
    """The progress line: "Step 2 of about 5: **<step title>**" (the step shown, whatever page of it)."""
    shown = at.get("progress")
    return shown[0].proto.text if shown else ""


def _where(at: AppTest) -> tuple[str, str]:
    """What the page shows: its step (the progress line names it) and its heading."""
    progress = at.get("progress")
    return (progress[0].proto.text if progress else "", at.title[0].value if at.title else "")


def answer_step(
    at: AppTest,
    actor: Actor,
    run_id: str,
    *,
    tick: bool = True,
    expect_saved: bool = True,
    view: RunView | None = None,
    **answers: Any,
) -> RunView:
    """Tick the checklist (unless `tick` is False) and answer the step shown, page by page; return the run
    after the last Continue. With `expect_saved`, a page showing a problem fails the test. `view` is the run
    as this page last read it, when another session may have changed it since."""
    view = view or run_context.view_run(actor, run_id)
    assert not view.awaiting_confirmation, "the page is asking to confirm, not for answers"
    visit, fields = visit_of(view), {f.name: f for f in view.step.fields}
    step_shown = _where(at)[0]
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
            return run_context.view_run(actor, run_id)
        step_now, heading = _where(at)
        if step_now != step_shown or heading == "Check your answers before saving" or not step_now:
            assert not remaining, f"never asked: {sorted(remaining)}"
            return run_context.view_run(actor, run_id)
    raise AssertionError(f"the step {view.step.title!r} did not save after a Continue on each page")


LABELLED = ("text_input", "text_area", "date_input", "time_input", "radio", "multiselect")


def _labelled(at: AppTest, label: str):
    """The input labelled `label` on the page now ("kind:label" matches that kind by the label's start), or None."""
    if ":" in label and label.split(":", 1)[0] in LABELLED:
        kind, start = label.split(":", 1)
        return next((w for w in getattr(at, kind) if w.label.startswith(start)), None)
    for kind in LABELLED:
        for w in getattr(at, kind):
            if w.label in (label, f"{label} (optional)"):
                return w
    return None


def answer_by_label(at: AppTest, *, confirm: bool = True, **answers: Any) -> None:
    """Answer the step shown by the inputs' labels, page by page: tick its checklist, fill each answer on the
    page that asks it, Continue on every page; then Confirm and save if the step asks for it (`confirm`)."""
    step_shown = _where(at)[0]
    remaining = dict(answers)
    for _page in range(len(answers) + 8):
        for box in at.checkbox:
            if box.key and box.key.startswith("ck:"):
                box.check()
        for label in list(remaining):
            w = _labelled(at, label)
            if w is not None:
                value = remaining.pop(label)
                (w.input(value) if w.type in ("text_input", "text_area") else w.set_value(value)).run()
        button(at, "Continue").click().run()
        assert not at.exception, at.exception
        assert "There is a problem" not in texts(at), texts(at)
        step_now, heading = _where(at)
        if step_now != step_shown or heading == "Check your answers before saving" or not step_now:
            break
    else:
        raise AssertionError(f"{step_shown!r} did not save after a Continue on each page")
    assert not remaining, f"never asked: {sorted(remaining)}"
    if confirm and "Check your answers before saving" in texts(at):
        button(at, "Confirm and save").click().run()
        assert not at.exception, at.exception
